// Issue 16, case 6: `segment` checkpoints per site. A SIGKILL at any site leaves the feature set
// interrupted; the same command then resumes at the first unfinished site and ends with label
// images and a per-cell Parquet file byte-identical to an uninterrupted run, and no leftovers.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { block } from '../fixtures/import/plates';
import { writeCellPlate, CELL_CHANNEL_MAP } from '../fixtures/reliability/cellPlate';
import { catalogState, treeHashes } from './guard';

const repo = resolve(import.meta.dirname, '../..');
const root = mkdtempSync(join(tmpdir(), 'stainless-reliability-seg-'));
after(() => rmSync(root, { recursive: true, force: true }));
const plate = join(root, 'SEGK');

function run(ws: string, args: string[], env: Record<string, string> = {}, killAt?: number) {
  return new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((res, rej) => {
    const child = spawn(process.execPath, ['bin/stainless.mjs', ...args, '--workspace', ws], { cwd: repo, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    // the stall hook holds the process after `killAt` sites, so waiting for that many recorded sites is race-free
    const watch =
      killAt === undefined
        ? undefined
        : setInterval(() => {
            if (existsSync(join(ws, 'catalog.sqlite')) && segmentations(ws) >= killAt) {
              clearInterval(watch);
              child.kill('SIGKILL');
            }
          }, 50);
    child.on('error', rej);
    child.on('exit', (code, signal) => {
      clearInterval(watch);
      res({ code, signal, stdout, stderr });
    });
  });
}
function segmentations(ws: string): number {
  const db = new Database(join(ws, 'catalog.sqlite'), { readonly: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'segmentations'`).get() as { n: number }).n
      ? (db.prepare(`SELECT count(*) AS n FROM segmentations`).get() as { n: number }).n
      : 0;
  } finally {
    db.close();
  }
}
const SEG = ['segment', '--plate', 'SEGK', '--source', 'acquired', '--method', 'classical', '--workers', '0'];
const outputs = (ws: string) => ({ labels: treeHashes(join(ws, 'labels')), features: treeHashes(join(ws, 'features')) });
const setStatus = (ws: string) => {
  const db = new Database(join(ws, 'catalog.sqlite'), { readonly: true });
  try {
    return db.prepare(`SELECT status, (SELECT count(*) FROM segmentations) AS segs FROM feature_sets`).get() as { status: string; segs: number };
  } finally {
    db.close();
  }
};

test('case 6: SIGKILL at any site of segment, then the same command: byte-identical files, no leftovers', { timeout: 300_000 }, async () => {
  await writeCellPlate(plate, block(2, 3), 2); // 12 sites
  const reference = join(root, 'ref');
  assert.equal((await run(reference, ['import', plate, '--channel-map', CELL_CHANNEL_MAP])).code, 0);
  const whole = await run(reference, SEG);
  assert.equal(whole.code, 0, whole.stderr);
  const want = outputs(reference);
  assert.equal(Object.keys(want.labels).length, 24, 'two label images per site');
  assert.deepEqual(Object.keys(want.features), ['SEGK/acquired-classical.cells.parquet']);
  const images = treeHashes(plate);

  for (const killAt of [1, 6, 11]) {
    const ws = join(root, `kill-${killAt}`);
    assert.equal((await run(ws, ['import', plate, '--channel-map', CELL_CHANNEL_MAP])).code, 0);
    const killed = await run(ws, SEG, { STAINLESS_SEGMENT_STALL_AFTER: String(killAt) }, killAt);
    assert.equal(killed.signal, 'SIGKILL', killed.stderr);
    // the next process to open the workspace sees the set interrupted, with killAt sites recorded
    assert.equal((await run(ws, ['plates'])).code, 0);
    assert.deepEqual(setStatus(ws), { status: 'interrupted', segs: killAt });
    // what a kill mid-write leaves: temporary files, never registered
    const labelDir = join(ws, 'labels', 'SEGK', 'acquired-classical');
    writeFileSync(join(labelDir, 'B03_f02_cells.tiff.partial-99999'), 'half a label image');
    mkdirSync(join(ws, 'features', 'SEGK'), { recursive: true });
    writeFileSync(join(ws, 'features', 'SEGK', 'acquired-classical.cells.parquet.partial'), 'half a table');
    const before = catalogState(ws);
    const again = await run(ws, [...SEG, '--json']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual([JSON.parse(again.stdout).sitesResumed, JSON.parse(again.stdout).sites], [killAt, 12], 'resumed at the first unfinished site');
    assert.deepEqual(outputs(ws), want, `kill after ${killAt} sites: files identical to an uninterrupted run, nothing left over`);
    assert.deepEqual(setStatus(ws), { status: 'done', segs: 12 });
    const s = catalogState(ws);
    assert.equal(s.integrity, 'ok');
    assert.deepEqual([s.rows.plates, s.rows.images, s.rows.segmentations], [before.rows.plates, before.rows.images, 12]);
    assert.ok(!existsSync(join(ws, 'features', 'SEGK', 'acquired-classical.sites')));
    assert.deepEqual(readdirSync(join(ws, 'features', 'SEGK')), ['acquired-classical.cells.parquet']);
  }
  assert.deepEqual(treeHashes(plate), images, 'acquired images untouched');
});
