// Opening a new workspace's catalog while another process is opening it too: the second opener
// must wait for the first, not fail with "database is locked" (issue 14flake).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCatalog, schemaVersion } from '../../src/main/core/catalog/db';
import { LATEST_VERSION } from '../../src/main/core/catalog/migrations';
import { holdWriteLock } from '../support/writeLock';

test('a new catalog whose write lock another opener holds (its switch to WAL) is opened once that opener lets go', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stainless-catalog-open-'));
  const file = join(dir, 'catalog.sqlite');
  // the holder is where a first opener is while it switches the new file to WAL: it has read
  // the header and holds the write (RESERVED) lock, in rollback mode
  const lock = await holdWriteLock(file, 300);
  try {
    // the holder keeps its lock for 300 ms from here: the first WAL switch below meets it
    lock.start();
    const db = openCatalog(file);
    try {
      assert.ok(lock.released(), 'opened before the holder let go of its lock');
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(schemaVersion(db), LATEST_VERSION);
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    } finally {
      db.close();
    }
  } finally {
    lock.start();
    await lock.done;
    rmSync(dir, { recursive: true, force: true });
  }
});
