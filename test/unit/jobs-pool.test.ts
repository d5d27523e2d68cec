import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TaskCancelled, WorkerPool, WorkerStartError } from '../../src/main/core/jobs/pool';

const WORKER = new URL('../fixtures/jobs/count.worker.ts', import.meta.url);
type Task = { n: number; fail?: string; stepMs?: number };

test('worker pool: results, progress in order, errors by message, tasks spread over the workers', async () => {
  const pool = new WorkerPool<Task, number, number>(WORKER, 2);
  try {
    const seen: number[] = [];
    assert.equal(await pool.run({ n: 5 }, { progress: (p) => seen.push(p) }), 10);
    assert.deepEqual(seen, [1, 2, 3, 4, 5]);
    await assert.rejects(pool.run({ n: 1, fail: 'no such site' }), /^Error: no such site$/);
    const many = await Promise.all(Array.from({ length: 6 }, (_, i) => pool.run({ n: i + 1 })));
    assert.deepEqual(many, [2, 4, 6, 8, 10, 12]);
    assert.equal(pool.size, 2, 'a failed task does not lose its worker');
  } finally {
    await pool.close();
  }
});

test('worker pool: an abort signal or a throwing progress callback cancels the running task', async () => {
  const pool = new WorkerPool<Task, number, number>(WORKER, 1);
  try {
    const abort = new AbortController();
    const run = pool.run({ n: 10_000, stepMs: 2 }, { signal: abort.signal, progress: (p) => p === 3 && abort.abort() });
    await assert.rejects(run, TaskCancelled);
    const thrown = pool.run({ n: 10_000, stepMs: 2 }, { progress: (p) => { if (p === 2) throw new Error('job cancelled'); } });
    await assert.rejects(thrown, TaskCancelled);
    assert.equal(await pool.run({ n: 2 }), 4, 'the worker takes the next task after a cancel');
  } finally {
    await pool.close();
  }
});

test('worker pool: a worker that cannot start is a WorkerStartError (the caller may run the task itself)', async () => {
  process.env.STAINLESS_TEST_WORKER_BROKEN = '1';
  const pool = new WorkerPool<Task, number, number>(WORKER, 1);
  delete process.env.STAINLESS_TEST_WORKER_BROKEN;
  try {
    await assert.rejects(pool.run({ n: 1 }), WorkerStartError);
    assert.equal(pool.size, 0);
  } finally {
    await pool.close();
  }
});
