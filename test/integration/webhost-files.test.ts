import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, symlinkSync, writeFileSync, readFileSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core } from '../../src/main/core/core';
import { startWebHost, type WebHost } from '../../src/main/webhost';
import type { FileChoice, FileListing } from '../../src/shared/contract/files';

// The path capability model over HTTP: the page can name only what the host's roots hold, by
// handle; paths, "..", symlinks out of the roots and device files are refused; errors name the
// file and the problem, never what is in it.

let core: Core;
let host: WebHost;
let root: string;
let outside: string;

const SECRET = 'root:$6$SECRETHASH$abcdefghijklmnop:19000:0:99999:7:::';

async function call<T = unknown>(name: string, body: unknown): Promise<{ status: number; result: T; error?: { code: string; message: string } }> {
  const origin = `http://127.0.0.1:${host.port}`;
  const r = await fetch(`${origin}/api/${name}`, {
    method: 'POST',
    headers: { 'x-stainless-token': host.token, 'content-type': 'application/json', origin },
    body: JSON.stringify(body),
  });
  const j = (await r.json()) as { result: T; error?: { code: string; message: string } };
  return { status: r.status, ...j };
}

before(async () => {
  const base = mkdtempSync(join(tmpdir(), 'stainless-files-'));
  root = join(base, 'root');
  outside = join(base, 'outside');
  mkdirSync(join(root, 'plate', 'Images'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, 'shadow'), SECRET + '\n');
  writeFileSync(join(root, 'shadow-copy.txt'), SECRET + '\n');
  writeFileSync(join(root, 'plate', 'Images', 'r01c01f01p01-ch1sk1fk1fl1.tiff'), 'not really a tiff');
  symlinkSync(join(outside, 'shadow'), join(root, 'link-out'));
  symlinkSync(join(root, 'plate'), join(root, 'link-in'));
  symlinkSync('/dev/null', join(root, 'devnull'));
  assert.equal(spawnSync('mkfifo', [join(root, 'fifo')]).status, 0, 'mkfifo');
  core = createCore({ workspace: join(base, 'ws'), transport: 'http' });
  host = await startWebHost(core, { port: 0, roots: [root] });
});

after(async () => {
  await host.close();
  core.close();
});

test('files.roots → files.list: folders and regular files of the root; links out, devices and FIFOs are not shown', async () => {
  const roots = await call<{ roots: FileChoice[]; dialogs: boolean }>('files.roots', {});
  assert.equal(roots.status, 200);
  assert.equal(roots.result.dialogs, false);
  assert.deepEqual(roots.result.roots.map((r) => r.path), [root]);
  assert.match(roots.result.roots[0].handle, /^h:[\w-]{20,}$/);
  const l = await call<FileListing>('files.list', { dir: roots.result.roots[0].handle });
  assert.equal(l.status, 200);
  assert.deepEqual(l.result.entries.map((e) => `${e.kind}:${e.name}`), ['dir:link-in', 'dir:plate', 'file:shadow-copy.txt']);
  assert.equal(l.result.parent, null, 'no way up from a root');
});

test('files.child refuses "..", absolute names, links out of the roots and device files; the message has no contents', async () => {
  const rootHandle = (await call<{ roots: FileChoice[] }>('files.roots', {})).result.roots[0].handle;
  for (const [name, why] of [
    ['../outside/shadow', /no "\.\.", "\." or empty parts/],
    ['/etc/passwd', /no "\.\.", "\." or empty parts/],
    ['plate/../../outside/shadow', /no "\.\."/],
    ['link-out', /leads outside the folders this host may browse/],
    ['devnull', /leads outside/],
    ['fifo', /not a regular file/],
    ['nothing-here', /does not exist/],
  ] as const) {
    const r = await call('files.child', { dir: rootHandle, name });
    assert.equal(r.status, 400, `${name}: ${JSON.stringify(r)}`);
    assert.match(r.error!.message, why, name);
    assert.equal(r.error!.message.includes('SECRETHASH'), false);
  }
  // a link that stays inside the roots is followed, to its real path
  const inside = await call<FileChoice>('files.child', { dir: rootHandle, name: 'link-in/Images' });
  assert.deepEqual([inside.status, inside.result.kind, inside.result.path], [200, 'dir', join(root, 'plate', 'Images')]);
  // a made-up handle is not a capability
  const forged = await call('files.list', { dir: 'h:AAAAAAAAAAAAAAAAAAAAAAAA' });
  assert.equal(forged.status, 400);
});

