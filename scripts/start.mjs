#!/usr/bin/env node
// `npm start`: build if the sources changed, then open the desktop window where Electron is
// installed; where it is not (no binary and no way to download it), say so in one line and serve
// the same UI from the web host on 127.0.0.1.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from './build.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const args = process.argv.slice(2);

function electronBinary() {
  const dir = dirname(require.resolve('electron/package.json'));
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const exe = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(exe) ? exe : null;
}

/** Electron 45 downloads its binary on first use; try once, quietly, with a time limit. */
function tryInstallElectron() {
  let dir;
  try {
    dir = dirname(require.resolve('electron/package.json'));
  } catch {
    return 'the electron package is not installed';
  }
  const r = spawnSync(process.execPath, [join(dir, 'install.js')], { cwd: dir, encoding: 'utf8', timeout: 180_000 });
  if (r.status === 0) return null;
  const why = `${r.stderr ?? ''}`.split('\n').find((l) => /Error|ENOTFOUND|EAI_AGAIN|ECONN|timed out/i.test(l));
  return why ? why.trim() : 'its binary could not be downloaded';
}

/** Native modules must match the runtime's ABI: rebuild them for Electron once, and note it. */
function ensureElectronNatives(exe) {
  const stamp = join(root, 'node_modules', '.stainless-natives');
  const want = `electron-${require('electron/package.json').version}`;
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return;
  console.log('Rebuilding native modules for Electron …');
  const r = spawnSync('npx', ['electron-builder', 'install-app-deps'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status === 0) writeFileSync(stamp, want);
}

if (!ensureBuilt()) process.exit(1);
let exe = electronBinary();
let reason = null;
if (!exe && !process.env.STAINLESS_WEB) {
  reason = tryInstallElectron();
  exe = electronBinary();
}
if (exe && !process.env.STAINLESS_WEB) {
  ensureElectronNatives(exe);
  const child = spawn(exe, [root, ...args], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(`Electron is not available here (${process.env.STAINLESS_WEB ? 'STAINLESS_WEB is set' : reason ?? 'no binary'}); serving the same UI from the web host instead.`);
  const child = spawn(process.execPath, [join(root, 'bin', 'stainless.mjs'), 'serve', ...args], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
}
