import type { Core } from '../core';
import type { InferStartInput, InferSummary } from '../../../shared/contract/inference';
import { JobCancelled, type JobContext } from '../jobs/manager';
import { TaskCancelled, WorkerPool } from '../jobs/pool';
import { runInference } from './run';
import { liveLocks } from '../jobs/runLock';
import type { InferProgress, InferTask } from './infer.worker';

/** One inference job on a worker thread of its own (started for the job, gone after it). */
async function runInWorker(core: Core, ctx: JobContext<InferStartInput>): Promise<InferSummary> {
  const pool = new WorkerPool<InferTask, InferSummary, InferProgress>(new URL('./infer.worker.ts', import.meta.url), 1);
  try {
    return await pool.run(
      { catalog: core.paths.catalog, synthetic: core.paths.synthetic, opts: ctx.params },
      { signal: ctx.signal, progress: (p) => ctx.progress(p.done, p.total, p.message) },
    );
  } catch (e) {
    throw e instanceof TaskCancelled ? new JobCancelled() : e;
  } finally {
    await pool.close();
  }
}

/** Job kind 'infer': one model over one plate; off the main thread in the app, in-process for the CLI. */
export function registerInferJob(core: Core): void {
  // like jobs, runs left 'running' were cut off by a crash or quit; the same request resumes them
  // (not those another live process is running: it holds the plate's lock)
  const live = liveLocks(core.db);
  for (const r of core.db.prepare(`SELECT id, plate_id AS plateId FROM runs WHERE status = 'running'`).all() as Array<{ id: number; plateId: number }>)
    if (!live.has(`infer-plate-${r.plateId}`)) core.db.prepare(`UPDATE runs SET status = 'interrupted' WHERE id = ?`).run(r.id);
  core.jobs.register('infer', {
    title: (p) => `Infer ${p.plate} with ${p.model}${p.wells?.length ? ` (${p.wells.length} wells)` : ''}`,
    unit: 'sites',
    emits: () => ({ what: 'runs' }),
    async run(ctx) {
      const summary =
        core.transport !== 'inprocess'
          ? await runInWorker(core, ctx)
          : await runInference(core, ctx.params, { signal: ctx.signal, progress: (d, t, m) => ctx.progress(d, t, m) });
      return summary;
    },
  });
}
