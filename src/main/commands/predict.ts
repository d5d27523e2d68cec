import { extname } from 'node:path';
import type { Command } from './types';
import { UsageError } from './types';
import { getModel } from '../core/inference/registry';
import { loadModel } from '../core/inference/model';
import { predictPlanes, type Planes } from '../core/inference/predict';
import { readNpy, writeNpy } from '../core/inference/npy';
import { fromNCHW, toNCHW } from '../core/inference/layout';
import { normalizePlane, percentiles, toUint16 } from '../core/inference/normalize';
import { gaussianSource } from '../core/inference/samplers/noise';
import { readGray, writeTiff } from '../core/io/tiff';
import type { ProviderRequest } from '../core/inference/sessions';

/** Read one input: .npy ([H,W], [C,H,W], [1,C,H,W], or the model's own axes), or grey TIFF/PNG files (one per channel). */
async function readInput(spec: string, axes: string[] | null): Promise<Planes> {
  const files = spec.split(',').map((s) => s.trim()).filter(Boolean);
  if (files.length === 1 && extname(files[0]).toLowerCase() === '.npy') {
    const a = readNpy(files[0]);
    const s = a.shape;
    if (axes && s.length === axes.length) {
      const dim = (id: string) => (axes.indexOf(id) >= 0 ? s[axes.indexOf(id)] : 1);
      if (dim('batch') !== 1) throw new UsageError(`${files[0]}: batch size ${dim('batch')}; predict takes one image`);
      const c = dim('channel'), h = dim('y'), w = dim('x');
      return { data: toNCHW(a.data, axes, 1, c, h, w), channels: c, width: w, height: h };
    }
    if (s.length === 2) return { data: a.data, channels: 1, height: s[0], width: s[1] };
    if (s.length === 3) return { data: a.data, channels: s[0], height: s[1], width: s[2] };
    if (s.length === 4 && s[0] === 1) return { data: a.data, channels: s[1], height: s[2], width: s[3] };
    throw new UsageError(`${files[0]}: shape (${s.join(', ')}) is not an image ([H,W], [C,H,W] or [1,C,H,W])`);
  }
  const grays = await Promise.all(files.map((f) => readGray(f)));
  const { width, height } = grays[0];
  grays.forEach((g, i) => {
    if (g.width !== width || g.height !== height) throw new UsageError(`${files[i]} is ${g.width}×${g.height}, ${files[0]} is ${width}×${height}`);
  });
  const data = new Float32Array(files.length * width * height);
  grays.forEach((g, c) => data.set(Float32Array.from(g.data), c * width * height));
  return { data, channels: files.length, width, height };
}

export const predictCommand: Command = {
  name: 'predict',
  summary: 'Run any registered model on one image (.npy, .tif, .png) and write .npy or .tif',
  usage:
    'stainless predict --model NAME --input in.(npy|tif|png)[,in2.tif...] --output out.(npy|tif) [--provider auto|cpu|cuda] [--steps N] [--seed N] [--json]\n' +
    '  .npy out: the raw model output (float32, the model\'s output axes); .tif out: 16-bit, one file per output channel when several (out_<channel>.tif).',
  options: { model: { type: 'string' }, input: { type: 'string' }, output: { type: 'string' }, provider: { type: 'string' }, steps: { type: 'string' }, seed: { type: 'string' } },
  async run({ values }, ctx) {
    const { model: ref, input, output } = values as Record<string, string | undefined>;
    if (!ref || !input || !output) throw new UsageError('predict: --model, --input and --output are required');
    const outExt = extname(output).toLowerCase();
    if (outExt !== '.npy' && outExt !== '.tif' && outExt !== '.tiff') throw new UsageError(`predict: --output must end in .npy or .tif (got ${output})`);
    const provider = (values.provider as ProviderRequest | undefined) ?? 'auto';
    if (!['auto', 'cpu', 'cuda'].includes(provider)) throw new UsageError(`--provider: "${provider}" is not auto, cpu or cuda`);
    const core = await ctx.coreWithModels();
    const rec = getModel(core.db, ref);
    const m = rec.manifest;
    const lm = await loadModel(m, rec.dir, provider);
    const img = await readInput(input, m.bioimageio?.inputAxes ?? null);
    if (img.channels !== m.inputs.length) throw new UsageError(`${input}: ${img.channels} channel(s); model ${m.name} reads ${m.inputs.length} (${m.inputs.join(', ')})`);
    const hw = img.width * img.height;
    if (m.kind !== 'bioimageio') {
      for (let c = 0; c < img.channels; c++) {
        const plane = img.data.subarray(c * hw, (c + 1) * hw);
        const [low, high] = percentiles(plane, [m.normalization.percentileLow, m.normalization.percentileHigh]);
        normalizePlane(plane, { low, high }, m.normalization.range, plane);
      }
    }
    const t0 = performance.now();
    const out = await predictPlanes(lm, img, { steps: values.steps ? Number(values.steps) : undefined, noise: gaussianSource(values.seed ? Number(values.seed) : 0, 0, 0, 0) });
    const seconds = (performance.now() - t0) / 1000;
    const written: string[] = [];
    if (outExt === '.npy') {
      const axes = m.bioimageio?.outputAxes ?? ['batch', 'channel', 'y', 'x'];
      const shape = axes.map((a) => (a === 'batch' ? 1 : a === 'channel' ? out.channels : a === 'y' ? out.height : a === 'x' ? out.width : 1));
      await writeNpy(output, { shape, data: fromNCHW(out.data, axes, 1, out.channels, out.height, out.width) });
      written.push(output);
    } else {
      for (let c = 0; c < out.channels; c++) {
        const file = out.channels === 1 ? output : output.replace(/(\.tiff?)$/i, `_${m.outputs[c]}$1`);
        await writeTiff(file, { width: out.width, height: out.height, bitDepth: 16, data: toUint16(out.data.subarray(c * hw, (c + 1) * hw), m.normalization.range) });
        written.push(file);
      }
    }
    ctx.say(`${m.name} ${m.version} on ${lm.handle.provider}: ${img.width}×${img.height} in ${seconds.toFixed(2)} s → ${written.join(', ')}`);
    return { model: `${m.name} ${m.version}`, provider: lm.handle.provider, providerReason: lm.handle.reason, width: out.width, height: out.height, channels: m.outputs, seconds, outputs: written };
  },
};
