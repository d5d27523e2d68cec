// Opening a new workspace's catalog while another process is opening it too: the second opener
// must wait for the first, not fail with "database is locked" (issue 14flake).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { openCatalog, schemaVersion } from '../../src/main/core/catalog/db';
import { LATEST_VERSION } from '../../src/main/core/catalog/migrations';

// Plain better-sqlite3 in a worker thread: SQLite's file locks between two connections of one
// process behave as between two processes, and the holder needs no TypeScript.
const HOLDER = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const db = new Database(workerData.file);
db.exec('BEGIN IMMEDIATE');
parentPort.postMessage('held');
Atomics.wait(workerData.go, 0, 0);
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.holdMs);
Atomics.store(workerData.released, 0, 1);
db.exec('COMMIT');
db.close();
`;

test('a new catalog whose write lock another opener holds (its switch to WAL) is opened once that opener lets go', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stainless-catalog-open-'));
  const file = join(dir, 'catalog.sqlite');
  const go = new Int32Array(new SharedArrayBuffer(4));
  const released = new Int32Array(new SharedArrayBuffer(4));
  // the holder is where a first opener is while it switches the new file to WAL: it has read
  // the header and holds the write (RESERVED) lock, in rollback mode
  const holder = new Worker(HOLDER, { eval: true, workerData: { sqlite: createRequire(import.meta.url).resolve('better-sqlite3'), file, go, released, holdMs: 300 } });
  const exited = once(holder, 'exit');
  try {
    assert.equal((await once(holder, 'message'))[0], 'held');
    // the holder keeps its lock for 300 ms from here: the first WAL switch below meets it
    Atomics.store(go, 0, 1);
    Atomics.notify(go, 0);
    const db = openCatalog(file);
    try {
      assert.equal(Atomics.load(released, 0), 1, 'opened before the holder let go of its lock');
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(schemaVersion(db), LATEST_VERSION);
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    } finally {
      db.close();
    }
  } finally {
    Atomics.store(go, 0, 1);
    Atomics.notify(go, 0);
    assert.equal((await exited)[0], 0);
    rmSync(dir, { recursive: true, force: true });
  }
});
