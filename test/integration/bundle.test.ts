import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

// `npm test` builds before running the suites; the Electron binary is not available on CI, so the
// bundles are checked for what can be checked without it: they exist and parse.
test('electron-vite produced main, preload and renderer bundles that parse', () => {
  for (const f of ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html']) assert.ok(existsSync(f), `${f} missing: run npm run build`);
  for (const f of ['out/main/index.js', 'out/preload/index.cjs', ...readdirSync('out/main').filter((x) => x.endsWith('.worker.js')).map((x) => `out/main/${x}`)]) {
    const r = spawnSync(process.execPath, ['--check', f], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${f} does not parse: ${r.stderr}`);
  }
});

test('the sandboxed preload bundle is CommonJS and exposes only window.api', () => {
  const r = spawnSync(process.execPath, ['-e', "const s=require('fs').readFileSync('out/preload/index.cjs','utf8'); if(!/exposeInMainWorld\\(\\s*['\"]api['\"]/.test(s)) process.exit(3); if((s.match(/exposeInMainWorld/g)||[]).length!==1) process.exit(4)"]);
  assert.equal(r.status, 0);
});
