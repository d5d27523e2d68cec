import { once } from 'node:events';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

// Plain better-sqlite3 in a worker thread: SQLite's file locks between two connections of one
// process behave as between two processes, and the holder needs no TypeScript.
const HOLDER = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const db = new Database(workerData.file);
db.exec('BEGIN IMMEDIATE');
parentPort.postMessage('held');
Atomics.wait(workerData.flags, 0, 0);
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.holdMs);
Atomics.store(workerData.flags, 1, 1);
db.exec('COMMIT');
db.close();
`;

interface WriteLock {
  /** from now the lock is held holdMs more, then released (the test's thread may block meanwhile) */
  start(): void;
  /** whether the holder has let go */
  released(): boolean;
  /** the holder has committed and exited */
  done: Promise<void>;
}

/**
 * Another connection takes a catalog's write lock (BEGIN IMMEDIATE: RESERVED on a file in rollback
 * mode, the WAL write lock on one in WAL mode) and holds it, as another process mid-write would.
 */
export async function holdWriteLock(file: string, holdMs: number): Promise<WriteLock> {
  const flags = new Int32Array(new SharedArrayBuffer(8));
  const holder = new Worker(HOLDER, { eval: true, workerData: { sqlite: createRequire(import.meta.url).resolve('better-sqlite3'), file, flags, holdMs } });
  const exited = once(holder, 'exit');
  const start = () => {
    Atomics.store(flags, 0, 1);
    Atomics.notify(flags, 0);
  };
  const [msg] = await once(holder, 'message');
  if (msg !== 'held') throw new Error(`write-lock holder: ${String(msg)}`);
  return {
    start,
    released: () => Atomics.load(flags, 1) === 1,
    done: exited.then(([code]) => {
      if (code !== 0) throw new Error(`write-lock holder exited with ${code}`);
    }),
  };
}
