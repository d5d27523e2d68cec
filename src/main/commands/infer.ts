import type { Command } from './types';
import { UsageError } from './types';
import type { InferStartInput } from '../../shared/contract/inference';
import { domainLines } from '../../shared/domain';

export const inferCommand: Command = {
  name: 'infer',
  summary: 'Run a model over a plate (virtual Cell Painting); re-running the same command resumes an unfinished run',
  usage: 'stainless infer --plate B --model NAME[@VERSION] [--wells A01,B02] [--provider auto|cpu|cuda] [--steps N] [--seed N] [--pixel-size UM] [--json]',
  options: {
    plate: { type: 'string' },
    model: { type: 'string' },
    wells: { type: 'string' },
    provider: { type: 'string' },
    steps: { type: 'string' },
    seed: { type: 'string' },
    'pixel-size': { type: 'string' },
  },
  async run({ values }, ctx) {
    if (!values.plate || !values.model) throw new UsageError('infer: --plate and --model are required');
    const num = (k: string) => (values[k] === undefined ? undefined : Number(values[k]));
    const input = {
      plate: values.plate as string,
      model: values.model as string,
      wells: typeof values.wells === 'string' ? values.wells.split(',').map((w) => w.trim()).filter(Boolean) : undefined,
      provider: values.provider as 'auto',
      steps: num('steps'),
      seed: num('seed'),
      pixelSizeUm: num('pixel-size'),
    } satisfies Record<keyof InferStartInput, unknown>;
    await ctx.coreWithModels(); // the bundled models, as the app registers them on start
    const job = await ctx.call('infer.start', input, { pixelSizeUm: 'pixel-size' });
    const s = await ctx.watch(job, 'infer', 'infer');
    ctx.say(`run ${s.runId}: ${s.model} on plate ${s.plate} — ${s.sitesComputed} sites computed${s.sitesResumed ? `, ${s.sitesResumed} already done` : ''}, ${s.imagesWritten} images in ${s.outputDir}`);
    ctx.say(`provider ${s.provider} (${s.providerReason}); ${s.seconds.toFixed(1)} s${s.sitesPerSecond ? `, ${s.sitesPerSecond.toFixed(2)} sites/s` : ''}`);
    for (const line of domainLines(s.domain)) ctx.say(line);
    return s;
  },
};

export const runsCommand: Command = {
  name: 'runs',
  summary: 'Inference runs (model, provider and why, sites done, timings), newest first',
  usage: 'stainless runs [--plate B] [--json]',
  options: { plate: { type: 'string' } },
  async run({ values }, ctx) {
    const runs = await ctx.call('runs.list', { plate: values.plate as string | undefined });
    if (!runs.length) ctx.say('no inference runs');
    for (const r of runs) {
      const rate = r.timings.sitesPerSecond ? `, ${r.timings.sitesPerSecond.toFixed(2)} sites/s` : '';
      ctx.say(`run ${r.id}  ${r.status.padEnd(11)} plate ${r.plate}  ${r.model}  ${r.sitesDone}/${r.sitesTotal ?? '?'} sites${rate}  ${r.provider ?? '-'} (${r.providerReason ?? 'not started'})  domain: ${r.domain?.verdict ?? 'not checked'}`);
    }
    return runs;
  },
};
