/**
 * Worker-thread entry: processes sites posted by the pool one at a time (segment, write labels,
 * measure) and posts the per-cell table back with its buffers transferred, not copied.
 */
import { parentPort } from 'node:worker_threads';
import { processSite, type SiteTask } from './siteTask';

parentPort!.on('message', async (m: { id: number; task: SiteTask }) => {
  try {
    const r = await processSite(m.task);
    const transfer = r.table ? [r.table.objectNumbers.buffer, r.table.touchesBorder.buffer, ...r.table.columns.map((c) => c.buffer)] : [];
    parentPort!.postMessage({ id: m.id, result: r }, transfer as ArrayBuffer[]);
  } catch (e) {
    parentPort!.postMessage({ id: m.id, error: (e as Error).message });
  }
});
