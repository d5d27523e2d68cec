import { availableParallelism } from 'node:os';
import { WorkerPool } from '../jobs/pool';
import { processSite, type SiteResult, type SiteTask } from './siteTask';

/** Site tasks (segment, write labels, measure) on worker threads, one site per worker at a time. */
export class SitePool extends WorkerPool<SiteTask, SiteResult> {
  constructor(size = Math.max(1, Math.min(4, availableParallelism()))) {
    super(new URL('./features.worker.ts', import.meta.url), size);
  }
}

/** Same interface without threads (tests, one-site commands). */
export const inProcess = { size: 1, run: processSite, close: async () => {} };
export type SiteRunner = Pick<SitePool, 'size' | 'close'> & { run(task: SiteTask): Promise<SiteResult> };
