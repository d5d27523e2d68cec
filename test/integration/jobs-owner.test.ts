// A job belongs to the process that runs it: while the app runs an export (a kind that takes no
// plate lock) and has another queued, the CLI and a second core opening the same workspace leave
// both as they are and refuse to cancel or resume them; once the app is SIGKILLed, the next open
// finds them interrupted (before owners, any open marked them interrupted and Resume ran them twice).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { createCore } from '../../src/main/core/core';

const repo = resolve(import.meta.dirname, '../..');
const root = mkdtempSync(join(tmpdir(), 'stainless-jobs-owner-'));
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

// The "app": its own core, an export job that blocks until the process dies, and a second one
// queued behind it; it reports both ids once the first is running, and lives until killed.
const APP = `
import('./src/main/core/core.ts').then(({ createCore }) => {
  const core = createCore({ workspace: process.env.WS, transport: 'inprocess' });
  core.jobs.register('export', { title: (p) => 'export ' + p.plate, unit: 'files', emits: () => ({ what: 'features' }), run: (ctx) => (ctx.progress(0, 1), new Promise(() => {})) });
  const params = (plate) => ({ plate, level: 'well', out: 'unused' });
  const running = core.jobs.submit('export', params('P1')).id;
  const queued = core.jobs.submit('export', params('P2')).id;
  const poll = setInterval(() => {
    if (core.jobs.get(running).status !== 'running') return;
    clearInterval(poll);
    process.send({ running, queued });
  }, 20);
  setInterval(() => {}, 1000);
});
`;

const statuses = (ws: string) => {
  const db = new Database(join(ws, 'catalog.sqlite'), { readonly: true });
  try {
    return db.prepare(`SELECT status FROM jobs ORDER BY id`).pluck().all();
  } finally {
    db.close();
  }
};

test('another process opening the workspace leaves a live process\'s jobs running and queued; after a SIGKILL they are interrupted', { timeout: 120_000 }, async () => {
  const ws = join(root, 'ws');
  const app = spawn(process.execPath, ['--import', 'tsx', '-e', APP], { cwd: repo, env: { ...process.env, WS: ws }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.push(app);
  const ids = await new Promise<{ running: number; queued: number }>((res, rej) => (app.once('message', res as (m: unknown) => void), app.once('exit', (code) => rej(new Error(`app exited (${code})`)))));
  assert.deepEqual(statuses(ws), ['running', 'queued']);

  // the CLI opens the same workspace (a core, its job manager) and exits
  const cli = spawnSync(process.execPath, ['bin/stainless.mjs', 'plates', '--json', '--workspace', ws], { cwd: repo, encoding: 'utf8' });
  assert.equal(cli.status, 0, cli.stderr);
  assert.deepEqual(statuses(ws), ['running', 'queued'], 'the CLI left the app\'s jobs alone');

  // a second core stays open: it sees the jobs as they are and may not change them
  const second = createCore({ workspace: ws, transport: 'inprocess' });
  try {
    assert.deepEqual([second.jobs.get(ids.running)!.status, second.jobs.get(ids.queued)!.status], ['running', 'queued']);
    // the UI is told whose they are (it shows no Cancel button for them)
    assert.deepEqual(second.jobs.list().filter((j) => j.id === ids.running || j.id === ids.queued).map((j) => j.elsewherePid), [app.pid, app.pid]);
    const elsewhere = (id: number, status: string) => ({ message: `job ${id} is ${status} in another Stainless process (pid ${app.pid}); stop it there` });
    assert.throws(() => second.jobs.cancel(ids.running), elsewhere(ids.running, 'running'));
    assert.throws(() => second.jobs.resume(ids.running), elsewhere(ids.running, 'running'));
    assert.throws(() => second.jobs.cancel(ids.queued), elsewhere(ids.queued, 'queued'));
    assert.throws(() => second.jobs.resume(ids.queued), elsewhere(ids.queued, 'queued'));
    assert.deepEqual(statuses(ws), ['running', 'queued']);

    app.kill('SIGKILL');
    await new Promise((res) => app.once('exit', res));
    // the owner died after this core opened: cancelling its queued job is allowed now
    assert.equal(second.jobs.cancel(ids.queued).status, 'cancelled');
    // and the job list shows its running job as interrupted, no longer another process's
    const listed = second.jobs.list().find((j) => j.id === ids.running)!;
    assert.deepEqual([listed.status, listed.elsewherePid], ['interrupted', null]);
  } finally {
    second.close();
  }

  const third = createCore({ workspace: ws, transport: 'inprocess' });
  try {
    const j = third.jobs.get(ids.running)!;
    assert.deepEqual([j.status, j.message], ['interrupted', 'stopped when its Stainless process quit or crashed']);
    assert.equal(j.elsewherePid, null);
    assert.equal(third.jobs.get(ids.queued)!.status, 'cancelled');
    // the dead app's owner file was removed; the CLI's and the second core's went when they closed
    const owners = readdirSync(join(ws, 'locks', 'owners'));
    assert.equal(owners.length, 1);
    assert.ok(owners[0].startsWith(`${process.pid}-`), owners[0]);
  } finally {
    third.close();
  }
  assert.deepEqual(readdirSync(join(ws, 'locks', 'owners')), []);
});
