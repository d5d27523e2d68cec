import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readManifest, loadModel, checkGraph } from '../../src/main/core/inference/model';
import { runGraphTiled, predictPlanes } from '../../src/main/core/inference/predict';
import { inferSite } from '../../src/main/core/inference/site';
import { tileStarts, tileWeights, planTiles, reflectIndex, extractTile } from '../../src/main/core/inference/tiling';
import { spatialMultiple } from '../../src/main/core/inference/multiple';
import { parseOnnx } from '../../src/main/core/inference/onnxGraph';
import { percentiles, normalizePlane, denormalizePlane, toUint16 } from '../../src/main/core/inference/normalize';
import { resizeBilinear } from '../../src/main/core/inference/resample';
import { getSession } from '../../src/main/core/inference/sessions';
import { detectProviders } from '../../src/main/core/inference/providers';
import { gaussianSource, uniformSource } from '../../src/main/core/inference/samplers/noise';
import { parseManifest } from '../../src/shared/manifest';

const FIX = join(import.meta.dirname, '../fixtures/models');
const ref = JSON.parse(readFileSync(join(FIX, 'reference.json'), 'utf8'));
const fixture = async (name: string) => {
  const r = readManifest(join(FIX, name));
  return loadModel(r.manifest, r.dir, 'cpu');
};
const randomPlanes = (c: number, w: number, h: number, seed: number) => {
  const u = uniformSource(seed);
  return { data: new Float32Array(c * w * h).map(() => u() * 2 - 1), channels: c, width: w, height: h };
};

test('tiles cover any size, stay inside the image, and weights are positive', () => {
  for (const [len, size, ov] of [[150, 64, 16], [64, 64, 16], [65, 64, 16], [30, 64, 16], [1000, 256, 32]]) {
    const starts = tileStarts(len, size, ov);
    assert.equal(starts[0], 0);
    if (len > size) assert.equal(starts.at(-1), len - size);
    for (let i = 1; i < starts.length; i++) assert.ok(starts[i] - starts[i - 1] <= size - ov, 'neighbours overlap by at least `overlap`');
    for (const s of starts) for (const w of tileWeights(s, size, ov, len)) assert.ok(w > 0 && w <= 1);
  }
  assert.equal(planTiles(150, 97, 64, 16).length, 3 * 2);
});

test('the identity model reproduces its input exactly across tile seams at non-multiple sizes', async () => {
  const lm = await fixture('identity');
  for (const [w, h] of [[150, 97], [64, 64], [37, 29], [201, 65]]) {
    const img = randomPlanes(1, w, h, w * h);
    const out = await runGraphTiled(lm, [img]);
    assert.equal(out.data.length, w * h);
    let max = 0;
    for (let i = 0; i < w * h; i++) max = Math.max(max, Math.abs(out.data[i] - img.data[i]));
    assert.ok(max < 1e-6, `${w}×${h}: max deviation ${max}`);
  }
  // and through the whole 16-bit site path: 0 and 65535 present, so percentiles 0/100 map back exactly
  const w = 173, h = 91;
  const u = uniformSource(5);
  const data = new Uint16Array(w * h).map(() => Math.floor(u() * 65536));
  data[0] = 0;
  data[1] = 65535;
  const [out] = await inferSite(lm, [{ width: w, height: h, bitDepth: 16, data }]);
  assert.deepEqual(out, data);
});

test('percentiles match numpy and normalisation round-trips', () => {
  const n = ref.u16.n as number;
  const a = new Uint16Array(n).map((_, i) => Number((BigInt(i) * 7919n + ((BigInt(i) * BigInt(i)) % 65521n)) % 65536n));
  const got = percentiles(a, ref.u16.ps);
  got.forEach((v, i) => assert.ok(Math.abs(v - ref.u16.values[i]) < 1e-9, `p${ref.u16.ps[i]}: ${v} vs ${ref.u16.values[i]}`));
  const f = new Float64Array(ref.float.h * ref.float.w);
  for (let y = 0; y < ref.float.h; y++) for (let x = 0; x < ref.float.w; x++) f[y * ref.float.w + x] = Math.sin(x * 0.7) * Math.cos(y * 0.3) + 0.01 * x * y;
  percentiles(f, ref.float.ps).forEach((v, i) => assert.ok(Math.abs(v - ref.float.values[i]) < 1e-12));
  const [low, high] = percentiles(a, [0.5, 99.5]);
  const norm = normalizePlane(a, { low, high }, [-1, 1]);
  assert.ok(norm.every((v) => v >= -1 && v <= 1));
  const back = denormalizePlane(norm, { low, high }, [-1, 1]);
  for (let i = 0; i < n; i++) {
    const clipped = Math.min(Math.max(a[i], low), high);
    assert.ok(Math.abs(back[i] - clipped) < 0.02, `pixel ${i}: ${back[i]} vs ${clipped}`);
  }
});

