// Job owners (src/main/core/jobs/owner.ts): alive exactly while the claiming process holds its
// file's lock; a killed owner is dead at once, whatever its pid now names, and its file is removed.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { claimOwner, liveOwners, ownerAlive, ownerPid } from '../../src/main/core/jobs/owner';

const repo = resolve(import.meta.dirname, '../..');
const root = mkdtempSync(join(tmpdir(), 'stainless-owner-'));
after(() => rmSync(root, { recursive: true, force: true }));

/**
 * Another process claims an owner in dir and answers with its token; it lives until killed. With
 * `dropped`, it keeps no reference to the owner and collects garbage before answering.
 */
async function otherProcessOwner(dir: string, { dropped = false } = {}) {
  const claim = `const token = claimOwner(${JSON.stringify(dir)}).token;${dropped ? ' gc();' : ''} console.log(token);`;
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', '-e', `import('./src/main/core/jobs/owner.ts').then(({ claimOwner }) => { ${claim} setInterval(() => {}, 1000); })`], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const token = await new Promise<string>((res, rej) => {
    child.stdout!.setEncoding('utf8').once('data', (d: string) => res(d.trim()));
    child.once('exit', (code) => rej(new Error(`owner process exited (${code})`)));
  });
  const kill = () => new Promise((res) => (child.once('exit', res), child.kill('SIGKILL')));
  return { token, pid: child.pid!, kill };
}

test('an owner is alive while claimed, also to another connection of its own process, and dead once released', () => {
  const dir = join(root, 'own');
  const owner = claimOwner(dir);
  assert.equal(ownerPid(owner.token), process.pid);
  assert.ok(existsSync(join(dir, `${owner.token}.owner`)));
  assert.equal(ownerAlive(dir, owner.token), true);
  assert.deepEqual([...liveOwners(dir)], [owner.token]);
  owner.release();
  assert.deepEqual(readdirSync(dir), [], 'release removes the file');
  assert.equal(ownerAlive(dir, owner.token), false);
});

test('an owner in another process: alive while it runs, dead once SIGKILLed, its stale file removed by whoever finds it', { timeout: 60_000 }, async () => {
  const dir = join(root, 'other');
  const mine = claimOwner(dir);
  const other = await otherProcessOwner(dir);
  try {
    assert.equal(ownerPid(other.token), other.pid);
    assert.equal(ownerAlive(dir, other.token), true);
    assert.deepEqual([...liveOwners(dir)].sort(), [mine.token, other.token].sort());
  } finally {
    await other.kill();
  }
  assert.ok(existsSync(join(dir, `${other.token}.owner`)), 'a killed owner cannot remove its file');
  assert.deepEqual([...liveOwners(dir)], [mine.token]);
  assert.deepEqual(readdirSync(dir), [`${mine.token}.owner`], 'the sweep removed the dead owner only');
  assert.equal(ownerAlive(dir, other.token), false);
  mine.release();
});

test('a file naming a live pid but not locked is a dead owner (pid reuse); unknown tokens and folders are dead, not errors', () => {
  const dir = join(root, 'reuse');
  claimOwner(dir).release(); // makes the folder
  const token = `${process.pid}-0123456789abcdef`;
  new Database(join(dir, `${token}.owner`)).close();
  assert.equal(ownerAlive(dir, token), false);
  assert.deepEqual(readdirSync(dir), []);
  assert.equal(ownerAlive(dir, `${process.pid}-feedfacefeedface`), false);
  assert.equal(ownerAlive(join(root, 'nowhere'), token), false);
  assert.deepEqual([...liveOwners(join(root, 'nowhere'))], []);
});

test('an owner stays alive while its process lives even when nothing references it any more', { timeout: 60_000 }, async () => {
  const dir = join(root, 'dropped');
  const other = await otherProcessOwner(dir, { dropped: true });
  try {
    assert.equal(ownerAlive(dir, other.token), true);
  } finally {
    await other.kill();
  }
  assert.equal(ownerAlive(dir, other.token), false);
});
