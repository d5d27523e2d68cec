import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { mkdirSync, mkdtempSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core } from '../../src/main/core/core';
import { startWebHost, type WebHost } from '../../src/main/webhost';

// The web host under attack: requests a page on another 127.0.0.1 port, a DNS-rebinding page or a
// careless script can send. None may crash the host, change the catalog or echo a file.

let core: Core;
let host: WebHost;
let ws: string;
let origin: string;

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** Raw HTTP (node:http) so that Host, Origin and Sec-Fetch-* are exactly what the test says. */
function send(method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest({ host: '127.0.0.1', port: host.port, method, path, headers: { host: `127.0.0.1:${host.port}`, ...headers } }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    // a refused oversized body is answered and then reset: the answer is what counts
    req.on('error', (e) => (answered ? undefined : reject(e)));
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

const cookieHeader = () => `stainless_token_${host.port}=${host.token}`;
/** What the app's own page sends for a request. */
const pageHeaders = () => ({ cookie: cookieHeader(), origin, 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' });
const call = (name: string, body: unknown, headers: Record<string, string> = pageHeaders()) => send('POST', `/api/${name}`, headers, JSON.stringify(body));

async function stillServing(): Promise<void> {
  const r = await call('plates.list', {});
  assert.equal(r.status, 200, r.text);
}

before(async () => {
  ws = mkdtempSync(join(tmpdir(), 'stainless-websec-'));
  const ui = mkdtempSync(join(tmpdir(), 'stainless-websec-ui-'));
  // a built renderer has an assets/ folder: GET /assets used to read it as a file (EISDIR)
  mkdirSync(join(ui, 'assets'));
  writeFileSync(join(ui, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(ui, 'index.html'), '<!doctype html><title>Stainless</title>');
  core = createCore({ workspace: ws, transport: 'http' });
  host = await startWebHost(core, { port: 0, staticDir: ui, maxEventStreams: 3, maxEventBacklog: 64 * 1024 });
  origin = `http://127.0.0.1:${host.port}`;
});

after(async () => {
  await host.close();
  core.close();
});

test('GET /assets (a folder) and GET /% (bad escape) are answered, and the host keeps serving', async () => {
  const a = await send('GET', '/assets', { cookie: cookieHeader() });
  assert.equal(a.status, 200);
  assert.match(a.text, /<title>Stainless<\/title>/);
  const p = await send('GET', '/%', { cookie: cookieHeader() });
  assert.equal(p.status, 400);
  assert.equal((await send('GET', '/api/%E0%A4%A', { cookie: cookieHeader() })).status, 400);
  assert.equal((await send('GET', '/img/%', { cookie: cookieHeader() })).status, 400);
  assert.equal((await send('GET', '/../../etc/passwd', { cookie: cookieHeader() })).text.includes('root:'), false);
  await stillServing();
});

test('a Host other than 127.0.0.1:<port> or localhost:<port> is refused (DNS rebinding)', async () => {
  for (const h of ['evil.example', `evil.example:${host.port}`, '127.0.0.1', `127.0.0.1:${host.port + 1}`]) {
    const r = await send('POST', '/api/plates.list', { ...pageHeaders(), host: h }, '{}');
    assert.equal(r.status, 421, h);
  }
  assert.equal((await send('POST', '/api/plates.list', { ...pageHeaders(), host: `localhost:${host.port}`, origin: `http://localhost:${host.port}` }, '{}')).status, 200);
});

test('state-changing requests from another origin, as a form post or without Origin are refused', async () => {
  const before = readdirSync(ws).sort();
  const other = `http://127.0.0.1:${host.port === 65535 ? 1 : host.port + 1}`;
  const cases: Array<[string, Record<string, string>, number]> = [
    ['other port', { cookie: cookieHeader(), origin: other, 'content-type': 'application/json', 'sec-fetch-site': 'same-site' }, 403],
    ['null origin', { cookie: cookieHeader(), origin: 'null', 'content-type': 'application/json' }, 403],
    ['form post', { cookie: cookieHeader(), origin, 'content-type': 'text/plain', 'sec-fetch-site': 'same-origin' }, 415],
    ['urlencoded', { cookie: cookieHeader(), origin, 'content-type': 'application/x-www-form-urlencoded' }, 415],
    ['no origin, cross-site fetch', { cookie: cookieHeader(), 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' }, 403],
    ['no origin, cookie only', { cookie: cookieHeader(), 'content-type': 'application/json' }, 403],
  ];
  for (const [what, headers, status] of cases) {
    const r = await send('POST', '/api/demo.start', headers, '{}');
    assert.equal(r.status, status, `${what}: ${r.text}`);
    assert.equal(JSON.parse(r.text).error.code, status === 415 ? 'bad_request' : 'forbidden');
  }
  // a script with the token header needs no Origin (it is not a browser)
  const script = await send('POST', '/api/plates.list', { 'x-stainless-token': host.token, 'content-type': 'application/json' }, '{}');
  assert.equal(script.status, 200, script.text);
  assert.deepEqual(readdirSync(ws).sort(), before);
  const jobs = await call('jobs.list', {});
  assert.deepEqual(JSON.parse(jobs.text).result, [], 'no job was started');
});

test('cross-site GETs (an <img> on another port) are refused; the page and its images are not', async () => {
  const r = await send('GET', '/img/image/1', { cookie: cookieHeader(), 'sec-fetch-site': 'same-site', 'sec-fetch-dest': 'image' });
  assert.equal(r.status, 403);
  const own = await send('GET', '/img/image/1', { cookie: cookieHeader(), 'sec-fetch-site': 'same-origin', 'sec-fetch-dest': 'image' });
  assert.equal(own.status, 404);
});

test('the token: per-port cookie from the printed URL, ?token= only on a page load and never over the cookie', async () => {
  const first = await send('GET', `/?token=${host.token}`, { 'sec-fetch-site': 'none', 'sec-fetch-dest': 'document' });
  assert.equal(first.status, 200);
  assert.match(String(first.headers['set-cookie']), new RegExp(`^stainless_token_${host.port}=${host.token}; HttpOnly; SameSite=Strict`));
  // a sub-resource or an API call with ?token= is not authenticated by it
  assert.equal((await send('GET', `/img/image/1?token=${host.token}`)).status, 401);
  assert.equal((await send('POST', `/api/plates.list?token=${host.token}`, { origin, 'content-type': 'application/json' }, '{}')).status, 401);
  // a valid cookie is kept: a wrong ?token= neither logs out nor replaces it
  const again = await send('GET', '/?token=wrong', { cookie: cookieHeader(), 'sec-fetch-dest': 'document' });
  assert.equal(again.status, 200);
  assert.equal(again.headers['set-cookie'], undefined);
  assert.equal((await send('GET', '/', { cookie: `stainless_token_1=${host.token}` })).status, 401, "another port's cookie name is not ours");
});

test('image ids are strict decimal integers: 0x10, 1e1, +16 and 16.0 are refused', async () => {
  for (const id of ['0x10', '1e1', '+16', '16.0', '%2016', '00016', '-3', '9007199254740993']) {
    const r = await send('GET', `/img/image/${id}`, { cookie: cookieHeader() });
    assert.equal(r.status, 400, `${id}: ${r.text}`);
  }
  assert.equal((await send('GET', '/img/image/16', { cookie: cookieHeader() })).status, 404);
});

test('JSON bodies: size and depth are limited before parsing; errors are 4xx', async () => {
  const big = await send('POST', '/api/plates.list', pageHeaders(), Buffer.alloc(4 * 1024 * 1024, 0x20));
  assert.equal(big.status, 413);
  const deep = '['.repeat(100_000) + ']'.repeat(100_000);
  const t0 = performance.now();
  const d = await send('POST', '/api/plates.list', pageHeaders(), deep);
  assert.equal(d.status, 400);
  assert.match(JSON.parse(d.text).error.message, /deeper than 32/);
  assert.ok(performance.now() - t0 < 1000, 'refused without parsing');
  assert.equal((await send('POST', '/api/plates.list', pageHeaders(), '{"a":')).status, 400);
  // brackets inside strings are not nesting
  assert.equal((await call('plates.get', { plate: '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[' })).status, 404);
  await stillServing();
});

test('error texts do not echo workspace paths', async () => {
  const r = await call('plates.get', { plate: 999 });
  assert.equal(r.status, 404);
  const img = await send('GET', '/img/site/1', { cookie: cookieHeader() });
  for (const t of [r.text, img.text]) assert.equal(t.includes(ws), false, t);
});

test('/api/events: capped number of streams, and a reader that stops reading is dropped', async () => {
  const open = () =>
    new Promise<{ status: number; res: import('node:http').IncomingMessage; req: import('node:http').ClientRequest }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: host.port, path: '/api/events', headers: { host: `127.0.0.1:${host.port}`, cookie: cookieHeader() } }, (res) =>
        resolve({ status: res.statusCode ?? 0, res, req }),
      );
      req.on('error', reject);
      req.end();
    });
  const streams = [await open(), await open(), await open()];
  assert.deepEqual(streams.map((s) => s.status), [200, 200, 200]);
  const fourth = await open();
  assert.equal(fourth.status, 503);
  fourth.res.resume();
  // the first reader stops reading; the others read on
  streams[0].res.pause();
  for (const s of streams.slice(1)) s.res.resume();
  const dropped = new Promise<void>((resolve) => streams[0].res.socket.once('close', () => resolve()));
  const payload = 'x'.repeat(16 * 1024);
  let closed = false;
  void dropped.then(() => (closed = true));
  for (let i = 0; i < 4000 && !closed; i++) {
    core.events.emit({ type: 'catalog', what: 'plates', note: payload } as never);
    if (i % 50 === 0) await new Promise((r) => setImmediate(r));
  }
  await dropped;
  assert.equal(closed, true);
  // its slot is free again
  const again = await open();
  assert.equal(again.status, 200);
  for (const s of [...streams.slice(1), again]) s.req.destroy();
  await stillServing();
});
