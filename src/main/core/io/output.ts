import { existsSync, statSync } from 'node:fs';
import { rm, writeFile, rename, mkdir, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

/** A write that did not complete: the message is one line naming the file and the cause. */
export class WriteFailed extends Error {
  constructor(
    public file: string,
    public reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

const CAUSES: Record<string, string> = {
  ENOSPC: 'disk full',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large for the file system',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'is a folder, not a file',
  EIO: 'input/output error',
};

/** The file-system error `e` met while writing `file`, as a WriteFailed; other errors unchanged. */
export function writeError(file: string, e: unknown): Error {
  if (e instanceof WriteFailed) return e;
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code && CAUSES[code]) return new WriteFailed(file, `cannot write (${CAUSES[code]})`);
  return e instanceof Error ? e : new Error(String(e));
}

/**
 * Write every byte: one write(2) may take only part of a buffer (a file system running full), and
 * a write that takes none is a full disk, never a silent truncation.
 */
export async function writeAll(fh: FileHandle, data: string | Uint8Array, file: string): Promise<void> {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let off = 0;
  while (off < buf.length) {
    const { bytesWritten } = await fh.write(buf, off, buf.length - off);
    if (bytesWritten <= 0) throw new WriteFailed(file, `cannot write (disk full: ${off} of ${buf.length} bytes written)`);
    off += bytesWritten;
  }
}

/**
 * Refuse an output path before any work: an existing folder, an existing file unless `overwrite`,
 * or a parent that is a file. The messages name the path and what to do.
 */
export function checkOutputFile(out: string, overwrite: boolean): void {
  if (existsSync(out)) {
    if (statSync(out).isDirectory()) throw new WriteFailed(out, 'is a folder; give the name of the file to write');
    if (!overwrite) throw new WriteFailed(out, 'already exists; choose another name, or allow replacing it (--force)');
  }
  let dir = dirname(out);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new WriteFailed(out, `${dir} is a file, not a folder`);
}

/** Whole-file write through `<path>.partial-PID` and a rename; on failure the partial file is removed. */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.partial-${process.pid}`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => {});
    throw writeError(path, e);
  }
}
