import type { Command } from './types';
import { UsageError } from './types';
import type { TrainParams } from '../../shared/contract/training';

const list = (v: unknown) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined);
const f3 = (v: number | null) => (v === null || !Number.isFinite(v) ? '—' : v.toFixed(3));

export const trainCommand: Command = {
  name: 'train',
  summary: "Train a model on a plate's own acquired images (Python + PyTorch), score it on held-out wells, register it; re-running the same command after a Ctrl-C resumes from its checkpoint",
  usage:
    'stainless train --plate B [--model direct|resdiff] [--preset fast|full] [--epochs N] [--holdout-wells A03,H12 | --holdout-region bottom-quarter]\n' +
    '                [--inputs BFLow,BF,BFHigh] [--outputs DNA,...] [--name NAME] [--seed N] [--json]\n' +
    '  Python: STAINLESS_PYTHON, else python3 on PATH, with torch, tifffile, scikit-image, scipy and numpy (CUDA when torch sees a GPU).',
  options: {
    plate: { type: 'string' },
    model: { type: 'string' },
    preset: { type: 'string' },
    epochs: { type: 'string' },
    'holdout-wells': { type: 'string' },
    'holdout-region': { type: 'string' },
    inputs: { type: 'string' },
    outputs: { type: 'string' },
    name: { type: 'string' },
    seed: { type: 'string' },
  },
  async run({ values, positionals }, ctx) {
    if (positionals.length) throw new UsageError(`train takes no positional arguments (got "${positionals[0]}")`);
    if (!values.plate) throw new UsageError('train: --plate is required');
    const num = (k: string) => (values[k] === undefined ? undefined : Number(values[k]));
    const input = {
      plate: values.plate as string,
      model: values.model as 'direct' | undefined,
      preset: values.preset as 'fast' | undefined,
      epochs: num('epochs'),
      holdoutWells: list(values['holdout-wells']),
      holdoutRegion: values['holdout-region'] as 'bottom-quarter' | undefined,
      inputs: list(values.inputs),
      outputs: list(values.outputs),
      name: values.name as string | undefined,
      seed: num('seed'),
    } satisfies Record<keyof TrainParams, unknown>;
    const job = await ctx.call('train.start', input as TrainParams);
    const s = await ctx.watch(job, 'train', 'train');
    ctx.say(`model ${s.model.name}@${s.model.version} trained on plate ${s.plate}: ${s.steps} steps (${s.epochs} epochs) in ${s.minutes} min on ${s.device}, ${s.trainSites} training sites`);
    ctx.say(`held out: ${s.heldOut.split}; ${s.heldOut.sites} sites scored by Stainless' metrics (0–255 per-image percentile scaling):`);
    for (const [c, m] of Object.entries(s.heldOut.channels))
      ctx.say(`  ${c.padEnd(5)} SSIM ${f3(m.ssim)} (constant baseline ${f3(m.baselineSsim)}, skill ${f3(m.skillSsim)})  r ${f3(m.r)}  MSE skill ${f3(m.skillMse)}`);
    return s;
  },
};
