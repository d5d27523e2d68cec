import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS, LATEST_VERSION } from './migrations';

export type Db = Database.Database;

export class CatalogVersionError extends Error {}

/** How long a statement waits for another process's lock before "database is locked". */
const BUSY_TIMEOUT_MS = 5000;

/**
 * Open (creating if needed) a catalog file: WAL, foreign keys, migrations applied in one
 * transaction each. A catalog from a newer Stainless is refused, never rewritten.
 */
export function openCatalog(file: string, opts: { readonly?: boolean } = {}): Db {
  if (!opts.readonly) mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // Version first: switching to WAL rewrites the header, and a newer catalog must stay byte-for-byte as it was.
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > LATEST_VERSION) {
      throw new CatalogVersionError(
        `${file}: catalog schema version ${current} was written by a newer Stainless (this one knows up to ${LATEST_VERSION}); ` +
          'open it with that version or newer. The file was not changed.',
      );
    }
    if (!opts.readonly) switchToWal(db);
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    if (!opts.readonly) migrate(db, current);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

const isBusy = (e: unknown) => String((e as { code?: unknown }).code).startsWith('SQLITE_BUSY');

/**
 * journal_mode = WAL, retried while another process holds the lock. On a catalog still in
 * rollback mode (a new workspace) the switch reads the header and then upgrades to a write lock;
 * SQLite never calls the busy handler for that upgrade (it could deadlock), so a second process
 * switching at the same instant gets SQLITE_BUSY at once, whatever busy_timeout says. The first
 * switch takes milliseconds; once it is done the retry finds WAL and writes nothing.
 */
function switchToWal(db: Db): void {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (e) {
      if (!isBusy(e) || Date.now() >= deadline) throw e;
    }
    sleepSync(Math.min(2 ** attempt, 50));
  }
}

/** openCatalog is synchronous (workers and the CLI call it before anything else). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function migrate(db: Db, from: number): void {
  for (const m of MIGRATIONS) {
    if (m.version <= from) continue;
    // The version is read again under the write lock: another process opening the same new
    // workspace may have applied this migration between our first read and the lock.
    db.transaction(() => {
      if ((db.pragma('user_version', { simple: true }) as number) >= m.version) return;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}
