/**
 * Worker-thread entry for one inference job, so pre/post-processing never blocks the app's main
 * thread. It opens its own connection to the catalog (WAL allows it) and reports progress as
 * messages; the parent cancels by posting 'cancel' (checked between sites).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openCatalog } from '../catalog/db';
import type { InferStartInput } from '../../../shared/contract/inference';
import { runInference } from './run';

export interface WorkerInput {
  catalog: string;
  synthetic: string;
  opts: InferStartInput;
}
export type WorkerMessage =
  | { type: 'progress'; done: number; total: number; message?: string }
  | { type: 'done'; summary: Awaited<ReturnType<typeof runInference>> }
  | { type: 'error'; message: string; cancelled: boolean };

const input = workerData as WorkerInput;
const abort = new AbortController();
parentPort!.on('message', (m) => {
  if (m === 'cancel') abort.abort();
});
const db = openCatalog(input.catalog);
const post = (m: WorkerMessage) => parentPort!.postMessage(m);
runInference({ db, paths: { synthetic: input.synthetic } }, input.opts, {
  signal: abort.signal,
  progress: (done, total, message) => post({ type: 'progress', done, total, message }),
})
  .then((summary) => post({ type: 'done', summary }))
  .catch((e: Error) => post({ type: 'error', message: e.message, cancelled: abort.signal.aborted }))
  .finally(() => {
    db.close();
    parentPort!.close();
  });
