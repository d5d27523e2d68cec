import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Start a worker thread from a `*.worker.ts` module given as `new URL('./x.worker.ts', import.meta.url)`.
 * From source (CLI, tests, web host under tsx) the .ts file runs through tsx; in the Electron bundle
 * electron.vite.config.ts emits every *.worker.ts as out/main/<name>.js next to the bundle.
 */
export function startWorker(url: URL, opts: WorkerOptions = {}): Worker {
  const src = fileURLToPath(url);
  if (existsSync(src)) return new Worker(src, { ...opts, execArgv: [...(opts.execArgv ?? []), '--import', 'tsx'] });
  const bundled = src.replace(/\.ts$/, '.js');
  return new Worker(bundled, opts);
}