test('model range → 16-bit: clamped, rounded half up like Math.round, NaN → 0', () => {
  const v = Float32Array.of(-2, 0, 0.5, 1.5, 2.4999, 65534.5, 65535, 70000, NaN);
  assert.deepEqual(Array.from(toUint16(v, [0, 65535])), [0, 0, 1, 2, 2, 65535, 65535, 65535, 0]);
  const w = new Float32Array(10000).map((_, i) => -1.1 + (2.2 * i) / 9999);
  const got = toUint16(w, [-1, 1]);
  w.forEach((x, i) => assert.equal(got[i], Math.min(65535, Math.max(0, Math.round((x + 1) * 32767.5)))));
});

test('bilinear resampling matches scikit-image resize(order=1)', () => {
  const { h, w } = ref.resize;
  const src = new Float32Array(h * w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) src[y * w + x] = Math.sin(x * 0.7) * Math.cos(y * 0.3) + 0.01 * x * y;
  for (const k of ['up', 'down']) {
    const r = ref.resize[k];
    const out = resizeBilinear(src, w, h, r.w, r.h);
    out.forEach((v, i) => assert.ok(Math.abs(v - r.values[i]) < 1e-5, `${k} ${i}: ${v} vs ${r.values[i]}`));
  }
});

test('direct model: seven output planes at the input size, in range', async () => {
  const lm = await fixture('direct');
  const out = await predictPlanes(lm, randomPlanes(3, 130, 70, 1));
  assert.equal(out.channels, 7);
  assert.equal(out.data.length, 7 * 130 * 70);
  assert.ok(out.data.every((v) => v >= -1 && v <= 1));
  const [w, h] = [90, 80];
  const g = (s: number) => ({ width: w, height: h, bitDepth: 16 as const, data: new Uint16Array(w * h).map((_, i) => (i * s) % 60000) });
  const planes = await inferSite(lm, [g(7), g(11), g(13)]);
  assert.equal(planes.length, 7);
  for (const p of planes) assert.equal(p.length, w * h);
});

test('residual diffusion is deterministic under a seed and honours --steps', async () => {
  const lm = await fixture('diffusion');
  const img = randomPlanes(1, 80, 72, 3);
  const a = await predictPlanes(lm, img, { noise: gaussianSource(1, 0) });
  const b = await predictPlanes(lm, img, { noise: gaussianSource(1, 0) });
  const c = await predictPlanes(lm, img, { noise: gaussianSource(2, 0) });
  assert.equal(a.channels, 7);
  assert.deepEqual(a.data, b.data);
  assert.notDeepEqual(a.data, c.data);
  assert.ok(a.data.every((v) => v >= -1 && v <= 1));
  const two = await predictPlanes(lm, img, { noise: gaussianSource(1, 0), steps: 2 });
  assert.equal(two.data.length, a.data.length);
  assert.notDeepEqual(two.data, a.data);
  await assert.rejects(predictPlanes(lm, img), /seeded noise/);
});

test('auto provider falls back to CPU and reports why; sessions are reused', async () => {
  const file = join(FIX, 'identity', 'model.onnx');
  const info = await detectProviders();
  const auto = await getSession(file, 'auto');
  if (info.active === 'cpu') {
    assert.equal(auto.provider, 'cpu');
    assert.ok(auto.reason.includes(info.reason), auto.reason);
    const cuda = await getSession(file, 'cuda');
    assert.equal(cuda.provider, 'cpu');
    assert.match(cuda.reason, /^CUDA requested but unavailable: /);
  } else assert.equal(auto.provider, 'cuda');
  assert.equal(await getSession(file, 'auto'), auto);
  assert.equal((await getSession(file, 'cpu')).reason, 'CPU requested');
});

