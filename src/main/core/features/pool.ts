import type { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { startWorker } from '../jobs/worker';
import { processSite, type SiteResult, type SiteTask } from './siteTask';

/** Runs site tasks on worker threads (one site per worker at a time, so memory stays bounded). */
export class SitePool {
  private workers: Worker[] = [];
  private idle: Worker[] = [];
  private waiting: Array<() => void> = [];
  private pending = new Map<number, { resolve: (r: SiteResult) => void; reject: (e: Error) => void }>();
  private next = 1;

  constructor(size = Math.max(1, Math.min(4, availableParallelism()))) {
    for (let i = 0; i < size; i++) {
      const w = startWorker(new URL('./features.worker.ts', import.meta.url));
      w.on('message', (m: { id: number; result?: SiteResult; error?: string }) => {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        this.release(w);
        if (!p) return;
        if (m.error !== undefined) p.reject(new Error(m.error));
        else p.resolve(m.result!);
      });
      w.on('error', (e) => {
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
      });
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  private release(w: Worker) {
    this.idle.push(w);
    this.waiting.shift()?.();
  }

  async run(task: SiteTask): Promise<SiteResult> {
    while (!this.idle.length) await new Promise<void>((r) => this.waiting.push(r));
    const w = this.idle.pop()!;
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ id, task });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Same interface without threads (tests, one-site commands). */
export const inProcess = { size: 1, run: processSite, close: async () => {} };
export type SiteRunner = Pick<SitePool, 'size' | 'run' | 'close'>;
