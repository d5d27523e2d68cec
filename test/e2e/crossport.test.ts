import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import { createCore } from '../../src/main/core/core';
import { startWebHost } from '../../src/main/webhost';
import { CHROMIUM, FLAGS, checkPrerequisites, tempWorkspace } from './helpers';

// A real Chromium tab is logged in to `stainless serve` (it holds the per-port cookie); a page
// served on another 127.0.0.1 port — same site for the browser, so the cookie is sent — tries
// every way a page can reach the API without CORS: fetch (simple and JSON), form posts, <img>,
// EventSource. Nothing may change, nothing may crash, and the refusals must come from the
// origin checks (403/415), not from a missing cookie (401).

function attackPage(target: string, outFile: string): string {
  const api = (n: string) => `${target}/api/${n}`;
  return `<!doctype html><title>attacker</title><body>
<iframe name="sink"></iframe>
<form id="f1" method="POST" action="${api('export.start')}" enctype="text/plain" target="sink">
  <input name='{"plate":1,"out":"${outFile}","x":"' value='"}'></form>
<form id="f2" method="POST" action="${api('demo.start')}" target="sink"><input name="a" value="b"></form>
<script>
(async () => {
  const results = [];
  const tryit = async (what, f) => { try { const r = await f(); results.push(what + ':' + (r && r.type) + ':' + (r && r.status)); } catch (e) { results.push(what + ':error'); } };
  await tryit('simple', () => fetch(${JSON.stringify(api('demo.start'))}, { method: 'POST', mode: 'no-cors', credentials: 'include', body: '{}' }));
  await tryit('simple-export', () => fetch(${JSON.stringify(api('export.start'))}, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ plate: 1, out: ${JSON.stringify(outFile)} }) }));
  await tryit('json-cors', () => fetch(${JSON.stringify(api('demo.start'))}, { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: '{}' }));
  await tryit('read', () => fetch(${JSON.stringify(api('plates.list'))}, { method: 'POST', credentials: 'include', body: '{}' }));
  for (const src of ['/assets', '/%', '/img/image/0x10', '/img/thumb/1', '/api/events']) {
    await new Promise((done) => { const i = new Image(); i.onload = i.onerror = done; i.src = ${JSON.stringify(target)} + src; document.body.appendChild(i); });
  }
  await new Promise((done) => { const es = new EventSource(${JSON.stringify(api('events'))}, { withCredentials: true }); es.onerror = () => { es.close(); done(); }; es.onopen = () => { results.push('events:open'); es.close(); done(); }; });
  document.getElementById('f1').submit();
  await new Promise((r) => setTimeout(r, 300));
  document.getElementById('f2').submit();
  await new Promise((r) => setTimeout(r, 300));
  window.__results = results;
})();
</script></body>`;
}

test('a page on another 127.0.0.1 port cannot use the API of a logged-in tab: no change, no crash', async () => {
  checkPrerequisites();
  const ws = tempWorkspace('crossport');
  const outDir = join(ws, 'exports');
  mkdirSync(outDir);
  const outFile = join(outDir, 'stolen.csv');
  const core = createCore({ workspace: ws, transport: 'http' });
  const answered: string[] = [];
  const host = await startWebHost(core, { port: 0, roots: [ws], accessLog: (e) => answered.push(`${e.method} ${e.path} ${e.status}`) });
  const target = `http://127.0.0.1:${host.port}`;
  const evil = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(attackPage(target, outFile));
  });
  await new Promise<void>((r) => evil.listen(0, '127.0.0.1', () => r()));
  const evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  try {
    const context = await browser.newContext();
    const victim = await context.newPage();
    await victim.goto(host.url);
    const cookies = await context.cookies(target);
    assert.deepEqual(cookies.map((c) => c.name), [`stainless_token_${host.port}`], 'the tab is logged in');
    assert.equal(new URL(victim.url()).searchParams.has('token'), existsSync(join(process.cwd(), 'out', 'renderer', 'index.html')) ? false : true, 'the built page drops the token from the address bar');

    await victim.waitForLoadState('networkidle');
    const mark = answered.length;
    const attacker = await context.newPage();
    const statuses: string[] = [];
    attacker.on('response', (r) => {
      if (r.url().startsWith(target)) statuses.push(`${r.request().method()} ${new URL(r.url()).pathname} ${r.status()}`);
    });
    await attacker.goto(evilUrl);
    await attacker.waitForFunction(() => (globalThis as unknown as { __results?: string[] }).__results !== undefined, null, { timeout: 30_000 });
    const results = await attacker.evaluate(() => (globalThis as unknown as { __results: string[] }).__results);
    assert.ok(!results.includes('events:open'), results.join(', '));
    assert.ok(results.includes('json-cors:error') && results.includes('read:error'), `CORS blocks reading: ${results.join(', ')}`);

    // every request the attacker's page made reached the host with the cookie and was refused by
    // the origin checks (403/415), not by a missing token (401); the preflight of the JSON fetch
    // got no CORS grant, so that POST was never sent
    // (the logged-in tab may still fetch its favicon; the attacker's page has its own)
    const fromAttacker = answered.slice(mark).filter((a) => !a.startsWith('GET /favicon.ico '));
    console.log(`# answered: ${fromAttacker.join(', ')}`);
    for (const what of ['POST /api/demo.start 403', 'POST /api/export.start 403', 'POST /api/plates.list 403', 'GET /assets 403', 'GET /% 403', 'GET /img/image/0x10 403', 'GET /img/thumb/1 403', 'GET /api/events 403'])
      assert.ok(fromAttacker.includes(what), `${what} in ${fromAttacker.join(', ')}`);
    for (const a of fromAttacker) assert.match(a, / (403|415)$|^OPTIONS /, fromAttacker.join(', '));
    for (const s of statuses) assert.match(s, / (403|415)$/);

    // nothing changed, nothing crashed
    assert.deepEqual(readdirSync(outDir), []);
    const origin = target;
    const plates = await fetch(`${target}/api/jobs.list`, { method: 'POST', headers: { 'x-stainless-token': host.token, 'content-type': 'application/json', origin }, body: '{}' });
    assert.equal(plates.status, 200);
    assert.deepEqual(((await plates.json()) as { result: unknown[] }).result, [], 'no job was started');
    // the logged-in tab still works
    const own = await victim.evaluate(async () => (await fetch('/api/plates.list', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status);
    assert.equal(own, 200);
  } finally {
    await browser.close();
    evil.close();
    await host.close();
    core.close();
  }
});
