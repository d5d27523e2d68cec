import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Db } from '../catalog/db';

/** Another process (or job) holds the lock: the message says who. */
export class AlreadyRunning extends Error {}

const heldHere = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The workspace's folder of locks shared by every process that opens it. */
export const locksDir = (db: Db) => join(dirname(db.name), 'locks');

/** Names of the locks whose owner is alive (another process's work in progress). */
export function liveLocks(db: Db): Set<string> {
  const dir = locksDir(db);
  const out = new Set<string>();
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const n of names) {
    if (!n.endsWith('.lock')) continue;
    try {
      const pid = Number(readFileSync(join(dir, n), 'utf8'));
      if (Number.isInteger(pid) && pid > 0 && (pid === process.pid ? heldHere.has(join(dir, n)) : alive(pid))) out.add(n.slice(0, -'.lock'.length));
    } catch {
      // released meanwhile
    }
  }
  return out;
}

/**
 * An exclusive lock on one piece of long work (e.g. inference on a plate), shared by every process
 * that opens the workspace: a file `<workspace>/locks/<name>.lock` created with O_EXCL holding the
 * owner's pid. A lock whose owner is gone (killed) is stale and taken over, so a crash never
 * blocks the re-run that resumes the work. Returns the release function.
 */
export function acquireLock(db: Db, name: string, what: string): () => void {
  const dir = locksDir(db);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.lock`);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      heldHere.add(file);
      return () => {
        heldHere.delete(file);
        try {
          if (readFileSync(file, 'utf8') === String(process.pid)) unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let pid = NaN;
    try {
      pid = Number(readFileSync(file, 'utf8'));
    } catch {
      continue; // released meanwhile: try again
    }
    const ours = pid === process.pid;
    if (Number.isInteger(pid) && pid > 0 && ((ours && heldHere.has(file)) || (!ours && alive(pid))))
      throw new AlreadyRunning(`${what} is already running (pid ${pid}); wait for it to finish or stop it, then run this again to resume`);
    // stale: its owner died; remove it and race for a fresh one (O_EXCL lets one process win)
    try {
      unlinkSync(file);
    } catch {
      // another process took it over first
    }
  }
  throw new AlreadyRunning(`${what}: could not take the lock ${file}`);
}
