import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openCatalog } from '../../src/main/core/catalog/db';
import { importPlate } from '../../src/main/core/catalog/importPlate';
import { findPlate } from '../../src/main/core/catalog/queries';
import { writePhenixPlate, block } from '../fixtures/import/plates';

const repo = resolve(import.meta.dirname, '../..');
const root = mkdtempSync(join(tmpdir(), 'stainless-crash-'));

/** Run the CLI import and SIGKILL it as soon as it reports writing images (inside the plate's transaction). */
function importAndKill(dir: string, ws: string): Promise<{ signal: NodeJS.Signals | null; code: number | null; stderr: string }> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, ['bin/stainless.mjs', 'import', dir, '--barcode', 'BIG', '--workspace', ws], { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let killed = false;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      if (!killed && /writing \d+\/\d+ images/.test(stderr)) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('error', rej);
    child.on('exit', (code, signal) => res({ code, signal, stderr }));
  });
}

test('SIGKILL in the middle of a large import: catalog intact, plate all or nothing, next import completes it', { timeout: 300_000 }, async (t) => {
  const ws = join(root, 'ws');
  const catalog = join(ws, 'catalog.sqlite');
  // Something already in the catalog that must survive.
  const small = join(root, 'SMALL');
  writePhenixPlate(small, { wells: block(2, 2), fields: 1, channels: [5, 8] });
  const db0 = openCatalog(catalog);
  await importPlate(db0, { dir: small, barcode: 'SMALL' });
  db0.close();

  // 1536 wells × 2 sites × 8 channels = 24,576 images.
  const big = join(root, 'BIG');
  writePhenixPlate(big, { wells: block(32, 48), fields: 2, channels: [1, 2, 3, 4, 5, 6, 7, 8], size: 4 });
  const run = await importAndKill(big, ws);
  assert.match(run.stderr, /writing \d+\/24576 images/, 'the child reported progress before the kill');

  t.diagnostic(run.signal === 'SIGKILL' ? 'child killed while writing' : `child finished before the kill landed (exit ${run.code})`);
  const db = openCatalog(catalog);
  try {
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    assert.equal((db.pragma('foreign_key_check') as unknown[]).length, 0);
    const smallPlate = findPlate(db, 'SMALL');
    assert.deepEqual([smallPlate?.wells, smallPlate?.sites, smallPlate?.images], [4, 4, 8]);
    const p = findPlate(db, 'BIG');
    const orphanWells = db.prepare(`SELECT count(*) FROM wells WHERE plate_id NOT IN (SELECT id FROM plates)`).pluck().get();
    assert.equal(orphanWells, 0);
    if (run.signal === 'SIGKILL') {
      // Killed while writing: the transaction never committed, so nothing of the plate is there.
      assert.equal(p, null, `killed mid-import but plate BIG is partly present: ${JSON.stringify(p)}`);
    } else {
      // The child finished its commit before the signal landed: then the plate is whole.
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual([p?.wells, p?.sites, p?.images], [1536, 3072, 24576]);
    }
    // The next import completes it.
    const r = await importPlate(db, { dir: big, barcode: 'BIG' });
    assert.equal(r.format, 1536);
    const done = findPlate(db, 'BIG');
    assert.deepEqual([done?.wells, done?.sites, done?.images], [1536, 3072, 24576]);
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  } finally {
    db.close();
  }
});
