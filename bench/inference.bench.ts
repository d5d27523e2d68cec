// Inference on CPU at 512×512: per-site latency, sites/s and achieved GFLOP/s (the model's FLOPs per
// site, counted from its ONNX graph, over the measured time) for each bundled model, or the fixture
// models while none is bundled, plus the real bioimage.io U-Net from ../shared/data.
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BenchRow } from './types';
import { readManifest, loadModel, type LoadedModel } from '../src/main/core/inference/model';
import { importBioimageio } from '../src/main/core/inference/bioimageio';
import { inferSite } from '../src/main/core/inference/site';
import { countFlopsFile } from '../src/main/core/inference/flops';
import { planTiles } from '../src/main/core/inference/tiling';
import { shapeIn, NCHW } from '../src/main/core/inference/layout';
import { gaussianSource, uniformSource } from '../src/main/core/inference/samplers/noise';
import { loadOrt } from '../src/main/core/inference/sessions';
import type { ModelManifest } from '../src/shared/manifest';

const repo = resolve(import.meta.dirname, '..');
const SIZE = 512;

async function models(): Promise<Array<{ label: string; manifest: ModelManifest; dir: string }>> {
  const out: Array<{ label: string; manifest: ModelManifest; dir: string }> = [];
  const bundled = join(repo, 'resources/models');
  const dirs = existsSync(bundled) ? readdirSync(bundled).map((d) => join(bundled, d)).filter((d) => existsSync(join(d, 'model.json'))) : [];
  for (const d of dirs) {
    try {
      const r = readManifest(d);
      out.push({ label: `bundled ${r.manifest.name}`, manifest: r.manifest, dir: r.dir });
    } catch {
      /* a model being written right now; skipped */
    }
  }
  if (!out.length)
    for (const f of ['direct', 'diffusion']) {
      const r = readManifest(join(repo, 'test/fixtures/models', f));
      out.push({ label: `fixture ${r.manifest.name}`, manifest: r.manifest, dir: r.dir });
    }
  const bio = join(repo, '../shared/data/bioimageio-unet2d-nuclei-broad/bioimageio.yaml');
  if (existsSync(bio)) {
    const r = await importBioimageio(bio);
    out.push({ label: 'bioimage.io UNet-2D-Nuclei-Broad', manifest: r.manifest, dir: r.dir });
  }
  return out;
}

/** Tile size actually run on a SIZE×SIZE site (as runGraphTiled chooses) and the tile count. */
function tiling(lm: LoadedModel) {
  const m = lm.manifest;
  const size = lm.facts.dynamicSpatial && SIZE <= m.tile.size && m.kind !== 'bioimageio' ? SIZE : m.tile.size;
  const overlap = Math.min(m.tile.overlap, Math.floor(size / 2));
  return { size, tiles: planTiles(SIZE, SIZE, size, overlap).length };
}

function flopsPerPass(lm: LoadedModel, size: number): { flops: number; unknown: string[] } {
  const m = lm.manifest;
  const nIn = m.inputs.length;
  const nOut = m.outputs.length;
  const axes = m.bioimageio?.inputAxes ?? NCHW;
  const shapes: Record<string, number[]> =
    m.kind === 'residual-diffusion'
      ? { [m.onnx.inputs[0]]: [1, nOut, size, size], [m.onnx.inputs[1]]: [1, nOut + nIn - 1, size, size], [m.onnx.inputs[2]]: [1] }
      : { [m.onnx.inputs[0]]: shapeIn(axes, 1, nIn, size, size) };
  const c = countFlopsFile(lm.onnxFile, shapes);
  return { flops: c.flops, unknown: c.unknownOps };
}

export default async function (): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const ort = await loadOrt();
  for (const { label, manifest, dir } of await models()) {
    const lm = await loadModel(manifest, dir, 'cpu');
    const { size, tiles } = tiling(lm);
    const passes = manifest.kind === 'residual-diffusion' ? manifest.sampler!.T : 1;
    const perPass = flopsPerPass(lm, size);
    const siteFlops = perPass.flops * tiles * passes;
    const u = uniformSource(1);
    const inputs = manifest.inputs.map(() => ({ width: SIZE, height: SIZE, bitDepth: 16 as const, data: new Uint16Array(SIZE * SIZE).map(() => Math.floor(u() * 40000)) }));
    const site = () => inferSite(lm, inputs, { noise: gaussianSource(0, 1) });
    let t = performance.now();
    await site(); // warm-up (first-run allocations)
    const first = (performance.now() - t) / 1000;
    // slow models (several seconds a site) are timed on the first site alone to keep the bench short
    const reps = first > 4 ? 0 : Math.max(1, Math.min(5, Math.ceil(4 / first)));
    t = performance.now();
    for (let i = 0; i < reps; i++) await site();
    const latency = reps ? (performance.now() - t) / 1000 / reps : first;

    // the graph alone on one tile, to separate model time from pre/post-processing and tiling
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
    const axes = manifest.bioimageio?.inputAxes ?? NCHW;
    const nIn = manifest.inputs.length;
    const nOut = manifest.outputs.length;
    const chans = manifest.kind === 'residual-diffusion' ? [nOut, nOut + nIn - 1] : [nIn];
    chans.forEach((c, k) => (feeds[manifest.onnx.inputs[k]] = new ort.Tensor('float32', new Float32Array(c * size * size), shapeIn(axes, 1, c, size, size))));
    if (manifest.kind === 'residual-diffusion') feeds[manifest.onnx.inputs[2]] = new ort.Tensor('int64', BigInt64Array.of(0n), [1]);
    await lm.handle.session.run(feeds);
    const sreps = Math.max(1, Math.min(20, Math.ceil(2 / Math.max(latency / (tiles * passes), 1e-3))));
    t = performance.now();
    for (let i = 0; i < sreps; i++) await lm.handle.session.run(feeds);
    const pass = (performance.now() - t) / 1000 / sreps;

    const stage = `inference ${label}`;
    const note = `${manifest.kind}, ${tiles} tile${tiles > 1 ? 's' : ''} of ${size}²${passes > 1 ? ` × ${passes} steps` : ''}, ${reps ? `${reps} reps` : '1 cold run'}, cpu ${lm.handle.device}`;
    rows.push({ stage, figure: 'site latency 512×512', value: latency, unit: 's', note });
    rows.push({ stage, figure: 'sites per second', value: 1 / latency, unit: 'sites/s' });
    rows.push({ stage, figure: 'model FLOPs per site', value: siteFlops / 1e9, unit: 'GFLOP', note: perPass.unknown.length ? `lower bound: shapes unknown after ${perPass.unknown.join(', ')}` : 'Conv/MatMul/Gemm, 2 per multiply-add' });
    rows.push({ stage, figure: 'achieved (whole site)', value: siteFlops / latency / 1e9, unit: 'GFLOP/s' });
    rows.push({ stage, figure: `achieved (graph only, one ${size}² tile)`, value: perPass.flops / pass / 1e9, unit: 'GFLOP/s', note: `${(pass * 1000).toFixed(1)} ms per pass` });
    rows.push({ stage, figure: 'session creation', value: lm.handle.loadMs, unit: 'ms' });
  }
  return rows;
}
