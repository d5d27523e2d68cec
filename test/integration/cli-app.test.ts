import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';

const bin = join(process.cwd(), 'bin', 'stainless.mjs');

test("stainless version --json is app.info, the contract's answer, and exits 0, with the global option before or after the command", () => {
  const ws = mkdtempSync(join(tmpdir(), 'stainless-cli-'));
  for (const args of [['version', '--json', '--workspace', ws], ['--workspace', ws, '--json', 'version']]) {
    const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '', 'nothing (no npm or other warning) precedes the output');
    const v = JSON.parse(r.stdout);
    assert.equal(v.name, 'Stainless');
    assert.equal(v.workspace, ws);
    assert.equal(v.transport, 'inprocess');
    assert.match(v.onnxruntime, /^\d+\.\d+\.\d+/);
    assert.ok(v.providers.available.includes('cpu'));
    assert.equal(v.providers.active, 'cpu');
    assert.ok(v.providers.reason.length > 10);
  }
});

test('unknown commands and bad flags exit non-zero with one line on stderr', () => {
  const r = spawnSync(process.execPath, [bin, 'frobnicate'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /unknown command "frobnicate"/);
  const f = spawnSync(process.execPath, [bin, 'serve', '--port', 'x', '--workspace', mkdtempSync(join(tmpdir(), 'stainless-cli-'))], { encoding: 'utf8' });
  assert.notEqual(f.status, 0);
  assert.match(f.stderr, /--port: "x" is not a port number/);
  const r2 = spawnSync(process.execPath, [bin, 'serve', '--root', '/nonexistent-root', '--no-demo', '--workspace', mkdtempSync(join(tmpdir(), 'stainless-cli-'))], { encoding: 'utf8' });
  assert.equal(r2.status, 2);
  assert.equal(r2.stderr.trim().split('\n').length, 1);
  assert.match(r2.stderr, /--root \/nonexistent-root: does not exist/);
});

test('stainless serve --port 0 prints a URL that serves the UI; the API needs its token', async () => {
  const ws = mkdtempSync(join(tmpdir(), 'stainless-serve-'));
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--no-demo', '--json', '--workspace', ws], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let out = '';
    child.stdout.setEncoding('utf8');
    while (!out.includes('\n')) {
      const [chunk] = (await once(child.stdout, 'data')) as [string];
      out += chunk;
    }
    const { url, workspace } = JSON.parse(out.split('\n')[0]);
    assert.equal(workspace, ws);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>Stainless<\/title>/);
    const cookie = page.headers.get('set-cookie')!.split(';')[0];
    const origin = new URL(url).origin;
    assert.equal((await fetch(`${origin}/api/app.info`, { method: 'POST', body: '{}' })).status, 401);
    // the page's own requests: cookie, its Origin and a JSON body (anything else is refused as cross-site)
    const info = await fetch(`${origin}/api/app.info`, { method: 'POST', body: '{}', headers: { cookie, origin, 'content-type': 'application/json' } });
    assert.equal(info.status, 200);
    const body = (await info.json()) as { result: { transport: string; workspace: string } };
    assert.deepEqual([body.result.transport, body.result.workspace], ['http', ws]);
  } finally {
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
  }
});
