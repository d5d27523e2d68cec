// Issue 16, exports: an existing file is not replaced without --force, a folder as --out and a
// full disk give one line naming the file, and no partial file is left. The catalog (row counts,
// integrity) and the acquired images (sha256) stay as they were.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { block } from '../fixtures/import/plates';
import { writeCellPlate, CELL_CHANNEL_MAP } from '../fixtures/reliability/cellPlate';
import { catalogState, treeHashes } from './guard';

const repo = resolve(import.meta.dirname, '../..');
const root = mkdtempSync(join(tmpdir(), 'stainless-reliability-export-'));
const ws = join(root, 'ws');
const plate = join(root, 'EXP1');
const out = join(root, 'out');
mkdirSync(out);
const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/stainless.mjs', ...args, '--workspace', ws], { cwd: repo, encoding: 'utf8' });
const lines = (s: string) => s.split('\n').filter((l) => l.trim() && !/^(scanned|writing) \d+\/\d+ |^segment: \d+\/\d+ /.test(l));
let mounted: string | null = null;
after(() => {
  if (mounted) spawnSync('umount', [mounted]);
  rmSync(root, { recursive: true, force: true });
});

const ready = (async () => {
  await writeCellPlate(plate, block(2, 3), 2);
  const imp = cli('import', plate, '--channel-map', CELL_CHANNEL_MAP);
  assert.equal(imp.status, 0, imp.stderr);
  const seg = cli('segment', '--plate', 'EXP1', '--source', 'acquired', '--method', 'classical', '--workers', '0');
  assert.equal(seg.status, 0, seg.stderr);
})();

/** Catalog state without the jobs table (a refused job is recorded there, as failed). */
const state = () => {
  const s = catalogState(ws);
  const { jobs: _jobs, ...rows } = s.rows;
  return { integrity: s.integrity, rows };
};

function failing(expectStatus: number, ...args: string[]): string[] {
  const before = state();
  const files = treeHashes(plate);
  const r = cli(...args);
  assert.equal(r.status, expectStatus, `exit ${r.status}; stderr: ${r.stderr}`);
  assert.deepEqual(state(), before);
  assert.equal(before.integrity, 'ok');
  assert.deepEqual(treeHashes(plate), files);
  return lines(r.stderr);
}

test('case 7: export refuses an existing file without --force and a folder as --out, in one line', async () => {
  await ready;
  const file = join(out, 'wells.csv');
  writeFileSync(file, 'my notes\n');
  const jobsBefore = catalogState(ws).rows.jobs;
  const err = failing(1, 'export', '--plate', 'EXP1', '--source', 'acquired', '--out', file);
  assert.deepEqual(err, [`stainless export: ${file}: already exists; choose another name, or allow replacing it (--force)`]);
  assert.equal(readFileSync(file, 'utf8'), 'my notes\n');
  assert.equal(catalogState(ws).rows.jobs, jobsBefore, 'refused before a job was queued');
  const ok = cli('export', '--plate', 'EXP1', '--source', 'acquired', '--out', file, '--force');
  assert.equal(ok.status, 0, ok.stderr);
  const csv = readFileSync(file, 'utf8').trim().split('\n');
  assert.equal(csv.length, 1 + 6, 'header + one row per well');
  assert.match(csv[0], /^Metadata_/);

  const folder = join(out, 'table.csv');
  mkdirSync(folder);
  const err2 = failing(1, 'export', '--plate', 'EXP1', '--source', 'acquired', '--out', folder, '--force');
  assert.deepEqual(err2, [`stainless export: ${folder}: is a folder; give the name of the file to write`]);
  const err3 = failing(1, 'export', '--plate', 'EXP1', '--source', 'acquired', '--out', join(file, 'x.csv'));
  assert.deepEqual(err3, [`stainless export: ${join(file, 'x.csv')}: ${file} is a file, not a folder`]);
});

test('case 1: an export to a full disk fails naming the file, leaves no partial file, and the job is failed', async (t) => {
  await ready;
  const disk = join(root, 'full');
  mkdirSync(disk);
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8k', 'tmpfs', disk], { encoding: 'utf8' });
  if (m.status !== 0) {
    t.skip(`cannot mount a tmpfs here as the full disk (${(m.stderr || m.error?.message || '').trim()})`);
    return;
  }
  mounted = disk;
  // a cell-level CSV is far larger than 8 KiB
  const file = join(disk, 'cells.csv');
  const err = failing(1, 'export', '--plate', 'EXP1', '--source', 'acquired', '--level', 'cell', '--out', file);
  assert.deepEqual(err, [`stainless export: ${file}: cannot write (disk full)`]);
  assert.deepEqual(readdirSync(disk), [], 'no partial file left');
  const db = new Database(join(ws, 'catalog.sqlite'), { readonly: true });
  const job = db.prepare(`SELECT status, error FROM jobs WHERE kind = 'export' ORDER BY id DESC LIMIT 1`).get() as { status: string; error: string };
  db.close();
  assert.deepEqual(job, { status: 'failed', error: `${file}: cannot write (disk full)` });
  assert.ok(!existsSync(`${file}.partial`));
});