test('requests that read or write files take handles, not paths', async () => {
  const plate = join(root, 'plate');
  const cases: Array<[string, unknown]> = [
    ['import.preview', { dir: plate }],
    ['import.preview', { dir: '/usr' }],
    ['import.start', { dir: plate }],
    ['models.add', { path: join(outside, 'shadow') }],
    ['export.start', { plate: 1, out: join(outside, 'x.csv') }],
  ];
  for (const [name, body] of cases) {
    const r = await call(name, body);
    assert.equal(r.status, 400, `${name} ${JSON.stringify(body)}: ${JSON.stringify(r)}`);
    assert.match(r.error!.message, /Browse…|must be a handle/);
  }
  assert.deepEqual(readdirSync(outside), ['shadow'], 'nothing written outside the roots');
  assert.equal(readFileSync(join(outside, 'shadow'), 'utf8'), SECRET + '\n');
  // a folder handle is not a file to write, and a save handle is not a folder to import
  const rootHandle = (await call<{ roots: FileChoice[] }>('files.roots', {})).result.roots[0].handle;
  const save = await call<FileChoice>('files.child', { dir: rootHandle, name: 'new.csv', save: true });
  assert.deepEqual([save.status, save.result.kind], [200, 'save']);
  assert.equal((await call('import.preview', { dir: save.result.handle })).status, 400);
  const exp = await call('export.start', { plate: 1, out: rootHandle });
  assert.equal(exp.status, 400);
  assert.match(exp.error!.message, /is a folder, not a file to write/);
});

test('a handle made by browsing is re-checked when used: a folder swapped for a link out is refused', async () => {
  const rootHandle = (await call<{ roots: FileChoice[] }>('files.roots', {})).result.roots[0].handle;
  mkdirSync(join(root, 'swap'));
  const h = (await call<FileChoice>('files.child', { dir: rootHandle, name: 'swap' })).result.handle;
  renameSync(join(root, 'swap'), join(root, 'swap-old'));
  symlinkSync(outside, join(root, 'swap'));
  const r = await call('import.preview', { dir: h });
  assert.equal(r.status, 400);
  assert.match(r.error!.message, /swap no longer exists inside the folders this host may use/);
});

test('a plate map that is not a table (a password file) is refused without echoing its first line', async () => {
  const rootHandle = (await call<{ roots: FileChoice[] }>('files.roots', {})).result.roots[0].handle;
  const dir = (await call<FileChoice>('files.child', { dir: rootHandle, name: 'plate' })).result.handle;
  const map = (await call<FileChoice>('files.child', { dir: rootHandle, name: 'shadow-copy.txt' })).result.handle;
  const r = await call<{ ok: boolean; problems: Array<{ message: string }> }>('import.preview', { dir, platemap: map });
  assert.equal(r.status, 200, JSON.stringify(r));
  assert.equal(r.result.ok, false);
  const text = JSON.stringify(r.result);
  assert.equal(text.includes('SECRETHASH'), false, text);
  assert.match(text, /shadow-copy\.txt: missing column.*a first line that is not a header of column names/);
});

test('2,000 sequential and 50-way concurrent plates.list have no errors while a catastrophic-pattern preview runs', async () => {
  // 10,000 names on which `(a|a)*` backtracks 2^24 ways with RegExp
  const big = join(root, 'big');
  mkdirSync(big);
  for (let i = 0; i < 10_000; i++) writeFileSync(join(big, `${'a'.repeat(24)}${i}.tif`), '');
  const rootHandle = (await call<{ roots: FileChoice[] }>('files.roots', {})).result.roots[0].handle;
  const dir = (await call<FileChoice>('files.child', { dir: rootHandle, name: 'big' })).result.handle;
  // one catastrophic-pattern preview is in flight for the whole load: each starts when the last ends
  let stop = false;
  let previews = 0;
  let running = false;
  const busy = (async () => {
    while (!stop) {
      running = true;
      const p = await call<{ ok: boolean; problems: Array<{ code: string }> }>('import.preview', { dir, pattern: '^(?<well>(a|a)*)(?<channel>!)' });
      assert.equal(p.status, 200);
      assert.equal(p.result.ok, false);
      assert.ok(p.result.problems.some((x) => x.code === 'unknown_naming'), JSON.stringify(p.result.problems.slice(0, 3)));
      previews++;
    }
    running = false;
  })();
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(running, true);
  let worst = 0;
  const timed = async () => {
    const t0 = performance.now();
    const r = await call<unknown[]>('plates.list', {});
    worst = Math.max(worst, performance.now() - t0);
    assert.equal(r.status, 200);
  };
  const t0 = performance.now();
  for (let i = 0; i < 2000; i++) await timed();
  for (let i = 0; i < 4; i++) await Promise.all(Array.from({ length: 50 }, timed));
  const total = performance.now() - t0;
  stop = true;
  await busy;
  assert.ok(previews >= 1);
  console.log(`# 2,200 plates.list in ${total.toFixed(0)} ms, slowest ${worst.toFixed(0)} ms, while ${previews} previews of 10,000 names with a catastrophic pattern ran back to back`);
  assert.ok(worst < 2000, `slowest request ${worst} ms`);
  assert.ok(statSync(big).isDirectory());
});
