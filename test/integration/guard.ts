// What a failed command must leave as it was: the catalog's rows and integrity, and every
// acquired file's bytes.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface CatalogState {
  integrity: string;
  rows: Record<string, number>;
}

/** Row count of every table plus PRAGMA integrity_check, read through a read-only connection. */
export function catalogState(ws: string): CatalogState {
  const file = join(ws, 'catalog.sqlite');
  if (!existsSync(file)) return { integrity: 'no catalog', rows: {} };
  const db = new Database(file, { readonly: true });
  try {
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).pluck().all() as string[];
    const rows: Record<string, number> = {};
    for (const t of tables) rows[t] = db.prepare(`SELECT count(*) FROM "${t}"`).pluck().get() as number;
    return { integrity: db.pragma('integrity_check', { simple: true }) as string, rows };
  } finally {
    db.close();
  }
}

/** sha256 of every file under dir (relative path → hash). */
export function treeHashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = rel ? join(rel, name) : name;
      const st = statSync(join(dir, r));
      if (st.isDirectory()) walk(r);
      else out[r] = createHash('sha256').update(readFileSync(join(dir, r))).digest('hex');
    }
  };
  walk('');
  return out;
}
