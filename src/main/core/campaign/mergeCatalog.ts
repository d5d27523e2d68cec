import Database from 'better-sqlite3';
import { existsSync, realpathSync } from 'node:fs';
import type { Db } from '../catalog/db';
import { LATEST_VERSION } from '../catalog/migrations';
import type { CatalogMergeSummary } from '../../../shared/contract/campaign';

type Row = Record<string, unknown>;

/** Local history of one workstation, not results: never folded. */
const SKIP = new Set(['jobs']);
/**
 * Shared dictionaries: a row already here with the same natural key is reused, not copied
 * (compounds by Broad sample id, models by file hash). Only the rows the plates use come along.
 */
const DICTIONARIES: Record<string, string> = { compounds: 'broad_sample', models: 'sha256' };
/** Id lists stored inside blobs (Int32, native order): table.column → the table the ids name. */
const ID_BLOBS: Record<string, string> = { 'feature_sets.well_ids': 'wells' };
/** Columns that name files: checked for existence on this machine (reported, not refused). */
const FILE_COLUMN = /(^|_)(path|dir)$/;

interface TableInfo {
  name: string;
  columns: string[];
  /** an INTEGER PRIMARY KEY named id: rows get new ids here */
  rowId: boolean;
  fks: Array<{ column: string; table: string }>;
}

function tableInfo(db: Db | Database.Database, name: string): TableInfo {
  const cols = db.pragma(`table_info(${JSON.stringify(name)})`) as Array<{ name: string; type: string; pk: number }>;
  const fks = (db.pragma(`foreign_key_list(${JSON.stringify(name)})`) as Array<{ table: string; from: string; to: string }>).map((f) => ({ column: f.from, table: f.table }));
  return { name, columns: cols.map((c) => c.name), rowId: cols.some((c) => c.name === 'id' && c.pk === 1 && /^INTEGER$/i.test(c.type)), fks };
}

const tables = (db: Db | Database.Database) => (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).all() as Array<{ name: string }>).map((r) => r.name);

