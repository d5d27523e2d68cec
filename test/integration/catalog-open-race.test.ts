// Two processes open the same new workspace at the same instant, many times over: every open
// succeeds and both writes land (the race behind a rare "database is locked" when two imports
// started together on a new workspace, issue 14flake).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { LATEST_VERSION } from '../../src/main/core/catalog/migrations';

const repo = resolve(import.meta.dirname, '../..');
const root = mkdtempSync(join(tmpdir(), 'stainless-open-race-'));
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

// Each child loads the catalog code once, then per round spins until the agreed instant (so both
// reach openCatalog within a fraction of a millisecond), opens, records its plate, and answers.
const CHILD = `
import('./src/main/core/catalog/db.ts').then(({ openCatalog }) => {
  const now = () => performance.timeOrigin + performance.now();
  process.on('message', (m) => {
    while (now() < m.at) {}
    try {
      const db = openCatalog(m.file);
      db.prepare("INSERT INTO plates (barcode, format) VALUES (?, 96)").run(m.barcode);
      db.close();
      process.send({ ok: true });
    } catch (e) {
      process.send({ ok: false, error: e.code + ': ' + e.message });
    }
  });
  process.send('ready');
});
`;

function child(): ChildProcess {
  const c = spawn(process.execPath, ['--import', 'tsx', '-e', CHILD], { cwd: repo, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.push(c);
  return c;
}
const reply = (c: ChildProcess) => new Promise<unknown>((res, rej) => (c.once('message', res), c.once('exit', (code) => rej(new Error(`child exited (${code})`)))));

test('two processes opening one new catalog at the same instant: 200 rounds, every open succeeds and both writes land', { timeout: 120_000 }, async () => {
  const pair = [child(), child()];
  assert.deepEqual(await Promise.all(pair.map(reply)), ['ready', 'ready']);
  const failures: string[] = [];
  for (let round = 0; round < 200; round++) {
    const file = join(root, `ws${round}`, 'catalog.sqlite');
    const at = performance.timeOrigin + performance.now() + 10;
    const answers = pair.map(reply);
    pair.forEach((c, k) => c.send({ file, at, barcode: `P${k}` }));
    for (const a of (await Promise.all(answers)) as Array<{ ok: boolean; error?: string }>) if (!a.ok) failures.push(`round ${round}: ${a.error}`);
    const db = new Database(file, { readonly: true });
    try {
      assert.equal(db.pragma('user_version', { simple: true }), LATEST_VERSION);
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      if (!failures.length) assert.deepEqual(db.prepare(`SELECT barcode FROM plates ORDER BY barcode`).pluck().all(), ['P0', 'P1'], `round ${round}`);
    } finally {
      db.close();
    }
  }
  assert.deepEqual(failures, []);
});
