import type { Command } from './types';
import { UsageError } from './types';
import type { InferStartInput, InferSummary } from '../../shared/contract/inference';
import { InferStartInput as InferSchema } from '../../shared/contract/inference';
import { listRuns } from '../core/inference/run';
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
    const parsed = InferSchema.safeParse({
      plate: values.plate,
      model: values.model,
      wells: typeof values.wells === 'string' ? values.wells.split(',').map((w) => w.trim()).filter(Boolean) : undefined,
      provider: values.provider,
      steps: num('steps'),
      seed: num('seed'),
      pixelSizeUm: num('pixel-size'),
    } satisfies Record<keyof InferStartInput, unknown>);
    if (!parsed.success) throw new UsageError(`infer: ${parsed.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join('; ')}`);
    const core = await ctx.coreWithModels();
    const job = core.jobs.submit('infer', parsed.data);
    let last = '';
    const off = core.events.on((e) => {
      if (e.type !== 'job' || e.job.id !== job.id || e.job.status !== 'running' || e.job.total === 0) return;
      const j = e.job;
      const rate = j.rate ? `, ${j.rate.toFixed(2)} sites/s, ETA ${Math.round(j.eta ?? 0)} s` : '';
      const line = `infer: ${j.done}/${j.total} sites${rate}${j.message ? ` (${j.message})` : ''}`;
      if (line !== last) ctx.note((last = line));
    });
    const onInt = () => core.jobs.cancel(job.id);
    process.once('SIGINT', onInt);
    const done = await core.jobs.wait(job.id);
    process.off('SIGINT', onInt);
    off();
    if (done.status !== 'done') throw new Error(done.status === 'cancelled' ? 'cancelled; run the same command again to resume' : (done.error ?? done.status));
    const s = done.result as InferSummary;
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
    const runs = listRuns(ctx.core().db, values.plate as string | undefined);
    if (!runs.length) ctx.say('no inference runs');
    for (const r of runs) {
      const rate = r.timings.sitesPerSecond ? `, ${r.timings.sitesPerSecond.toFixed(2)} sites/s` : '';
      ctx.say(`run ${r.id}  ${r.status.padEnd(11)} plate ${r.plate}  ${r.model}  ${r.sitesDone}/${r.sitesTotal ?? '?'} sites${rate}  ${r.provider ?? '-'} (${r.providerReason ?? 'not started'})  domain: ${r.domain?.verdict ?? 'not checked'}`);
    }
    return runs;
  },
};
