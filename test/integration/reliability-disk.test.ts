// Issue 16, case 1 (full disks) for inference and segmentation: a pre-flight free-space check
// refuses a run that cannot fit, naming the folder (segment: before it computes illumination functions), and ends the run and job (or feature set) as
// failed with that message; predict to
// a full disk names the file and leaves no partial file. The full disk is a small tmpfs (skipped,
// in one line, where the machine cannot mount one).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { block } from '../fixtures/import/plates';
import { writeTiff } from '../../src/main/core/io/tiff';
import { writeCellPlate, CELL_CHANNEL_MAP } from '../fixtures/reliability/cellPlate';
import { catalogState, treeHashes } from './guard';

const repo = resolve(import.meta.dirname, '../..');
const root = mkdtempSync(join(tmpdir(), 'stainless-reliability-disk-'));
const ws = join(root, 'ws');
const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/stainless.mjs', ...args, '--workspace', ws], { cwd: repo, encoding: 'utf8' });
const lines = (s: string) => s.split('\n').filter((l) => l.trim() && !/^(scanned|writing) \d+\/\d+ |^infer: \d+\/\d+ |^bundled model /.test(l));
const mounts: string[] = [];
after(() => {
  for (const m of mounts) spawnSync('umount', [m]);
  rmSync(root, { recursive: true, force: true });
});

/** A tmpfs of `size` at a new folder, or null with the reason it could not be mounted. */
function smallDisk(name: string, size: string): { dir: string } | { why: string } {
  const dir = join(root, name);
  mkdirSync(dir);
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (m.status !== 0) return { why: `cannot mount a tmpfs here as the full disk (${(m.stderr || m.error?.message || '').trim()})` };
  mounts.push(dir);
  return { dir };
}

const plate = join(root, 'K3');
const ready = (async () => {
  const p2 = (n: number) => String(n).padStart(2, '0');
  for (const [r, c] of block(1, 3))
    for (const ch of [6, 7, 8]) {
      const data = new Uint16Array(96 * 80).map((_, i) => 1000 + ((i * 7919 + r * 31 + c * 17 + ch) % 30000));
      await writeTiff(join(plate, 'Images', `r${p2(r + 1)}c${p2(c + 1)}f01p01-ch${ch}sk1fk1fl1.tiff`), { width: 96, height: 80, bitDepth: 16, data });
    }
  assert.equal(cli('import', plate).status, 0);
  assert.equal(cli('models', 'add', join(repo, 'test/fixtures/models/direct')).status, 0);
})();

test('case 1: infer refuses up front when the synthetic folder cannot hold the run; run and job end failed with the message', async (t) => {
  await ready;
  const disk = smallDisk('synthetic-disk', '64k');
  if ('why' in disk) return t.skip(disk.why);
  symlinkSync(disk.dir, join(ws, 'synthetic'));
  const before = catalogState(ws);
  const images = treeHashes(plate);
  const r = cli('infer', '--plate', 'K3', '--model', 'fixture-direct');
  assert.equal(r.status, 1, r.stderr);
  const err = lines(r.stderr);
  assert.equal(err.length, 1, err.join('\n'));
  const m = /^stainless infer: (.+): not enough free space: 21 synthetic images needs about ([\d.]+) MB, ([\d.]+) MB free$/.exec(err[0]);
  assert.ok(m, err[0]);
  assert.equal(m[1], join(ws, 'synthetic', 'run-1'));
  assert.ok(Number(m[2]) > Number(m[3]));
  assert.deepEqual(readdirSync(disk.dir), [], 'nothing written');
  const db = new Database(join(ws, 'catalog.sqlite'), { readonly: true });
  const run = db.prepare(`SELECT status, error FROM runs`).get() as { status: string; error: string };
  const job = db.prepare(`SELECT status, error FROM jobs WHERE kind = 'infer'`).get() as { status: string; error: string };
  db.close();
  const msg = err[0].replace(/^stainless infer: /, '');
  assert.deepEqual(run, { status: 'failed', error: msg });
  assert.deepEqual(job, { status: 'failed', error: msg });
  const s = catalogState(ws);
  assert.equal(s.integrity, 'ok');
  assert.deepEqual({ ...s.rows, runs: 0, jobs: 0 }, { ...before.rows, runs: 0, jobs: 0 });
  assert.deepEqual(treeHashes(plate), images);
  rmSync(join(ws, 'synthetic'));
});

test('case 1: predict to a full disk names the file and leaves no partial file', async (t) => {
  await ready;
  const disk = smallDisk('predict-disk', '24k');
  if ('why' in disk) return t.skip(disk.why);
  const inputs = readdirSync(join(plate, 'Images')).filter((f) => f.startsWith('r01c01')).sort().map((f) => join(plate, 'Images', f));
  const images = treeHashes(plate);
  const r = cli('predict', '--model', 'fixture-direct', '--input', inputs.join(','), '--output', join(disk.dir, 'out.tif'));
  assert.equal(r.status, 1, r.stderr);
  const err = lines(r.stderr);
  assert.equal(err.length, 1, err.join('\n'));
  assert.match(err[0], new RegExp(`^stainless predict: ${disk.dir}/out_[A-Za-z]+\\.tif: cannot write \\(disk full\\)$`));
  assert.ok(readdirSync(disk.dir).every((f) => !f.includes('.partial')), readdirSync(disk.dir).join(', '));
  assert.deepEqual(treeHashes(plate), images);
});

test('case 1: segment refuses up front when the labels folder cannot hold the label images', async (t) => {
  const disk = smallDisk('labels-disk', '16k');
  if ('why' in disk) return t.skip(disk.why);
  const ws2 = join(root, 'ws2');
  const dir = join(root, 'SEGD');
  await writeCellPlate(dir, block(2, 3), 1);
  const run = (...args: string[]) => spawnSync(process.execPath, ['bin/stainless.mjs', ...args, '--workspace', ws2], { cwd: repo, encoding: 'utf8' });
  assert.equal(run('import', dir, '--channel-map', CELL_CHANNEL_MAP).status, 0);
  symlinkSync(disk.dir, join(ws2, 'labels'));
  const images = treeHashes(dir);
  const r = run('segment', '--plate', 'SEGD', '--source', 'acquired', '--method', 'classical', '--workers', '0');
  assert.equal(r.status, 1, r.stderr);
  const err = r.stderr.split('\n').filter((l) => l.trim() && !/^segment: \d+\/\d+ /.test(l));
  assert.equal(err.length, 1, err.join('\n'));
  assert.match(err[0], new RegExp(`^stainless segment: ${join(ws2, 'labels', 'SEGD', 'acquired-classical')}: not enough free space: 12 label images needs about [\\d.]+ MB, [\\d.]+ MB free$`));
  assert.deepEqual(readdirSync(disk.dir), []);
  const db = new Database(join(ws2, 'catalog.sqlite'), { readonly: true });
  assert.deepEqual(db.prepare(`SELECT status FROM feature_sets`).all(), [{ status: 'failed' }]);
  assert.equal((db.prepare(`SELECT count(*) AS n FROM segmentations`).get() as { n: number }).n, 0);
  // refused before the plate's illumination functions were computed (acquired images: --illum auto is on)
  assert.equal((db.prepare(`SELECT count(*) AS n FROM illumination_functions`).get() as { n: number }).n, 0);
  assert.ok(!existsSync(join(ws2, 'illumination')) || readdirSync(join(ws2, 'illumination'), { recursive: true }).length === 0, 'no function written');
  db.close();
  assert.equal(catalogState(ws2).integrity, 'ok');
  assert.deepEqual(treeHashes(dir), images);
});
