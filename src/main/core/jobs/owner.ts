import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Which process owns a job: each JobManager claims a token, and a job row records it. The owner is
 * alive exactly while its process holds an exclusive SQLite lock on `<dir>/<token>.owner`; the OS
 * drops the lock when the process dies, however it dies, on every platform, so neither pid reuse
 * nor a crash can make a dead owner look alive.
 */
export interface JobOwner {
  token: string;
  /** drop the lock and remove the file (a process that dies without calling it leaves a stale file) */
  release(): void;
}

// A prober holds a new file's lock for microseconds; claiming waits that long, never for a live owner.
const CLAIM_WAIT_MS = 5000;
const SUFFIX = '.owner';
const ownerFile = (dir: string, token: string) => join(dir, token + SUFFIX);
const isBusy = (e: unknown) => String((e as { code?: unknown }).code).startsWith('SQLITE_BUSY');
// Claimed connections stay referenced until released: one collected as garbage would close and
// drop its lock while the process lives.
const held = new Set<Database.Database>();

/** The pid in a token, for messages only: whether it lives is the lock's business. */
export const ownerPid = (token: string) => Number(token.split('-')[0]);

export function claimOwner(dir: string): JobOwner {
  mkdirSync(dir, { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    const token = `${process.pid}-${randomBytes(8).toString('hex')}`;
    const file = ownerFile(dir, token);
    const db = new Database(file, { timeout: CLAIM_WAIT_MS });
    lockExclusive(db);
    // a sweep may have found the new file before it was locked and removed it: take another token
    if (!existsSync(file)) {
      db.close();
      continue;
    }
    held.add(db);
    return {
      token,
      release: () => {
        held.delete(db);
        db.close();
        removeFile(file);
      },
    };
  }
  throw new Error(`could not claim a job owner file in ${dir}`);
}

/** Whether the process that claimed this token still lives. A dead owner's file is removed. */
export function ownerAlive(dir: string, token: string): boolean {
  const file = ownerFile(dir, token);
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: true, timeout: 0 });
  } catch (e) {
    if (!existsSync(file)) return false; // released, or swept after its owner died
    throw e;
  }
  try {
    lockExclusive(db); // busy: the owner holds it (or, for microseconds, another process probing it)
  } catch (e) {
    db.close();
    if (isBusy(e)) return true;
    throw e;
  }
  // The lock is ours, so its owner is dead. Removing the file while holding the lock means a
  // claimer that created it meanwhile finds it gone once it gets the lock (POSIX); Windows refuses
  // to remove an open file, and after close it still refuses while a claimer holds it open.
  removeFile(file);
  db.close();
  removeFile(file);
  return false;
}

/** The tokens of the live owners in this folder; the files of dead ones are removed on the way. */
export function liveOwners(dir: string): Set<string> {
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return new Set();
  }
  const tokens = names.filter((n) => n.endsWith(SUFFIX)).map((n) => n.slice(0, -SUFFIX.length));
  return new Set(tokens.filter((t) => ownerAlive(dir, t)));
}

/** The file's exclusive lock, with no journal file beside it (nothing is ever written). */
function lockExclusive(db: Database.Database): void {
  db.pragma('journal_mode = MEMORY');
  db.exec('BEGIN EXCLUSIVE');
}

function removeFile(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // gone already, or (Windows) still open by a claimer
  }
}
