// Builds the app (electron-vite) when out/ is missing or older than its sources: shared by
// `npm start` and `stainless serve`, so a fresh clone works with either as its first command.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCES = ['src', 'electron.vite.config.ts', 'package.json', 'tsconfig.base.json', 'tsconfig.web.json', 'tsconfig.node.json'];

function newest(p) {
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  let t = s.mtimeMs;
  for (const f of readdirSync(p)) t = Math.max(t, newest(join(p, f)));
  return t;
}

/** Why a build is needed, or null when out/ is up to date. */
export function buildReason() {
  const marker = join(root, 'out', 'renderer', 'index.html');
  if (!existsSync(marker)) return 'the UI is not built yet';
  const built = statSync(marker).mtimeMs;
  const stale = SOURCES.map((s) => join(root, s)).filter((p) => existsSync(p) && newest(p) > built);
  return stale.length ? 'its sources changed since the last build' : null;
}

/** electron-vite's command-line entry, through its package.json `bin` (its `exports` hide the path). */
function electronViteBin() {
  const requireCjs = createRequire(join(root, 'package.json'));
  const pkgPath = requireCjs.resolve('electron-vite/package.json');
  const { bin } = JSON.parse(readFileSync(pkgPath, 'utf8'));
  return join(dirname(pkgPath), typeof bin === 'string' ? bin : bin['electron-vite']);
}

/**
 * Builds if needed, saying why in one line on `log`; returns false when the build failed
 * (its own output, on stderr, says why).
 */
export function ensureBuilt(log = (line) => console.log(line)) {
  const why = buildReason();
  if (!why) return true;
  log(`Building Stainless (${why}) …`);
  const r = spawnSync(process.execPath, [electronViteBin(), 'build', '--logLevel', 'warn'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  return r.status === 0;
}