test('when a CUDA session cannot be created, the session falls back to CPU and says why', async () => {
  const file = join(FIX, 'identity', 'model.onnx');
  const { openSession } = await import('../../src/main/core/inference/sessions');
  const { ortBinDir } = await import('../../src/main/core/inference/providers');
  const { existsSync } = await import('node:fs');
  const h = await openSession(file, 'auto', async () => ({ active: 'cuda', available: ['cpu', 'cuda'], reason: 'pretend a device' }));
  if (existsSync(join(ortBinDir(), 'libonnxruntime_providers_cuda.so')) && h.provider === 'cuda') assert.equal(h.reason, 'pretend a device');
  else {
    // here (no CUDA provider library) creating the CUDA session really fails
    assert.equal(h.provider, 'cpu');
    assert.match(h.reason, /^CUDA session could not be created \(.+\); using CPU$/);
  }
  const out = await h.session.run({ x: new (await import('onnxruntime-node')).Tensor('float32', new Float32Array(16).fill(2), [1, 1, 4, 4]) });
  assert.equal((out.y.data as Float32Array)[5], 2);
});

test('loading refuses a manifest that does not match the graph, naming the mismatch', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stainless-manifest-'));
  try {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- edits arbitrary manifest JSON
    const variant = async (src: string, edit: (m: Record<string, any>) => void) => {
      const d = join(dir, `${src}-${Math.random().toString(36).slice(2)}`);
      cpSync(join(FIX, src), d, { recursive: true });
      const m = JSON.parse(readFileSync(join(d, 'model.json'), 'utf8'));
      edit(m);
      writeFileSync(join(d, 'model.json'), JSON.stringify(m));
      const r = readManifest(d);
      return loadModel(r.manifest, r.dir, 'cpu');
    };
    await assert.rejects(variant('identity', (m) => (m.onnx.inputs = ['image'])), /manifest input "image" is not a graph input \(graph inputs: x\).*graph input "x" is not named/);
    await assert.rejects(variant('identity', (m) => (m.inputs = ['BF', 'BFLow'])), /input "x" has 1 channels in the graph but the manifest implies 2/);
    await assert.rejects(variant('direct', (m) => (m.outputs = ['DNA', 'ER', 'RNA', 'AGP', 'Mito'])), /output "paint" has 7 channels in the graph but the manifest implies 5/);
    await assert.rejects(variant('diffusion', (m) => (m.inputs = ['BFLow', 'BF'])), /y0 input "y0" has 7 channels in the graph but the manifest implies 8/);
    await assert.rejects(variant('identity', (m) => (m.onnx.outputs = ['z'])), /manifest output "z" is not a graph output \(graph outputs: y\)/);
    await assert.rejects(variant('identity', (m) => (m.sha256 = '0'.repeat(64))), /sha256 [0-9a-f]{64} does not match the manifest's 0000/);
    await assert.rejects(variant('diffusion', (m) => delete m.sampler), /model\.json: invalid model manifest.*sampler/);
    await assert.rejects(variant('identity', (m) => (m.kind = 'residual-diffusion')), /three graph inputs/);
    // the model file must sit beside its manifest (a path from the UI never reaches other files)
    await assert.rejects(variant('identity', (m) => (m.file = '../direct/model.onnx')), /file: an \.onnx file name beside the manifest/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('graph checks: fixed spatial size must equal the tile, rank 4, batch fixed → no batching', () => {
  const m = parseManifest(JSON.parse(readFileSync(join(FIX, 'identity', 'model.json'), 'utf8')), 'x');
  const facts = checkGraph(m, [{ name: 'x', type: 'float32', shape: [1, 1, 64, 64] }], [{ name: 'y', type: 'float32', shape: [1, 1, 64, 64] }], 'm.json');
  assert.deepEqual(facts, { dynamicBatch: false, timestepType: 'int64', dynamicSpatial: false, multiple: 1 });
  // a free-size graph whose downsampling does not divide the manifest's tile is refused
  assert.throws(() => checkGraph(m, [{ name: 'x', type: 'float32', shape: ['N', 1, 'H', 'W'] }], [{ name: 'y', type: 'float32', shape: [] }], 'm.json', 128), /tile size 64 is not a multiple of 128/);
  assert.throws(() => checkGraph(m, [{ name: 'x', type: 'float32', shape: [1, 1, 128, 128] }], [{ name: 'y', type: 'float32', shape: [] }], 'm.json'), /m\.json: .*fixed at 128 px but the manifest's tile size is 64/);
  assert.throws(() => checkGraph(m, [{ name: 'x', type: 'float32', shape: [1, 64, 64] }], [{ name: 'y', type: 'float32', shape: [] }], 'm.json'), /rank 3/);
  assert.throws(() => checkGraph(m, [{ name: 'x', type: 'uint8', shape: ['N', 1, 'H', 'W'] }], [{ name: 'y', type: 'float32', shape: [] }], 'm.json'), /is uint8; Stainless feeds float32/);
});

test('reflect padding mirrors without repeating the edge (numpy pad mode "reflect"), for pads wider than the image', () => {
  // numpy.pad(np.arange(n), (0, k), mode='reflect') tails
  assert.deepEqual(Array.from({ length: 10 }, (_, i) => reflectIndex(i, 4)), [0, 1, 2, 3, 2, 1, 0, 1, 2, 3]);
  assert.deepEqual(Array.from({ length: 5 }, (_, i) => reflectIndex(i, 2)), [0, 1, 0, 1, 0]);
  assert.deepEqual(Array.from({ length: 3 }, (_, i) => reflectIndex(i, 1)), [0, 0, 0]);
  const img = Float32Array.from([1, 2, 3, 4, 5, 6]); // 3 wide, 2 high
  const dst = new Float32Array(16);
  extractTile(img, 1, 3, 2, { x: 0, y: 0 }, 4, dst, 0);
  assert.deepEqual(Array.from(dst), [1, 2, 3, 2, 4, 5, 6, 5, 1, 2, 3, 2, 4, 5, 6, 5]);
});

test('the spatial multiple is read from the graph: the fixtures and the bundled UNets', () => {
  const mult = (dir: string) => spatialMultiple(parseOnnx(readFileSync(join(dir, 'model.onnx'))));
  assert.equal(mult(join(FIX, 'identity')), 1);
  assert.equal(mult(join(FIX, '../../../resources/models/stainless-unet-direct')), 16);
  assert.equal(mult(join(FIX, '../../../resources/models/stainless-resdiff')), 16);
});

test('FLOP count from the ONNX graph matches the hand count of the fixture convolutions', async () => {
  const { countFlopsFile } = await import('../../src/main/core/inference/flops');
  // identity: one 1→1 3×3 conv on 64²: 2·64²·9
  assert.deepEqual(countFlopsFile(join(FIX, 'identity/model.onnx'), { x: [1, 1, 64, 64] }), { flops: 2 * 4096 * 9, byOp: { Conv: 2 * 4096 * 9 }, unknownOps: [] });
  // direct: 3→16, 16→16, 16→7 3×3 convs, batch 2 at 32²
  const px = 2 * 32 * 32;
  assert.equal(countFlopsFile(join(FIX, 'direct/model.onnx'), { bf: [2, 3, 32, 32] }).flops, 2 * px * 9 * (3 * 16 + 16 * 16 + 16 * 7));
  // diffusion: 14→16, 16→16, 16→7 convs; the embedding Gather and broadcast Add propagate shapes
  const d = countFlopsFile(join(FIX, 'diffusion/model.onnx'), { x_t: [1, 7, 64, 64], y0: [1, 7, 64, 64], t: [1] });
  assert.equal(d.flops, 2 * 4096 * 9 * (14 * 16 + 16 * 16 + 16 * 7));
  assert.deepEqual(d.unknownOps, []);
});

test('sites are resampled to the model pixel size and back to the acquired size', async () => {
  const r = readManifest(join(FIX, 'identity'));
  const lm = await loadModel({ ...r.manifest, pixelSizeUm: 0.5 }, r.dir, 'cpu');
  const [w, h] = [70, 45];
  // a smooth ramp survives bilinear up- and down-sampling almost unchanged
  const data = new Uint16Array(w * h).map((_, i) => Math.round(((i % w) / (w - 1)) * 40000 + (Math.floor(i / w) / (h - 1)) * 25535));
  const seen: number[] = [];
  const orig = lm.handle.session.run.bind(lm.handle.session);
  (lm.handle.session as { run: typeof orig }).run = (async (feeds: Record<string, { dims: readonly number[] }>) => {
    seen.push(feeds.x.dims[0]);
    return orig(feeds as never);
  }) as typeof orig;
  const [out] = await inferSite(lm, [{ width: w, height: h, bitDepth: 16, data }], { pixelSizeUm: 1 });
  assert.equal(out.length, w * h);
  const tiles = seen.reduce((a, b) => a + b, 0);
  assert.equal(tiles, planTiles(140, 90, 64, 16).length, 'the model saw the 2× upsampled site (140×90)');
  assert.ok(tiles > planTiles(70, 45, 64, 16).length);
  let max = 0;
  for (let y = 1; y < h - 1; y++) for (let x = 1; x < w - 1; x++) max = Math.max(max, Math.abs(out[y * w + x] - data[y * w + x]));
  assert.ok(max <= 2, `interior deviation ${max}`);
});
