import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | null = null;

/** The installed app's root (the folder with Stainless' package.json), from source or from a bundle. */
export function appRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'stainless') return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the Stainless install folder (package.json)');
    dir = up;
  }
}

export const rendererDir = () => join(appRoot(), 'out', 'renderer');
export const resourcesDir = () => join(appRoot(), 'resources');
/** training/ (the Python that trains models): STAINLESS_TRAINING_DIR, else beside the install. */
export const trainingScriptsDir = () => process.env.STAINLESS_TRAINING_DIR || join(appRoot(), 'training');