/** Parents before children, by the foreign keys of this catalog's schema. */
function order(infos: Map<string, TableInfo>): TableInfo[] {
  const out: TableInfo[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (t: TableInfo) => {
    if (state.get(t.name) === 'done') return;
    if (state.get(t.name) === 'visiting') throw new Error(`catalog schema: a foreign-key cycle through ${t.name}`);
    state.set(t.name, 'visiting');
    for (const f of t.fks) if (f.table !== t.name && infos.has(f.table)) visit(infos.get(f.table)!);
    state.set(t.name, 'done');
    out.push(t);
  };
  for (const t of infos.values()) visit(t);
  return out;
}

function openOther(file: string): Database.Database {
  if (!existsSync(file)) throw new Error(`${file}: no such file`);
  let other: Database.Database;
  try {
    other = new Database(file, { readonly: true, fileMustExist: true });
    other.pragma('busy_timeout = 5000');
    const v = other.pragma('user_version', { simple: true }) as number;
    if (v > LATEST_VERSION) throw new Error(`catalog schema version ${v} was written by a newer Stainless (this one knows up to ${LATEST_VERSION})`);
    if (!tables(other).includes('plates')) throw new Error('it has no plates table');
  } catch (e) {
    throw new Error(`${file}: not a catalog this Stainless can merge (${(e as Error).message})`);
  }
  return other;
}

/**
 * Folds every plate of another workstation's catalog into this one, in one transaction: wells,
 * sites, images (paths as they are: acquired images stay where they were), runs, segmentations,
 * feature sets and profiles, metrics, campaigns — every table that hangs off a plate by foreign
 * keys, with ids renumbered. Compounds and models are matched by their natural key (a model with
 * the same name and version but another sha256 is a named conflict). A plate whose barcode is
 * already here refuses the whole merge, so a second run of the same merge is refused too.
 * Works on older catalogs (columns this schema added get their defaults); the other file is
 * opened read-only and never changed.
 */
export function mergeCatalog(db: Db, file: string): CatalogMergeSummary {
  if (realpathSync(db.name) === (existsSync(file) ? realpathSync(file) : file)) throw new Error(`${file}: is this workspace's own catalog`);
  const other = openOther(file);
  try {
    // one read snapshot of the other catalog: its app may be writing while we read
    other.exec('BEGIN');
    const theirs = new Set(tables(other));
    const infos = new Map(
      tables(db)
        .filter((t) => theirs.has(t) && !SKIP.has(t))
        .map((t) => [t, tableInfo(db, t)] as const),
    );
    const plates = other.prepare(`SELECT id, barcode, source_dir, imported_at FROM plates ORDER BY id`).all() as Array<{ id: number; barcode: string; source_dir: string | null; imported_at: string }>;
    if (!plates.length) throw new Error(`${file}: has no plates to merge`);
    const here = db.prepare(`SELECT barcode, source_dir, imported_at FROM plates WHERE barcode = ?`);
    const clash = plates.map((p) => ({ p, h: here.get(p.barcode) as { source_dir: string | null; imported_at: string } | undefined })).filter((x) => x.h);
    if (clash.length) {
      const same = clash.every(({ p, h }) => h!.imported_at === p.imported_at && h!.source_dir === p.source_dir);
      const names = clash.map(({ p }) => p.barcode).join(', ');
      throw new Error(
        same && clash.length === plates.length
          ? `${file}: already merged: its plate${plates.length > 1 ? 's' : ''} ${names} (same import) ${plates.length > 1 ? 'are' : 'is'} in this catalog; nothing was changed`
          : `${file}: plate ${names} is in both catalogs (same barcode): merging would mix two plates' results; nothing was changed (delete or re-import one under another barcode first)`,
      );
    }

    const maps = new Map<string, Map<number, number>>();
    const mapOf = (t: string) => maps.get(t) ?? maps.set(t, new Map()).get(t)!;
    const rows: Record<string, number> = {};
    let modelsReused = 0;
    let compoundsReused = 0;
    const missing: string[] = [];
    let missingCount = 0;
    const checkFile = (p: unknown) => {
      if (typeof p !== 'string' || !p || existsSync(p)) return;
      if (missingCount++ < 5) missing.push(p);
    };

    const insertStmt = new Map<string, Database.Statement>();
    const insert = (t: TableInfo, cols: string[], values: unknown[]): number | null => {
      const key = `${t.name}\0${cols.join(',')}`;
      let st = insertStmt.get(key);
      if (!st) insertStmt.set(key, (st = db.prepare(`INSERT INTO "${t.name}" (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})${t.rowId ? ' RETURNING id' : ''}`)));
      rows[t.name] = (rows[t.name] ?? 0) + 1;
      for (const [i, c] of cols.entries()) if (FILE_COLUMN.test(c)) checkFile(values[i]);
      return t.rowId ? (st.get(...values) as { id: number }).id : (st.run(...values), null);
    };
    const theirColumns = new Map<string, Set<string>>();
    const shared = (t: TableInfo) => {
      let s = theirColumns.get(t.name);
      if (!s) theirColumns.set(t.name, (s = new Set(tableInfo(other, t.name).columns)));
      return t.columns.filter((c) => s.has(c) && !(t.rowId && c === 'id'));
    };

    /** A dictionary row of theirs → its id here (matched by key, else copied). */
    const dictionary = (table: string, oldId: number): number => {
      const m = mapOf(table);
      const known = m.get(oldId);
      if (known !== undefined) return known;
      const t = infos.get(table)!;
      const key = DICTIONARIES[table];
      const row = other.prepare(`SELECT * FROM "${table}" WHERE id = ?`).get(oldId) as Row | undefined;
      if (!row) throw new Error(`${file}: ${table} row ${oldId} is referenced but missing (a damaged catalog)`);
      const mine = db.prepare(`SELECT * FROM "${table}" WHERE "${key}" = ?`).get(row[key]) as Row | undefined;
      let id: number;
      if (mine) {
        id = mine.id as number;
        if (table === 'models') modelsReused++;
        else compoundsReused++;
      } else {
        if (table === 'models') {
          const same = db.prepare(`SELECT sha256 FROM models WHERE name = ? AND version = ?`).get(row.name, row.version) as { sha256: string } | undefined;
          if (same)
            throw new Error(`${file}: model ${String(row.name)} ${String(row.version)} has sha256 ${String(row.sha256).slice(0, 12)}… there and ${same.sha256.slice(0, 12)}… here: two different models under one name; nothing was changed`);
        }
        const cols = shared(t);
        id = insert(t, cols, cols.map((c) => row[c]))!;
      }
      m.set(oldId, id);
      return id;
    };

    db.transaction(() => {
      for (const t of order(infos)) {
        if (DICTIONARIES[t.name]) continue; // copied on first reference
        const cols = shared(t);
        const parents = t.fks.filter((f) => infos.has(f.table) && !DICTIONARIES[f.table]);
        // only plates and what hangs off them: a table with no way to a plate is not results
        if (t.name !== 'plates' && !parents.length) continue;
        for (const row of other.prepare(`SELECT * FROM "${t.name}" ORDER BY rowid`).iterate() as Iterable<Row>) {
          let inScope = t.name === 'plates';
          let orphan = false;
          const values = cols.map((c) => {
            const v = row[c];
            const fk = t.fks.find((f) => f.column === c);
            if (fk && v !== null && v !== undefined && infos.has(fk.table)) {
              if (DICTIONARIES[fk.table]) return dictionary(fk.table, v as number);
              const n = maps.get(fk.table)?.get(v as number);
              if (n === undefined) orphan = true;
              else inScope = true;
              return n ?? null;
            }
            // a link to a table not folded (job history): it would name another catalog's row
            if (fk && !infos.has(fk.table)) return null;
            const blobOf = ID_BLOBS[`${t.name}.${c}`];
            if (blobOf && Buffer.isBuffer(v)) {
              const ids = new Int32Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
              const m = mapOf(blobOf);
              const out = Int32Array.from(ids, (id) => {
                const n = m.get(id);
                if (n === undefined) throw new Error(`${file}: ${t.name}.${c} names ${blobOf} ${id}, which is not in the catalog (a damaged catalog)`);
                return n;
              });
              return Buffer.from(out.buffer);
            }
            return v;
          });
          if (!inScope || orphan) continue;
          const id = insert(t, cols, values);
          if (t.rowId && id !== null) mapOf(t.name).set(row.id as number, id);
        }
      }
    })();
    return { from: file, plates: plates.map((p) => p.barcode), rows, modelsReused, compoundsReused, missingFiles: { count: missingCount, examples: missing } };
  } finally {
    if (other.inTransaction) other.exec('COMMIT');
    other.close();
  }
}
