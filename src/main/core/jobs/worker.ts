import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

// tsx's ESM API entry (resolving 'tsx/esm/api' through require would give its CommonJS twin)
const tsxApi = () => pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;

/**
 * Start a worker thread from a `*.worker.ts` module given as `new URL('./x.worker.ts', import.meta.url)`.
 * From source (CLI, tests, web host under tsx) a one-line bootstrap registers tsx inside the worker
 * and then imports the .ts module (an `--import tsx` in execArgv does not take effect in workers on
 * Node 20); in the Electron bundle electron.vite.config.ts emits every *.worker.ts as
 * out/main/<name>.js next to the bundle.
 */
export function startWorker(url: URL, opts: WorkerOptions = {}): Worker {
  const src = fileURLToPath(url);
  if (existsSync(src)) {
    const boot = `import(${JSON.stringify(tsxApi())}).then((m) => { m.register(); return import(${JSON.stringify(pathToFileURL(src).href)}); })`;
    return new Worker(boot, { ...opts, eval: true });
  }
  // bundled: out/main/<name>.js, also when the caller was split into out/main/chunks/
  const bundled = src.replace(/\.ts$/, '.js');
  return new Worker(existsSync(bundled) ? bundled : join(dirname(bundled), '..', basename(bundled)), opts);
}
