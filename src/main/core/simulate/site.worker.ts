/** Worker thread: renders and writes the sites it is sent, one message per site. */
import { parentPort } from 'node:worker_threads';
import { renderSiteFiles, type SiteTask } from './siteFiles';

parentPort!.on('message', async (msg: { id: number; task: SiteTask }) => {
  try {
    const done = await renderSiteFiles(msg.task);
    parentPort!.postMessage({ id: msg.id, ok: true, ...done });
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, ok: false, error: (e as Error).message });
  }
});
parentPort!.postMessage({ ready: true });
