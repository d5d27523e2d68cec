import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { _electron } from 'playwright-core';

const requireCjs = createRequire(import.meta.url);

function electronBinary(): string | null {
  const dir = dirname(requireCjs.resolve('electron/package.json'));
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const exe = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(exe) ? exe : null;
}

const exe = electronBinary();

// Runs the real desktop window where Electron's binary is installed (a workstation); on machines
// that cannot download it (CI here) it reports itself skipped with the reason, in one line.
test('the Electron window opens the app with a hardened renderer', { skip: exe ? false : 'Electron binary not installed on this machine (it cannot be downloaded here)' }, async () => {
  const ws = mkdtempSync(join(tmpdir(), 'stainless-electron-'));
  const app = await _electron.launch({ executablePath: exe!, args: [process.cwd(), `--workspace=${ws}`], env: { ...process.env } as Record<string, string> });
  try {
    const page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
    assert.equal(await page.title(), 'Stainless');
    const exposed = await page.evaluate(() => ({
      api: typeof (globalThis as unknown as { api?: unknown }).api,
      require: typeof (globalThis as unknown as { require?: unknown }).require,
      process: typeof (globalThis as unknown as { process?: unknown }).process,
    }));
    assert.deepEqual(exposed, { api: 'object', require: 'undefined', process: 'undefined' });
    const info = await page.evaluate(() => (globalThis as unknown as { api: { call(n: string, i: object): Promise<{ transport: string }> } }).api.call('app.info', {}));
    assert.equal(info.transport, 'ipc');
  } finally {
    await app.close();
  }
});
