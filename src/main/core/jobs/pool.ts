import type { Worker } from 'node:worker_threads';
import { parentPort } from 'node:worker_threads';
import { startWorker } from './worker';

/**
 * The one protocol between the main side and its worker threads.
 * Parent → worker: `{ id, task }` to run a task, `{ cancel: id }` to abort it.
 * Worker → parent: `{ ready: true }` once loaded, then per task any number of `{ id, progress }`
 * and one `{ id, result }` or `{ id, error, cancelled }`.
 */
type ToWorker<T> = { id: number; task: T } | { cancel: number };
type FromWorker<R, P> = { ready: true } | { id: number; progress: P } | { id: number; result: R } | { id: number; error: string; cancelled: boolean };

/** A worker that failed before it could take a task (the caller may run the task in its own thread). */
export class WorkerStartError extends Error {}

/** Thrown in the parent when a task was cancelled through its signal. */
export class TaskCancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

export interface TaskHooks<P> {
  progress?(p: P): void;
  signal?: AbortSignal;
}

/**
 * Worker side: runs each task it is sent with `run`, one at a time, and answers with its result
 * (buffers listed by `transfer` are moved, not copied).
 */
export function serveTasks<T, R, P = never>(run: (task: T, hooks: { progress(p: P): void; signal: AbortSignal }) => Promise<R>, transfer: (r: R) => ArrayBuffer[] = () => []): void {
  const port = parentPort!;
  const aborts = new Map<number, AbortController>();
  port.on('message', async (m: ToWorker<T>) => {
    if ('cancel' in m) return void aborts.get(m.cancel)?.abort();
    const abort = new AbortController();
    aborts.set(m.id, abort);
    const post = (msg: FromWorker<R, P>, list: ArrayBuffer[] = []) => port.postMessage(msg, list);
    try {
      const result = await run(m.task, { progress: (progress) => post({ id: m.id, progress }), signal: abort.signal });
      post({ id: m.id, result }, transfer(result));
    } catch (e) {
      post({ id: m.id, error: (e as Error).message, cancelled: abort.signal.aborted });
    } finally {
      aborts.delete(m.id);
    }
  });
  port.postMessage({ ready: true } satisfies FromWorker<R, P>);
}

interface Slot<R, P> {
  worker: Worker;
  ready: boolean;
  task: { id: number; resolve(r: R): void; reject(e: Error): void; hooks: TaskHooks<P> } | null;
}

/**
 * Parent side: `size` worker threads of one `*.worker.ts` module, one task per worker at a time
 * (memory stays bounded), tasks handed out in the order they are asked for.
 */
export class WorkerPool<T, R, P = never> {
  private slots: Array<Slot<R, P>> = [];
  private waiting: Array<() => void> = [];
  private next = 1;

  constructor(url: URL, size: number) {
    for (let i = 0; i < size; i++) {
      const slot: Slot<R, P> = { worker: startWorker(url), ready: false, task: null };
      slot.worker.on('message', (m: FromWorker<R, P>) => this.onMessage(slot, m));
      slot.worker.on('error', (e) => this.onError(slot, e));
      slot.worker.on('exit', (code) => this.onError(slot, new Error(`exited (code ${code})`)));
      this.slots.push(slot);
    }
  }

  get size(): number {
    return this.slots.length;
  }

  private onMessage(slot: Slot<R, P>, m: FromWorker<R, P>): void {
    if ('ready' in m) {
      slot.ready = true;
      return void this.waiting.shift()?.();
    }
    const t = slot.task;
    if (!t || t.id !== m.id) return;
    if ('progress' in m) {
      try {
        t.hooks.progress?.(m.progress);
      } catch {
        // a progress callback that throws (a cancelled job does) cancels the task
        slot.worker.postMessage({ cancel: t.id } satisfies ToWorker<T>);
      }
      return;
    }
    slot.task = null;
    if ('result' in m) t.resolve(m.result);
    else t.reject(m.cancelled ? new TaskCancelled() : new Error(m.error));
    this.waiting.shift()?.();
  }

  private onError(slot: Slot<R, P>, e: Error): void {
    if (!this.slots.includes(slot)) return; // already gone (an error is followed by an exit)
    this.slots = this.slots.filter((s) => s !== slot);
    const err = slot.ready ? new Error(`worker failed: ${e.message}`) : new WorkerStartError(`worker did not start: ${e.message}`);
    slot.task?.reject(err);
    slot.task = null;
    // callers waiting for a free worker see the pool shrink (and fail if it is gone)
    for (const w of this.waiting.splice(0)) w();
  }

  async run(task: T, hooks: TaskHooks<P> = {}): Promise<R> {
    for (;;) {
      if (!this.slots.length) throw new WorkerStartError('no worker thread is running');
      const free = this.slots.find((s) => s.ready && !s.task);
      if (free) return this.dispatch(free, task, hooks);
      await new Promise<void>((r) => this.waiting.push(r));
    }
  }

  private dispatch(slot: Slot<R, P>, task: T, hooks: TaskHooks<P>): Promise<R> {
    const id = this.next++;
    return new Promise<R>((resolve, reject) => {
      slot.task = { id, resolve, reject, hooks };
      const onAbort = () => slot.worker.postMessage({ cancel: id } satisfies ToWorker<T>);
      hooks.signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => hooks.signal?.removeEventListener('abort', onAbort);
      slot.task.resolve = (r) => (done(), resolve(r));
      slot.task.reject = (e) => (done(), reject(e));
      slot.worker.postMessage({ id, task } satisfies ToWorker<T>);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots = [];
  }
}
