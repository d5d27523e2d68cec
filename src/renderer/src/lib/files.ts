import type { FileChoice, FileRoots } from '../../../shared/contract/files';
import { api } from '../api';

/** What a path field asks for: a folder, an existing file, either, or a file to write. */
export type PathKind = 'dir' | 'file' | 'any' | 'save';

// Paths the user chose with Browse…, so the field can show a path while requests carry the handle.
const chosen = new Map<string, string>();
const key = (kind: PathKind, path: string) => `${kind}\0${path}`;
let roots: Promise<FileRoots> | null = null;

/** The host's browsable roots and whether native dialogs exist (asked once). */
export function fileRoots(): Promise<FileRoots> {
  return (roots ??= api.call('files.roots', {}));
}

export function remember(kind: PathKind, c: FileChoice): void {
  chosen.set(key(kind, c.path), c.handle);
}

/** Whether the path was chosen with Browse… (so it has a handle without a lookup). */
export const isChosen = (kind: PathKind, path: string) => chosen.has(key(kind, path.trim()));

const under = (p: string, root: string) => p === root || p.startsWith(root.endsWith('/') ? root : `${root}/`);

/**
 * The handle for what a path field shows. A path chosen with Browse… has one already; a typed
 * path is looked up from the root that contains it, name by name on the host (files.child), so
 * the request never carries a path the host has not checked against its roots.
 */
export async function toHandle(path: string, kind: PathKind, label: string): Promise<string> {
  const p = path.trim().replace(/(.)\/+$/, '$1');
  const hit = chosen.get(key(kind, p));
  if (hit) return hit;
  const { roots: list, dialogs } = await fileRoots();
  const root = list.filter((r) => under(p, r.path)).sort((a, b) => b.path.length - a.path.length)[0];
  if (!root) {
    const where = list.length ? ` (this host may use ${list.map((r) => r.path).join(', ')})` : '';
    throw new Error(`${label}: ${dialogs ? 'choose it with Browse…' : `${p} is not inside a folder this host may use${where}`}`);
  }
  if (p === root.path && kind !== 'save') return root.handle;
  const c = await api.call('files.child', { dir: root.handle, name: p.slice(root.path.length).replace(/^\/+/, ''), save: kind === 'save' });
  remember(kind, c);
  return c.handle;
}

/** The folder part of a path ("/a/b/c.csv" → "/a/b"). */
export const parentOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) || '/' : '');
export const baseOf = (p: string) => p.slice(p.lastIndexOf('/') + 1);
