import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppProtocolHandler } from '../../src/main/shell/appProtocol';
import { devServerUrl, isAllowedExternal, isTrustedFrameUrl, APP_URL } from '../../src/main/shell/trust';
import { CSP } from '../../src/main/web/static';

// The desktop shell's rules, checked by code path (Electron's binary cannot be installed here).

const requireCjs = createRequire(import.meta.url);

test('packaging flips the fuses: no RunAsNode, NODE_OPTIONS or --inspect; asar-only with integrity; cookies encrypted', () => {
  const build = JSON.parse(readFileSync('package.json', 'utf8')).build;
  assert.deepEqual(build.electronFuses, {
    runAsNode: false,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    enableCookieEncryption: true,
    grantFileProtocolExtraPrivileges: false,
    loadBrowserProcessSpecificV8Snapshot: false,
  });
  assert.notEqual(build.asar, false, 'OnlyLoadAppFromAsar needs an asar archive');
  // the installed electron-builder applies exactly these keys through @electron/fuses
  const source = readFileSync(requireCjs.resolve('app-builder-lib/out/platformPackager.js'), 'utf8');
  assert.match(source, /config\.electronFuses/);
  assert.match(source, /@electron\/fuses/);
  for (const k of Object.keys(build.electronFuses)) assert.ok(source.includes(`fuses.${k}`), `electron-builder reads ${k}`);
});

test('stainless://app serves the built renderer with the CSP; nothing outside it; stainless://img goes to the image handler', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stainless-app-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<title>Stainless</title>');
  writeFileSync(join(dir, 'assets', 'a.js'), 'x');
  const seen: string[] = [];
  const handle = createAppProtocolHandler(dir, async (req) => (seen.push(req.url), new Response('img')));
  const page = await handle(new Request(APP_URL));
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('content-security-policy'), CSP);
  assert.match(await page.text(), /Stainless/);
  assert.equal((await handle(new Request('stainless://app/assets/a.js'))).headers.get('content-type'), 'text/javascript; charset=utf-8');
  // a folder, a route and an escape attempt all get the app's page, never another file
  for (const u of ['stainless://app/assets', 'stainless://app/plates/3', 'stainless://app/..%2F..%2F..%2Fetc%2Fpasswd', 'stainless://app/%2e%2e/%2e%2e/etc/passwd']) {
    const r = await handle(new Request(u));
    assert.ok(r.status === 200 || r.status === 404, u);
    assert.doesNotMatch(await r.text(), /root:/, u);
  }
  assert.equal((await handle(new Request('stainless://app/%'))).status, 400);
  assert.equal((await handle(new Request('stainless://other/index.html'))).status, 404);
  assert.equal((await handle(new Request('stainless://img/thumb/1'))).status, 200);
  assert.deepEqual(seen, ['stainless://img/thumb/1']);
});

test('IPC answers only the app origin (or the dev server when unpackaged); the dev URL is ignored when packaged', () => {
  assert.equal(isTrustedFrameUrl('stainless://app/index.html#/plates', null), true);
  for (const u of ['file:///work/out/renderer/index.html', 'https://evil.example/', 'stainless://img/thumb/1', 'stainless://app.evil/', '', null, 'http://localhost:5173/'])
    assert.equal(isTrustedFrameUrl(u, null), false, String(u));
  const dev = devServerUrl(false, { ELECTRON_RENDERER_URL: 'http://localhost:5173' });
  assert.equal(dev, 'http://localhost:5173/');
  assert.equal(isTrustedFrameUrl('http://localhost:5173/#/jobs', dev), true);
  assert.equal(isTrustedFrameUrl('http://localhost:5174/', dev), false);
  assert.equal(devServerUrl(true, { ELECTRON_RENDERER_URL: 'http://localhost:5173' }), null, 'packaged builds never load a URL from the environment');
  assert.equal(devServerUrl(false, { ELECTRON_RENDERER_URL: 'https://evil.example/' }), null);
});

test('openExternal: only https URLs under an allowlisted prefix', () => {
  const list = ['https://docs.example.org/stainless/'];
  assert.equal(isAllowedExternal('https://docs.example.org/stainless/import.html', list), true);
  for (const u of ['https://docs.example.org/other', 'http://docs.example.org/stainless/', 'https://docs.example.org.evil/stainless/', 'https://user:pw@docs.example.org/stainless/', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share'])
    assert.equal(isAllowedExternal(u, list), false, u);
  assert.equal(isAllowedExternal('https://example.com/'), false, 'the default list opens nothing it does not name');
});

test('the main process wires these rules (by code path): protocol.handle, no loadFile, senderFrame check, permission handlers deny', () => {
  const src = readFileSync('src/main/index.ts', 'utf8');
  assert.match(src, /protocol\.handle\(APP_SCHEME,/);
  assert.doesNotMatch(src, /loadFile\(/);
  assert.match(src, /devServerUrl\(app\.isPackaged, process\.env\)/);
  assert.match(src, /event\.senderFrame/);
  assert.match(src, /setPermissionCheckHandler\(\(\) => false\)/);
  assert.match(src, /setPermissionRequestHandler\(\(_wc, _perm, cb\) => cb\(false\)\)/);
  assert.match(src, /isAllowedExternal\(url\)\) void shell\.openExternal/);
  assert.doesNotMatch(src.replace(/isAllowedExternal\(url\)\) void shell\.openExternal/, ''), /shell\.openExternal/);
  assert.match(src, /c\.files\.picker = pick/);
});
