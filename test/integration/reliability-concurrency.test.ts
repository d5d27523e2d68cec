// Issue 16, two processes at once: imports into a new workspace both succeed (the schema is
// migrated under the write lock), and a second infer/segment on a plate that one is working on
// says "already running (pid N)" instead of redoing its sites; after a SIGKILL the lock is stale
// and the same command resumes.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { writePhenixPlate, block } from '../fixtures/import/plates';
import { writeCellPlate, CELL_CHANNEL_MAP } from '../fixtures/reliability/cellPlate';
import { writeTiff } from '../../src/main/core/io/tiff';
import { catalogState, treeHashes } from './guard';

const repo = resolve(import.meta.dirname, '../..');
const root = mkdtempSync(join(tmpdir(), 'stainless-reliability-conc-'));
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

interface Done {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}
function start(ws: string, args: string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<Done> } {
  const child = spawn(process.execPath, ['bin/stainless.mjs', ...args, '--workspace', ws], { cwd: repo, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const done = new Promise<Done>((res, rej) => {
    child.on('error', rej);
    child.on('exit', (code, signal) => res({ code, signal, stdout, stderr }));
  });
  return { child, done };
}
const run = (ws: string, ...args: string[]) => start(ws, args).done;
const lines = (s: string) => s.split('\n').filter((l) => l.trim() && !/^(scanned|writing) \d+\/\d+ |^(infer|segment): \d+\/\d+ /.test(l));
const query = <T>(ws: string, sql: string): T => {
  const db = new Database(join(ws, 'catalog.sqlite'), { readonly: true });
  try {
    return db.prepare(sql).get() as T;
  } finally {
    db.close();
  }
};

test('case 5: two imports started together on a new workspace both land', async () => {
  for (let round = 0; round < 3; round++) {
    const ws = join(root, `new-${round}`);
    const a = join(root, `A${round}`);
    const b = join(root, `B${round}`);
    writePhenixPlate(a, { wells: block(2, 2), fields: 1, channels: [5] });
    writePhenixPlate(b, { wells: block(2, 3), fields: 1, channels: [5] });
    const [ra, rb] = await Promise.all([run(ws, 'import', a), run(ws, 'import', b)]);
    assert.equal(ra.code, 0, ra.stderr);
    assert.equal(rb.code, 0, rb.stderr);
    const s = catalogState(ws);
    assert.equal(s.integrity, 'ok');
    assert.deepEqual([s.rows.plates, s.rows.wells, s.rows.images], [2, 10, 10]);
  }
});

test('case 5: a second infer on a plate being inferred says "already running (pid N)"; after a SIGKILL the run resumes', { timeout: 180_000 }, async () => {
  const ws = join(root, 'infer');
  const dir = join(root, 'K2');
  const p2 = (n: number) => String(n).padStart(2, '0');
  for (const [r, c] of block(1, 3))
    for (const ch of [6, 7, 8]) {
      const data = new Uint16Array(96 * 80).map((_, i) => 1000 + ((i * 7919 + r * 31 + c * 17 + ch) % 30000));
      await writeTiff(join(dir, 'Images', `r${p2(r + 1)}c${p2(c + 1)}f01p01-ch${ch}sk1fk1fl1.tiff`), { width: 96, height: 80, bitDepth: 16, data });
    }
  assert.equal((await run(ws, 'import', dir)).code, 0);
  assert.equal((await run(ws, 'models', 'add', join(repo, 'test/fixtures/models/direct'))).code, 0);
  const args = ['infer', '--plate', 'K2', '--model', 'fixture-direct'];
  // the stall hook holds the first after one site, so the second meets it mid-plate
  const first = start(ws, args, { STAINLESS_INFER_STALL_AFTER: '1' });
  const t0 = Date.now();
  while (!(existsSync(join(ws, 'catalog.sqlite')) && query<{ n: number }>(ws, `SELECT count(*) AS n FROM run_sites`).n >= 1)) {
    assert.ok(Date.now() - t0 < 120_000, 'first infer did not reach its first site');
    await new Promise((r) => setTimeout(r, 100));
  }
  const hashes = treeHashes(dir);
  const before = catalogState(ws);
  const second = await run(ws, ...args);
  assert.equal(second.code, 1, second.stderr);
  const msg = lines(second.stderr).filter((l) => !l.startsWith('bundled model'));
  assert.deepEqual(msg, [`stainless infer: inference on plate K2 is already running (pid ${first.child.pid}); wait for it to finish or stop it, then run this again to resume`]);
  const afterSecond = catalogState(ws);
  // the refused job is recorded (failed); nothing else moved, and the first run is still running
  assert.equal(afterSecond.rows.jobs, before.rows.jobs + 1);
  assert.deepEqual({ ...afterSecond.rows, jobs: 0 }, { ...before.rows, jobs: 0 });
  assert.equal(query<{ status: string }>(ws, `SELECT status FROM runs`).status, 'running');
  assert.deepEqual(treeHashes(dir), hashes);
  first.child.kill('SIGKILL');
  assert.equal((await first.done).signal, 'SIGKILL');
  // the dead owner's lock is stale: the same command resumes and finishes the plate
  const again = await run(ws, ...args, '--json');
  assert.equal(again.code, 0, again.stderr);
  const s = JSON.parse(again.stdout);
  assert.deepEqual([s.sitesResumed, s.sitesComputed, s.status], [1, 2, 'done']);
  assert.equal(catalogState(ws).integrity, 'ok');
});

test('case 5: segment refuses while another live process holds the plate, and runs once that process is gone', { timeout: 180_000 }, async () => {
  const ws = join(root, 'seg');
  const plate = join(root, 'SEG1');
  await writeCellPlate(plate, block(1, 2), 1);
  assert.equal((await run(ws, 'import', plate, '--channel-map', CELL_CHANNEL_MAP)).code, 0);
  const plateId = query<{ id: number }>(ws, `SELECT id FROM plates WHERE barcode = 'SEG1'`).id;
  // another process takes the plate's segmentation lock with the project's own lock function
  const holder = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      `import('./src/main/core/jobs/runLock.ts').then(async ({ acquireLock }) => { const D = (await import('better-sqlite3')).default; acquireLock(new D(${JSON.stringify(join(ws, 'catalog.sqlite'))}, { readonly: true }), 'segment-plate-${plateId}', 'x'); console.log('held'); setInterval(() => {}, 1000); })`,
    ],
    { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(holder);
  await new Promise<void>((res) => holder.stdout!.on('data', (d: Buffer) => d.toString().includes('held') && res()));
  const before = catalogState(ws);
  const r = await run(ws, 'segment', '--plate', 'SEG1', '--source', 'acquired', '--method', 'classical', '--workers', '0');
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(lines(r.stderr), [`stainless segment: segmentation of plate SEG1 is already running (pid ${holder.pid}); wait for it to finish or stop it, then run this again to resume`]);
  const after1 = catalogState(ws);
  assert.deepEqual({ ...after1.rows, jobs: 0 }, { ...before.rows, jobs: 0 });
  holder.kill('SIGKILL');
  await new Promise((res) => holder.on('exit', res));
  const ok = await run(ws, 'segment', '--plate', 'SEG1', '--source', 'acquired', '--method', 'classical', '--workers', '0');
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(query<{ n: number }>(ws, `SELECT count(*) AS n FROM segmentations`).n, 2);
});
