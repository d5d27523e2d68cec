import Database from 'better-sqlite3';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Db } from '../catalog/db';
import { openParquet } from '../io/parquetRead';
import { writeError } from '../io/output';
import type { FeatureSetRow } from '../features/store';
import { cellSpecs, decodedGroups } from './cellGroups';
import { compartmentOf, COMPARTMENTS, indexSites, kept, present, siteFiles, siteKey, tableNumber, type Compartment } from './fieldKeys';
import type { ColumnSpec } from './table';

/** SQLite's default SQLITE_MAX_COLUMN, which Python's sqlite3 and pandas are built with. */
export const SQLITE_MAX_COLUMNS = 2000;

type SqlType = 'INTEGER' | 'REAL' | 'TEXT';
/** An output column: a stored per-cell column, or a value made from the row (keys, parents, files, counts). */
type From = { store: string } | { key: 'table' | 'image' | 'object' | 'nucleus' } | { file: string } | { count: Compartment } | { value: string };

interface PlannedColumn {
  name: string;
  type: SqlType;
  from: From;
}

export interface PlannedTable {
  name: 'Image' | Compartment;
  columns: PlannedColumn[];
  primaryKey: string[];
}

const sqlType = (c: ColumnSpec): SqlType => (c.kind === 'string' ? 'TEXT' : c.kind === 'int' ? 'INTEGER' : 'REAL');

/**
 * The tables of CellProfiler's ExportToDatabase "one table per object type" as cytominer-database
 * stores them and pycytominer's SingleCells reads them (its defaults: image table `image`,
 * compartments `cells`/`cytoplasm`/`nuclei` merged on TableNumber + ImageNumber, linked by
 * `Cytoplasm_Parent_Cells`/`Cytoplasm_Parent_Nuclei` = ObjectNumber):
 * - Image: TableNumber, ImageNumber and the image measurements under the names CellProfiler's
 *   Image.csv gives them, which SingleCells' defaults read (strata `Metadata_Plate`/`Metadata_Well`,
 *   `Metadata_Site`, `Count_Cells`; image feature categories such as `Granularity` it prefixes with
 *   `Image_` itself): `Metadata_*` (plate, well, site, annotations), `FileName_*`/`PathName_*`,
 *   `Count_<Object>` and the site's features (Stainless' `Image_Granularity_1_DNA` → `Granularity_1_DNA`);
 * - Cells, Cytoplasm, Nuclei: TableNumber, ImageNumber, ObjectNumber, the compartment's prefixed
 *   features as stored (with `<Object>_Number_Object_Number`, CellProfiler's key in this layout),
 *   the parent columns. Cells touching the border are left out, as CellProfiler discards them.
 * A model's run adds its domain verdict to the Image table as `Metadata_DomainVerdict`, as the
 * Stainless layout carries it on every row (`domain`; null for acquired images).
 * One table per object is CellProfiler's own answer to the 2,000-column limit; a table that
 * would still exceed it is refused before anything is written, as CellProfiler stops with
 * "maximum columns reached".
 */
export function planTables(stored: ColumnSpec[], fileColumns: string[], limit = SQLITE_MAX_COLUMNS, domain: string | null = null): PlannedTable[] {
  const key = (name: string, k: 'table' | 'image' | 'object'): PlannedColumn => ({ name, type: 'INTEGER', from: { key: k } });
  const image: PlannedTable = {
    name: 'Image',
    primaryKey: ['TableNumber', 'ImageNumber'],
    columns: [
      key('TableNumber', 'table'),
      key('ImageNumber', 'image'),
      ...stored
        .filter((c) => c.name.startsWith('Metadata_') && c.name !== 'Metadata_ObjectNumber' && c.name !== 'Metadata_TouchesBorder')
        .map((c) => ({ name: c.name, type: sqlType(c), from: { store: c.name } })),
      ...(domain !== null && !stored.some((c) => c.name === 'Metadata_DomainVerdict') ? [{ name: 'Metadata_DomainVerdict', type: 'TEXT' as const, from: { value: domain } }] : []),
      ...fileColumns.map((f): PlannedColumn => ({ name: f, type: 'TEXT', from: { file: f } })),
      ...COMPARTMENTS.map((c): PlannedColumn => ({ name: `Count_${c}`, type: 'INTEGER', from: { count: c } })),
      ...stored.filter((c) => c.name.startsWith('Image_')).map((c) => ({ name: c.name.slice('Image_'.length), type: sqlType(c), from: { store: c.name } })),
    ],
  };
  const tables = [image];
  for (const comp of COMPARTMENTS) {
    const features = stored.filter((c) => compartmentOf(c.name) === comp);
    if (!features.length) continue;
    const parents: PlannedColumn[] =
      comp === 'Cytoplasm'
        ? [
            { name: 'Cytoplasm_Parent_Cells', type: 'INTEGER', from: { key: 'object' } },
            { name: 'Cytoplasm_Parent_Nuclei', type: 'INTEGER', from: { key: 'nucleus' } },
          ]
        : comp === 'Cells'
          ? [{ name: 'Cells_Parent_Nuclei', type: 'INTEGER', from: { key: 'nucleus' } }]
          : [];
    tables.push({
      name: comp,
      primaryKey: ['TableNumber', 'ImageNumber', 'ObjectNumber'],
      columns: [
        key('TableNumber', 'table'),
        key('ImageNumber', 'image'),
        key('ObjectNumber', 'object'),
        ...features.map((c) => ({ name: c.name, type: sqlType(c), from: { store: c.name } })),
        ...parents,
      ],
    });
  }
  for (const t of tables)
    if (t.columns.length > limit)
      throw new Error(`the ${t.name} table would have ${t.columns.length} columns, over SQLite's limit of ${limit}; export fewer channels or use --format parquet`);
  return tables;
}

