import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS, LATEST_VERSION } from './migrations';

export type Db = Database.Database;

export class CatalogVersionError extends Error {}

/**
 * Open (creating if needed) a catalog file: WAL, foreign keys, migrations applied in one
 * transaction each. A catalog from a newer Stainless is refused, never rewritten.
 */
export function openCatalog(file: string, opts: { readonly?: boolean } = {}): Db {
  if (!opts.readonly) mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  try {
    db.pragma('busy_timeout = 5000');
    // Version first: switching to WAL rewrites the header, and a newer catalog must stay byte-for-byte as it was.
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > LATEST_VERSION) {
      throw new CatalogVersionError(
        `${file}: catalog schema version ${current} was written by a newer Stainless (this one knows up to ${LATEST_VERSION}); ` +
          'open it with that version or newer. The file was not changed.',
      );
    }
    if (!opts.readonly) db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    if (!opts.readonly) migrate(db, current);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
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
