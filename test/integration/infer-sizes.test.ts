import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { readManifest, loadModel, type LoadedModel } from '../../src/main/core/inference/model';
import { inferSite } from '../../src/main/core/inference/site';
import { resizeBilinear } from '../../src/main/core/inference/resample';
import { gaussianSource } from '../../src/main/core/inference/samplers/noise';
import { readGray, type Gray } from '../../src/main/core/io/tiff';

/**
 * The bundled models (real ONNX graphs with four 2× poolings and skip concatenations) on sites of
 * the sizes real plates have, and on a real transmitted-light field resampled to them: every
 * output has the input's size. 500 px and 1024 px at 0.6 µm (→ 488 px at the model's 1.26 µm)
 * used to fail inside onnxruntime ("Concat … mismatched dimensions").
 */
const repo = resolve(import.meta.dirname, '../..');
const DATA = resolve(repo, '../shared/data/isl-rat-cortex-phase-left');
const bundled = async (name: string) => {
  const r = readManifest(join(repo, 'resources/models', name));
  return loadModel(r.manifest, r.dir, 'cpu');
};

let planes: Gray[] | null = null;
/** The real phase planes (1024 rows × 512 columns) resampled to w×h, as 16-bit brightfield planes. */
async function site(w: number, h: number): Promise<Gray[]> {
  planes ??= await Promise.all(['phase_z00', 'phase_z06', 'phase_z12'].map((p) => readGray(join(DATA, `${p}.png`))));
  return planes.map((g) => {
    const r = resizeBilinear(Float32Array.from(g.data), g.width, g.height, w, h);
    return { width: w, height: h, bitDepth: 16, data: Uint16Array.from(r, (v) => Math.round(v)) };
  });
}

/** Tile sides the session saw (spy on session.run). */
function spy(lm: LoadedModel): Array<readonly number[]> {
  const seen: Array<readonly number[]> = [];
  const s = lm.handle.session as unknown as { run: (f: Record<string, { dims: readonly number[] }>) => Promise<unknown> };
  const orig = s.run.bind(s);
  s.run = (feeds) => {
    seen.push(Object.values(feeds)[0].dims);
    return orig(feeds);
  };
  return seen;
}

function assertPainted(out: Uint16Array[], w: number, h: number, what: string) {
  assert.equal(out.length, 7, `${what}: seven output planes`);
  for (const p of out) assert.equal(p.length, w * h, `${what}: output is the input's size`);
  // a real prediction, not a constant or a padded stripe: the DNA plane varies in every quarter
  const dna = out[0];
  for (const [x0, y0] of [[0, 0], [w / 2, 0], [0, h / 2], [w / 2, h / 2]]) {
    let lo = 65535, hi = 0;
    for (let y = Math.floor(y0); y < Math.floor(y0 + h / 2); y++) for (let x = Math.floor(x0); x < Math.floor(x0 + w / 2); x++) (lo = Math.min(lo, dna[y * w + x])), (hi = Math.max(hi, dna[y * w + x]));
    assert.ok(hi - lo > 1000, `${what}: DNA varies in the quarter at ${x0},${y0} (${lo}..${hi})`);
  }
}

test('direct model: 500², 1080², 1000×1400 and 2160² sites come back at their own size', { timeout: 600_000 }, async () => {
  const lm = await bundled('stainless-unet-direct');
  assert.equal(lm.facts.multiple, 16, 'four 2× poolings read from the graph');
  const seen = spy(lm);
  for (const [w, h] of [[500, 500], [1080, 1080], [1000, 1400], [2160, 2160]]) {
    seen.length = 0;
    const out = await inferSite(lm, await site(w, h));
    assertPainted(out, w, h, `${w}×${h}`);
    for (const d of seen) assert.ok(d[2] % 16 === 0 && d[3] % 16 === 0, `${w}×${h}: tile ${d.join('×')} is a multiple of 16`);
  }
});

test('direct model at a pixel size other than the model\'s: 1024² at 0.6 µm runs at 488 px and returns 1024²', { timeout: 300_000 }, async () => {
  const lm = await bundled('stainless-unet-direct');
  assert.equal(lm.manifest.pixelSizeUm, 1.26);
  const seen = spy(lm);
  const out = await inferSite(lm, await site(1024, 1024), { pixelSizeUm: 0.6 });
  assertPainted(out, 1024, 1024, '1024² at 0.6 µm');
  // 1024 × 0.6/1.26 = 488 px, run as one 496-px tile (488 rounded up to the graph's 16)
  assert.deepEqual(seen.map((d) => [d[2], d[3]]), [[496, 496]]);
});

test('residual diffusion: a 500² site and a non-square 1000×600 site at 0.9 µm', { timeout: 300_000 }, async () => {
  const lm = await bundled('stainless-resdiff');
  assert.equal(lm.facts.multiple, 16);
  const a = await inferSite(lm, await site(500, 500), { noise: gaussianSource(0, 1, 1, 1), steps: 2 });
  assertPainted(a, 500, 500, 'resdiff 500²');
  const b = await inferSite(lm, await site(1000, 600), { pixelSizeUm: 0.9, noise: gaussianSource(0, 1, 1, 1), steps: 2 });
  assertPainted(b, 1000, 600, 'resdiff 1000×600 at 0.9 µm');
});
