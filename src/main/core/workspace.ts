import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The per-user app-data folder Electron would use for "Stainless" (same rule without importing electron). */
export function defaultAppDataDir(): string {
  const home = homedir();
  switch (process.platform) {
    case 'win32':
      return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Stainless');
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Stainless');
    default:
      return join(process.env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Stainless');
  }
}

/** --workspace DIR, else STAINLESS_WORKSPACE, else <app-data>/workspace. */
export function resolveWorkspace(flag?: string | null): string {
  if (flag) return resolve(flag);
  if (process.env.STAINLESS_WORKSPACE) return resolve(process.env.STAINLESS_WORKSPACE);
  return join(defaultAppDataDir(), 'workspace');
}

export const workspacePaths = (ws: string) => ({
  catalog: join(ws, 'catalog.sqlite'),
  synthetic: join(ws, 'synthetic'),
  labels: join(ws, 'labels'),
  thumbnails: join(ws, 'thumbnails'),
  features: join(ws, 'features'),
  demo: join(ws, 'demo'),
  models: join(ws, 'models'),
});
