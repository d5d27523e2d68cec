/**
 * Worker-thread entry: processes the sites the pool sends one at a time (segment, write labels,
 * measure) and answers with the per-cell table, its buffers transferred, not copied.
 */
import { serveTasks } from '../jobs/pool';
import { processSite, type SiteResult, type SiteTask } from './siteTask';

serveTasks<SiteTask, SiteResult>(
  (task) => processSite(task),
  (r) => (r.table ? [r.table.objectNumbers.buffer, r.table.touchesBorder.buffer, ...r.table.columns.map((c) => c.buffer)] : []) as ArrayBuffer[],
);
