/**
 * Worker-thread entry for inference jobs, so pre/post-processing never blocks the app's main
 * thread. Each task opens its own connection to the catalog (WAL allows it) and reports progress;
 * a cancel is checked between sites.
 */
import { openCatalog } from '../catalog/db';
import type { InferStartInput, InferSummary } from '../../../shared/contract/inference';
import { serveTasks } from '../jobs/pool';
import { runInference } from './run';

export interface InferTask {
  catalog: string;
  synthetic: string;
  opts: InferStartInput;
}
export interface InferProgress {
  done: number;
  total: number;
  message?: string;
}

serveTasks<InferTask, InferSummary, InferProgress>(async (task, hooks) => {
  const db = openCatalog(task.catalog);
  try {
    return await runInference({ db, paths: { synthetic: task.synthetic } }, task.opts, {
      signal: hooks.signal,
      progress: (done, total, message) => hooks.progress({ done, total, message }),
    });
  } finally {
    db.close();
  }
});