export interface SqliteSummary {
  rows: number;
  /** cells touching the border, left out */
  leftOut: number;
  columns: number;
  tables: Array<{ name: string; rows: number; columns: number }>;
}

/** Rows per transaction: a commit per few thousand rows keeps the journal small and the writes fast. */
const ROWS_PER_TRANSACTION = 4096;

/**
 * `export --format sqlite`: the plate's per-cell store as CellProfiler SQLite (tables above),
 * streamed one row group at a time into `<out>.partial` with better-sqlite3 in batched
 * transactions, renamed into place at the end. Missing measurements (NaN) are NULL, as
 * ExportToDatabase writes them.
 */
export async function exportCellProfilerSqlite(db: Db, set: FeatureSetRow & { barcode: string }, out: string, domain: string | null = null): Promise<SqliteSummary> {
  const pf = await openParquet(set.cellsPath!);
  const stored = cellSpecs(pf);
  const sites = await indexSites(pf);
  const files = siteFiles(db, set.plateId, set);
  const tables = planTables(stored, files.names, SQLITE_MAX_COLUMNS, domain);
  const tn = tableNumber(set.barcode, set);
  const tmp = `${out}.partial`;
  let sq: Database.Database;
  try {
    mkdirSync(dirname(out), { recursive: true });
    rmSync(tmp, { force: true });
    sq = new Database(tmp);
    // a new file renamed into place when complete: no journal needed
    sq.pragma('journal_mode = OFF');
    sq.pragma('synchronous = OFF');
    for (const t of tables)
      sq.exec(`CREATE TABLE "${t.name}" (${t.columns.map((c) => `"${c.name}" ${c.type}`).join(', ')}, PRIMARY KEY (${t.primaryKey.map((k) => `"${k}"`).join(', ')}))`);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw writeError(out, e);
  }
  const counts = new Map(tables.map((t) => [t.name, 0]));
  try {
    const inserts = tables.map((t) => sq.prepare(`INSERT INTO "${t.name}" VALUES (${t.columns.map(() => '?').join(',')})`));
    const written = new Set<string>();
    for await (const group of decodedGroups(pf)) {
      const g = group.columns;
      const well = g.get('Metadata_Well')!;
      const siteCol = g.get('Metadata_Site')!;
      const nucleus = g.get('Nuclei_Number_Object_Number');
      const border = g.get('Metadata_TouchesBorder');
      const value = (c: PlannedColumn, i: number): number | string | null => {
        const f = c.from;
        if ('store' in f) {
          const v = g.get(f.store)![i];
          if (typeof v === 'number') return Number.isFinite(v) ? v : null;
          return typeof v === 'bigint' ? Number(v) : ((v as string | null | undefined) ?? null);
        }
        if ('value' in f) return f.value;
        const k = siteKey(well[i], siteCol[i]);
        if ('file' in f) return files.bySite.get(k)?.[f.file] ?? null;
        if ('count' in f) return sites.get(k)!.counts[f.count];
        if (f.key === 'table') return tn;
        if (f.key === 'image') return sites.get(k)!.imageNumber;
        if (f.key === 'object') return Number(g.get('Metadata_ObjectNumber')![i]);
        return present(nucleus, i) ? Number(nucleus![i]) : 0;
      };
      const rowsOf = tables.map((t) => new Array<number | string | null>(t.columns.length));
      for (let r0 = 0; r0 < group.rows; r0 += ROWS_PER_TRANSACTION) {
        sq.transaction(() => {
          for (let i = r0; i < Math.min(group.rows, r0 + ROWS_PER_TRANSACTION); i++) {
            tables.forEach((t, ti) => {
              if (t.name === 'Image') {
                // the site's row, from its first cell (border or not: the image features are the site's)
                const k = siteKey(well[i], siteCol[i]);
                if (written.has(k)) return;
                written.add(k);
              } else if (!kept(border, i) || (t.name !== 'Cells' && !present(g.get(`${t.name}_Number_Object_Number`), i))) return;
              const row = rowsOf[ti];
              for (let j = 0; j < t.columns.length; j++) row[j] = value(t.columns[j], i);
              inserts[ti].run(row);
              counts.set(t.name, counts.get(t.name)! + 1);
            });
          }
        })();
      }
      group.columns.clear();
    }
    sq.close();
    renameSync(tmp, out);
  } catch (e) {
    if (sq.open) sq.close();
    rmSync(tmp, { force: true });
    throw writeError(out, e);
  }
  const summary = tables.map((t) => ({ name: t.name, rows: counts.get(t.name)!, columns: t.columns.length }));
  return { rows: counts.get('Cells') ?? 0, leftOut: pf.rows - (counts.get('Cells') ?? 0), columns: summary.reduce((s, t) => s + t.columns, 0), tables: summary };
}
