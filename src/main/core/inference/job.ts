import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Core } from '../core';
import type { InferStartInput, InferSummary } from '../../../shared/contract/inference';
import { JobCancelled, type JobContext } from '../jobs/manager';
import { runInference } from './run';
import type { WorkerInput, WorkerMessage } from './worker';

/**
 * The worker script: worker.ts beside this file when running from source (tsx), or
 * `inference-worker.js` beside the bundled main. Null when neither exists (then the job runs
 * in-process).
 */
export function workerScript(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const f of [join(here, 'worker.ts'), join(here, 'inference-worker.js')]) if (existsSync(f)) return f;
  return null;
}

// the ESM entry of tsx's API (the 'require' condition would give its CommonJS twin)
const tsxApi = () => pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;

function runInWorker(core: Core, script: string, ctx: JobContext<InferStartInput>): Promise<InferSummary> {
  return new Promise((resolve, reject) => {
    const data: WorkerInput = { catalog: core.paths.catalog, synthetic: core.paths.synthetic, opts: ctx.params };
    const w = script.endsWith('.ts')
      ? // from source: register tsx inside the worker first (workers do not inherit a loader registered by API)
        new Worker(`import(${JSON.stringify(tsxApi())}).then((m) => { m.register(); return import(${JSON.stringify(pathToFileURL(script).href)}); })`, { eval: true, workerData: data })
      : new Worker(script, { workerData: data });
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
  core.jobs.register<InferStartInput, InferSummary>('infer', {
    title: (p) => `Infer ${p.plate} with ${p.model}${p.wells?.length ? ` (${p.wells.length} wells)` : ''}`,
    unit: 'sites',
    async run(ctx) {
      const script = core.transport === 'inprocess' ? null : workerScript();
      const summary = script
        ? await runInWorker(core, script, ctx)
        : await runInference(core, ctx.params, { signal: ctx.signal, progress: (d, t, m) => ctx.progress(d, t, m) });
      core.events.emit({ type: 'catalog', what: 'runs' });
      return summary;
    },
  });
}
