import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { openSession, tempWorkspace, shot, goSection, type Session } from './helpers';

let s: Session;
// evaluated in the page (the test itself has no DOM types)
const SCHEME = "document.documentElement.getAttribute('data-mantine-color-scheme')";
// Polling predicates are functions: a string predicate is eval'd in the page, which the app's CSP forbids.
const schemeIs = (w: string) =>
  (globalThis as unknown as { document: { documentElement: { getAttribute(a: string): string | null } } }).document.documentElement.getAttribute('data-mantine-color-scheme') === w;
let ws: string;

before(async () => {
  ws = tempWorkspace('shell');
  s = await openSession(ws);
});

after(async () => {
  await s?.close();
  rmSync(ws, { recursive: true, force: true });
});

test('the shell shows the workspace and execution provider in the status bar', async () => {
  const { page } = s;
  await page.getByTestId('workspace').filter({ hasText: ws }).waitFor();
  assert.equal(await page.getByTestId('workspace').textContent(), ws);
  const provider = (await page.getByTestId('provider').textContent())?.trim();
  assert.ok(provider === 'cpu' || provider === 'cuda', `provider badge shows "${provider}"`);
  await shot(page, 'shell-start');
});

test('navigation reaches every section', async () => {
  const { page } = s;
  const sections: [string, string][] = [
    ['plates', 'Plates'],
    ['well', 'Well'],
    ['metrics', 'Metrics'],
    ['models', 'Models'],
    ['jobs', 'Jobs'],
    ['io', 'Import'],
  ];
  for (const [section, heading] of sections) {
    await goSection(page, section);
    const h = page.locator(`[data-page="${section}"] h2`).first();
    await h.waitFor();
    assert.match((await h.textContent()) ?? '', new RegExp(heading), `heading of ${section}`);
    assert.ok(page.url().includes(`#/${section}`), `URL of ${section} is ${page.url()}`);
    await shot(page, `shell-${section}`);
  }
  // Models page tells which provider runs and why (from app.info).
  await goSection(page, 'models');
  const reason = await page.getByTestId('provider-reason').textContent();
  assert.ok(reason && reason.length > 3, `provider reason "${reason}"`);
});

test('the theme toggle switches to light and survives a reload', async () => {
  const { page } = s;
  await page.getByText('Light', { exact: true }).click();
  await page.waitForFunction(schemeIs, 'light');
  await shot(page, 'shell-light');
  await page.reload();
  await page.waitForSelector('[data-page]');
  assert.equal(await page.evaluate(SCHEME), 'light');
  await page.getByText('Dark', { exact: true }).click();
  await page.waitForFunction(schemeIs, 'dark');
});

test('a request without the token is refused with 401', async () => {
  const res = await fetch(`${s.base}/api/app.info`, { method: 'POST', body: '{}' });
  assert.equal(res.status, 401);
  const body = (await res.json()) as { error: { code: string } };
  assert.equal(body.error.code, 'unauthorized');
  const page = await fetch(`${s.base}/`);
  assert.equal(page.status, 401);
});

test('a body failing the schema gets 400 with the schema message, in the page as over plain HTTP', async () => {
  const res = await fetch(`${s.base}/api/app.ping`, {
    method: 'POST',
    headers: { 'x-stainless-token': s.host.token, 'content-type': 'application/json' },
    body: JSON.stringify({ echo: 5 }),
  });
  assert.equal(res.status, 400);
  const body = (await res.json()) as { error: { code: string; message: string } };
  assert.equal(body.error.code, 'bad_request');
  assert.match(body.error.message, /app\.ping/);
  assert.match(body.error.message, /echo/);
  assert.match(body.error.message, /string/i);
  // The page's own client (cookie auth) gets the same answer.
  const inPage = await s.page.evaluate(async () => {
    const r = await fetch('/api/app.ping', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"echo":5}' });
    return { status: r.status, body: (await r.json()) as { error: { message: string } } };
  });
  assert.equal(inPage.status, 400);
  assert.match(inPage.body.error.message, /echo/);
  const ok = await s.page.evaluate(async () => (await fetch('/api/app.ping', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"echo":"hi"}' })).json() as Promise<{ result: { echo: string } }>);
  assert.equal(ok.result.echo, 'hi');
});
