import type { Command } from './types';
import { UsageError } from './types';
import type { FeaturesSummary } from '../core/features/pipeline';

const SOURCES = ['acquired', 'synthetic'];
const METHODS = ['model', 'classical'];

export const segmentCommand: Command = {
  name: 'segment',
  summary: 'Segment and measure every site of a plate (labels, per-cell Parquet, per-well profiles)',
  usage: 'stainless segment --plate B [--source synthetic|acquired] [--method model|classical (default: model when the run has boundary outputs)] [--run ID] [--workers N] [--precision single|double (per-cell storage; default single: float32, positions float64)] [--json]',
  options: {
    plate: { type: 'string' },
    source: { type: 'string' },
    method: { type: 'string' },
    run: { type: 'string' },
    workers: { type: 'string' },
    precision: { type: 'string' },
  },
  async run({ values }, ctx) {
    if (!values.plate) throw new UsageError('segment: --plate is required');
    const source = (values.source as string | undefined) ?? 'synthetic';
    if (!SOURCES.includes(source)) throw new UsageError(`segment: --source must be ${SOURCES.join(' or ')}, not "${source}"`);
    const method = values.method as string | undefined;
    if (method !== undefined && !METHODS.includes(method)) throw new UsageError(`segment: --method must be ${METHODS.join(' or ')}, not "${method}"`);
    const runId = values.run === undefined ? null : Number(values.run);
    if (runId !== null && !(Number.isInteger(runId) && runId > 0)) throw new UsageError(`segment: --run must be a run id, not "${values.run}"`);
    const workers = values.workers === undefined ? undefined : Number(values.workers);
    if (workers !== undefined && !(Number.isInteger(workers) && workers >= 0)) throw new UsageError(`segment: --workers must be a whole number ≥ 0`);
    const precision = (values.precision as string | undefined) ?? 'single';
    if (precision !== 'single' && precision !== 'double') throw new UsageError(`segment: --precision must be single or double, not "${precision}"`);
    const core = ctx.core();
    const job = core.jobs.submit('features', { plate: values.plate as string, source, runId, method, workers, precision });
    let last = '';
    const off = core.events.on((e) => {
      if (e.type !== 'job' || e.job.id !== job.id || e.job.status !== 'running') return;
      const j = e.job;
      const line = `segment: ${j.done}/${j.total} sites${j.rate ? `, ${j.rate.toFixed(2)} sites/s` : ''}${j.message ? ` (${j.message})` : ''}`;
      if (line !== last) ctx.note((last = line));
    });
    const onInt = () => core.jobs.cancel(job.id);
    process.once('SIGINT', onInt);
    const done = await core.jobs.wait(job.id);
    process.off('SIGINT', onInt);
    off();
    if (done.status !== 'done') throw new Error(done.status === 'cancelled' ? 'cancelled; run the same command again to resume (saved label images are reused)' : (done.error ?? done.status));
    const s = done.result as FeaturesSummary;
    ctx.say(`plate ${s.plate} (${s.source}${s.runId ? ` run ${s.runId}` : ''}, ${s.method}): ${s.sites} sites in ${s.wells} wells, ${s.cells} cells, feature set ${s.setId}`);
    ctx.say(`${s.seconds.toFixed(1)} s; per site ${s.secondsPerSite.segment.toFixed(2)} s segmentation + ${s.secondsPerSite.measure.toFixed(2)} s measurements (one core)`);
    if (s.cellsPath) ctx.say(`per-cell rows: ${s.cellsPath}`);
    return s;
  },
};
