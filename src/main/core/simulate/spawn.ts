import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Start a `*.worker.ts` module. Under Node 20, `--import tsx` in a worker's execArgv does not
 * register the TypeScript loader (the worker fails with ERR_UNKNOWN_FILE_EXTENSION), so from
 * source we boot the worker with a tiny script that registers tsx's ESM hooks and then imports
 * the module. In the Electron bundle the module is the emitted `<name>.js` beside the bundle.
 */
export function spawnWorker(url: URL): Worker {
  const src = fileURLToPath(url);
  if (!existsSync(src)) return new Worker(src.replace(/\.ts$/, '.js'));
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true });
}
