import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { realpathSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import type { FileChoice, FileEntry, FileKind, FileListing } from '../../../shared/contract/files';

/** A request named a file it may not use; the message names it and the problem, never its contents. */
export class FileAccessError extends Error {}

export interface PickOptions {
  kind: FileKind;
  title?: string;
  extensions?: string[];
  defaultName?: string;
}
/** A native dialog (set by the Electron shell); resolves to the chosen absolute path or null. */
export type Picker = (o: PickOptions) => Promise<string | null>;

const MAX_LIST = 5000;
const HANDLE = /^h:[A-Za-z0-9_-]{16,64}$/;

/**
 * The capability model for files. The renderer holds opaque handles; only the main side knows
 * the paths behind them. Handles come from a native dialog (the user chose the file), from the
 * roots the web host was started with, or from a name looked up inside a folder handle — always
 * resolved through symlinks and kept inside the roots. The in-process CLI (trustPaths) may give
 * absolute paths: its user typed them.
 */
export class FileBroker {
  private byHandle = new Map<string, { path: string; kind: FileKind; confined: boolean }>();
  private byKey = new Map<string, string>();
  private roots: string[] = [];
  /** Electron's showOpenDialog/showSaveDialog; null where there is none (web host, CLI) */
  picker: Picker | null = null;

  constructor(private readonly opts: { trustPaths: boolean }) {}

  /** Folders the web host's browser may show (`serve --root`); each must exist. */
  setRoots(dirs: string[]): void {
    this.roots = dirs.map((d) => {
      let real: string;
      try {
        real = realpathSync(resolve(d));
      } catch {
        throw new FileAccessError(`--root ${d}: does not exist`);
      }
      if (!statSync(real).isDirectory()) throw new FileAccessError(`--root ${d}: is not a folder`);
      return real;
    });
  }

  rootChoices(): FileChoice[] {
    return this.roots.map((r) => this.mintAs(r, 'dir', true));
  }

  /** A handle for a path the main side vouches for (a root, a dialog's answer, a checked child). */
  mint(path: string, kind: FileKind): FileChoice {
    return this.mintAs(path, kind, false);
  }

  /** confined: found by browsing the roots, so re-checked against them when used */
  private mintAs(path: string, kind: FileKind, confined: boolean): FileChoice {
    const key = `${kind}\0${confined}\0${path}`;
    let handle = this.byKey.get(key);
    if (!handle) {
      handle = `h:${randomBytes(18).toString('base64url')}`;
      this.byKey.set(key, handle);
      this.byHandle.set(handle, { path, kind, confined });
    }
    return { handle, path, kind };
  }

  /**
   * The path behind a request's file reference. `want`: 'dir' a folder, 'file' an existing file,
   * 'save' a file to write, 'any' a folder or file. `label` names the field in messages.
   */
  resolve(ref: string, want: FileKind | 'any', label: string): string {
    if (HANDLE.test(ref)) {
      const e = this.byHandle.get(ref);
      if (!e) throw new FileAccessError(`${label}: unknown handle (the host was restarted?): choose it again with Browse…`);
      const ok = want === 'any' ? e.kind !== 'save' : want === 'save' ? e.kind === 'save' || e.kind === 'file' : e.kind === want;
      if (!ok) throw new FileAccessError(`${label}: ${e.path} is ${describe(e.kind)}, not ${describe(want)}`);
      // a folder on the way may have been swapped for a link since the handle was made
      if (e.confined) {
        const real = safeRealpath(e.kind === 'save' ? dirname(e.path) : e.path);
        if (real === null || !this.inside(e.kind === 'save' ? join(real, basename(e.path)) : real))
          throw new FileAccessError(`${label}: ${e.path} no longer exists inside the folders this host may use`);
      }
      return e.path;
    }
    if (this.opts.trustPaths) {
      if (isAbsolute(ref)) return ref;
      throw new FileAccessError(`${label}: "${ref}" must be an absolute path`);
    }
    throw new FileAccessError(`${label}: the UI must choose files with Browse… (a handle); paths are not accepted here`);
  }

  private inside(real: string): boolean {
    return this.roots.some((r) => real === r || real.startsWith(r.endsWith(sep) ? r : r + sep));
  }

  /** The folder behind a handle, if the browser may show it. */
  private async browsable(handle: string): Promise<string> {
    const e = this.byHandle.get(handle);
    if (!e) throw new FileAccessError('unknown folder handle (the host was restarted?): start again from a root');
    if (e.kind !== 'dir') throw new FileAccessError(`${e.path}: is not a folder`);
    const real = await realpath(e.path).catch(() => null);
    if (!real) throw new FileAccessError(`${e.path}: no longer exists`);
    if (!this.inside(real)) throw new FileAccessError(`${e.path}: is outside the folders this host may browse`);
    return real;
  }

  async list(handle: string): Promise<FileListing> {
    const dir = await this.browsable(handle);
    const entries: FileEntry[] = [];
    let truncated = false;
    const names = await readdir(dir, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
      throw new FileAccessError(`${dir}: cannot be listed (${e.code ?? 'error'})`);
    });
    for (const d of names) {
      if (d.name.startsWith('.')) continue;
      if (entries.length >= MAX_LIST) {
        truncated = true;
        break;
      }
      const full = join(dir, d.name);
      let st = null;
      if (d.isSymbolicLink()) {
        // a link is shown only when it ends inside the roots
        const real = await realpath(full).catch(() => null);
        if (!real || !this.inside(real)) continue;
        st = await stat(real).catch(() => null);
      } else if (d.isDirectory() || d.isFile()) st = await lstat(full).catch(() => null);
      if (!st || !(st.isDirectory() || st.isFile())) continue; // devices, sockets, FIFOs, dangling links
      entries.push({ name: d.name, kind: st.isDirectory() ? 'dir' : 'file', size: st.isFile() ? st.size : 0 });
    }
    entries.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1));
    const atRoot = this.roots.includes(dir);
    return { dir: this.mintAs(dir, 'dir', true), parent: atRoot ? null : this.mintAs(dirname(dir), 'dir', true), entries, truncated };
  }

  /** A handle for `name` ("a" or "a/b/c") inside a browsable folder; `save`: a file to write. */
  async child(dirHandle: string, name: string, save: boolean): Promise<FileChoice> {
    const dir = await this.browsable(dirHandle);
    const parts = name.split('/');
    for (const p of parts) {
      if (p === '' || p === '.' || p === '..' || p.includes('\\') || p.includes('\0'))
        throw new FileAccessError(`"${name}": give names inside the folder (no "..", "." or empty parts)`);
    }
    const full = join(dir, ...parts);
    const real = await realpath(full).catch(() => null);
    if (real === null) {
      if (!save) throw new FileAccessError(`${full}: does not exist`);
      // a new file: its folder must exist, inside the roots
      const parent = await realpath(dirname(full)).catch(() => null);
      if (!parent || !this.inside(parent) || !(await stat(parent)).isDirectory()) throw new FileAccessError(`${dirname(full)}: no such folder`);
      return this.mintAs(join(parent, basename(full)), 'save', true);
    }
    if (!this.inside(real)) throw new FileAccessError(`${full}: leads outside the folders this host may browse`);
    const st = await stat(real);
    if (st.isDirectory()) {
      if (save) throw new FileAccessError(`${full}: is a folder, not a file to write`);
      return this.mintAs(real, 'dir', true);
    }
    if (!st.isFile()) throw new FileAccessError(`${full}: is not a regular file (a device, socket or FIFO)`);
    return this.mintAs(real, save ? 'save' : 'file', true);
  }
}

function safeRealpath(p: string): string | null {
  try {
    return realpathSync(p);
  } catch {
    return null;
  }
}

const describe = (k: FileKind | 'any') => (k === 'dir' ? 'a folder' : k === 'file' ? 'a file' : k === 'save' ? 'a file to write' : 'a file or folder');
