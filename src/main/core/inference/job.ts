import type { Core } from '../core';
import type { InferStartInput, InferSummary } from '../../../shared/contract/inference';
import { JobCancelled, type JobContext } from '../jobs/manager';
import { startWorker } from '../jobs/worker';
import { runInference } from './run';
import { liveLocks } from '../jobs/runLock';
import type { WorkerInput, WorkerMessage } from './infer.worker';

function runInWorker(core: Core, ctx: JobContext<InferStartInput>): Promise<InferSummary> {
  return new Promise((resolve, reject) => {
    const data: WorkerInput = { catalog: core.paths.catalog, synthetic: core.paths.synthetic, opts: ctx.params };
    const w = startWorker(new URL('./infer.worker.ts', import.meta.url), { workerData: data });
    const onAbort = () => w.postMessage('cancel');
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      ctx.signal.removeEventListener('abort', onAbort);
      f();
    };
    w.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') {
        try {
          ctx.progress(m.done, m.total, m.message);
        } catch {
          w.postMessage('cancel');
        }
      } else if (m.type === 'done') settle(() => resolve(m.summary));
      else settle(() => reject(m.cancelled ? new JobCancelled() : new Error(m.message)));
    });
    w.on('error', (e) => settle(() => reject(e)));
    w.on('exit', (code) => settle(() => reject(new Error(`inference worker exited (code ${code})`))));
  });
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
