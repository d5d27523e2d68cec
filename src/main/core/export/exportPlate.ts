import { platePixelSize } from '../catalog/queries';
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Db } from '../catalog/db';
import { resolveSource, type Source } from '../features/plateSites';
import { allFeatureColumns, findFeatureSet, setWellIds, type FeatureSetRow } from '../features/store';
import { checkOutputFile, writeError } from '../io/output';
import { openParquet } from '../io/parquetRead';
import { cellSpecs, columnBatches, decodedGroups, sliceOf, toValues } from './cellGroups';
import { exportCellProfilerSqlite } from './cellprofilerSqlite';
import { csvSink } from './csv';
import { exportCytotable } from './cytotable';
import { WELL_METADATA, wellMetadata } from './metadata';
import { parquetSink } from './parquet';
import type { ColumnSpec, ColumnValues, TableSink } from './table';

export interface ExportParams {
  plate: string | number;
  level: 'well' | 'cell';
  format: 'csv' | 'parquet' | 'sqlite';
  /** per-cell Parquet columns: Stainless' own (default) or CytoTable's joined layout */
  layout?: 'stainless' | 'cytotable';
  source: Source;
  runId?: number | null;
  /** segmentation method of the feature set; default: model for synthetic when present, else classical */
  method?: 'model' | 'classical';
  normalize: 'none' | 'robustz';
  /**
   * feature columns as stored ('single', the default: per-cell float32 with positions float64;
   * per-well profiles are float64) or all float64 ('double': per-cell values are the stored ones, widened)
   */
  precision?: 'single' | 'double';
  out: string;
  /** replace an existing file at `out` (else the export is refused before any work) */
  overwrite?: boolean;
}

export interface ExportSummary {
  out: string;
  rows: number;
  columns: number;
  level: 'well' | 'cell';
  format: 'csv' | 'parquet' | 'sqlite';
  layout: 'stainless' | 'cytotable' | 'cellprofiler';
  setId: number;
  /** the tables of a CellProfiler SQLite export */
  tables?: Array<{ name: string; rows: number; columns: number }>;
  /** cells a field layout leaves out (touching the border; for CytoTable's join also those without a cytoplasm or nucleus) */
  leftOut?: number;
}

/** The feature set an export reads, with a message saying what to run when there is none. */
export function chooseFeatureSet(db: Db, p: Pick<ExportParams, 'plate' | 'source' | 'runId' | 'method'>): FeatureSetRow & { barcode: string } {
  const ref = resolveSource(db, p.plate, p.source, p.runId);
  const methods = p.method ? [p.method] : ref.source === 'synthetic' ? ['model', 'classical'] : ['classical', 'model'];
  for (const m of methods) {
    const s = findFeatureSet(db, ref.plateId, ref.source, ref.runId, m);
    if (s && s.status === 'done') return { ...s, barcode: ref.barcode };
  }
  throw new Error(
    `plate ${ref.barcode} has no finished ${p.source} features${ref.runId ? ` for run ${ref.runId}` : ''}${p.method ? ` (method ${p.method})` : ''}; ` +
      `run \`stainless segment --plate ${ref.barcode} --source ${p.source}\` first`,
  );
}

/** The run's domain-check verdict ("in range" | "shifted" | "out of range"); '' for acquired images or runs from before the check. */
function runDomainVerdict(db: Db, runId: number | null): string {
  if (runId === null) return '';
  const r = db.prepare(`SELECT domain FROM runs WHERE id = ?`).get(runId) as { domain: string | null } | undefined;
  return r?.domain ? ((JSON.parse(r.domain) as { verdict?: string }).verdict ?? '') : '';
}

/**
 * zstd level of exported Parquet: level 1 compresses per-cell float64 pages 1.8× faster than the
 * stored files' level 3 for 1 % more bytes (165 vs 91 MiB/s, ratio 2.27 vs 2.30 on demo cells), and
 * a 1M-cell export is ~39 GB of values to compress.
 */
const EXPORT_ZSTD = { zstdLevel: 1 };

const sinkFor = (format: 'csv' | 'parquet' | 'sqlite', out: string, cols: ColumnSpec[], meta: Record<string, string>): Promise<TableSink> =>
  format === 'csv' ? csvSink(out, cols) : parquetSink(out, cols, meta, EXPORT_ZSTD);

/**
 * Writes a plate's feature table: per well (profiles from the catalog, raw or robust z against
 * the DMSO wells) or per cell (streamed from the set's Parquet file, one row group at a time).
 */
export async function exportPlate(db: Db, p: ExportParams): Promise<ExportSummary> {
  checkOutputFile(p.out, !!p.overwrite);
  if (!/\.(csv|parquet|sqlite)$/i.test(p.out)) throw new Error(`${p.out}: the output file should end in .csv, .parquet or .sqlite`);
  const layout = p.layout ?? 'stainless';
  if ((p.format === 'sqlite' || layout === 'cytotable') && p.level !== 'cell')
    throw new Error(`${p.format === 'sqlite' ? 'CellProfiler SQLite' : 'the CytoTable layout'} holds single cells; use --level cell`);
  if (layout === 'cytotable' && p.format !== 'parquet') throw new Error('the CytoTable layout is Parquet; use --format parquet');
  const set = chooseFeatureSet(db, p);
  const domain = runDomainVerdict(db, set.runId);
  const meta = { 'stainless.plate': set.barcode, 'stainless.source': set.source, 'stainless.model': set.modelName ?? '', 'stainless.normalize': p.normalize, 'stainless.domain': domain, 'stainless.pixel_size_um': String(platePixelSize(db, set.plateId) ?? '') };
  if (p.level === 'well') return exportWells(db, set, p, meta);
  if (p.normalize !== 'none') throw new Error('robust z normalisation is computed per well (against the DMSO wells); use --level well or --normalize none');
  if (!set.cellsPath) throw new Error(`feature set ${set.id} has no per-cell file`);
  const base = { out: p.out, level: 'cell' as const, format: p.format, setId: set.id };
  if (p.format === 'sqlite') {
    const r = await exportCellProfilerSqlite(db, set, p.out, set.runId === null ? null : domain);
    return { ...base, layout: 'cellprofiler', rows: r.rows, columns: r.columns, tables: r.tables, leftOut: r.leftOut };
  }
  if (layout === 'cytotable') {
    const r = await exportCytotable(db, set, p.out, p.precision, set.runId === null ? null : domain);
    return { ...base, layout: 'cytotable', rows: r.rows, columns: r.columns, leftOut: r.leftOut };
  }
  return exportCells(set, p, set.runId === null ? null : domain);
}

async function exportWells(db: Db, set: FeatureSetRow & { barcode: string }, p: ExportParams, meta: Record<string, string>): Promise<ExportSummary> {
  const wells = wellMetadata(db, set.plateId);
  const ids = setWellIds(db, set.id);
  const pos = new Map(Array.from(ids, (id, i) => [id, i]));
  const { names, columns } = allFeatureColumns(db, set.id, p.normalize);
  const count = columns[names.indexOf('Count_Cells')];
  // one row per imaged well (wells without sites have no Count)
  const rows = wells.filter((w) => pos.has(w.wellId) && Number.isFinite(count[pos.get(w.wellId)!]));
  const specs: ColumnSpec[] = [
    ...WELL_METADATA.map((name) => ({ name, kind: name === 'Metadata_mmoles_per_liter' ? ('double' as const) : ('string' as const) })),
    { name: 'Metadata_Source', kind: 'string' },
    { name: 'Metadata_Model', kind: 'string' },
    { name: 'Metadata_DomainVerdict', kind: 'string' },
    ...names.map((name) => ({ name, kind: 'double' as const })),
  ];
  const sink = await sinkFor(p.format, p.out, specs, meta);
  try {
    const cols: ColumnValues[] = [
      ...WELL_METADATA.map((k) => rows.map((w) => w.values[k])),
      rows.map(() => set.source),
      rows.map(() => set.modelName),
      rows.map(() => meta['stainless.domain']),
      ...columns.map((c) => Float64Array.from(rows, (w) => c[pos.get(w.wellId)!])),
    ];
    await sink.write(cols);
    await sink.finish();
  } catch (e) {
    await sink.abort();
    throw e;
  }
  return { out: p.out, rows: rows.length, columns: specs.length, level: 'well', format: p.format, layout: 'stainless', setId: set.id };
}

/**
 * Rows per CSV write: one row group as text would be hundreds of MB, and each write's strings are
 * garbage the heap keeps until collected (64 rows: 547 MiB after 100 s of a 4,848-column export,
 * 512 rows: 744 MiB).
 */
const CSV_ROWS = 64;

/**
 * Per-cell rows streamed from the set's Parquet file one row group at a time: CSV holds one decoded
 * group, a Parquet rewrite one batch of its columns (the output keeps the stored row groups).
 * Parquet in the stored layout is a copy of the file; 'double' rewrites float32 columns as float64.
 * Cells of a model's run also get the run's domain verdict as Metadata_DomainVerdict (so that
 * export is always a rewrite: the verdict is the run's, not the measurement's).
 */
async function exportCells(set: FeatureSetRow, p: ExportParams, domain: string | null): Promise<ExportSummary> {
  const pf = await openParquet(set.cellsPath!);
  const stored = cellSpecs(pf);
  const addVerdict = domain !== null && !stored.some((c) => c.name === 'Metadata_DomainVerdict');
  const specs = [
    ...(p.precision === 'double' ? stored.map((c) => (c.kind === 'float32' ? { ...c, kind: 'float64' as const } : c)) : stored),
    ...(addVerdict ? [{ name: 'Metadata_DomainVerdict', kind: 'string' as const }] : []),
  ];
  const summary = { out: p.out, rows: pf.rows, columns: specs.length, level: 'cell' as const, format: p.format, layout: 'stainless' as const, setId: set.id };
  if (p.format === 'parquet' && !addVerdict && specs.every((c, j) => c.kind === stored[j].kind)) {
    try {
      await mkdir(dirname(p.out), { recursive: true });
      await copyFile(set.cellsPath!, `${p.out}.partial`);
      await rename(`${p.out}.partial`, p.out);
    } catch (e) {
      await rm(`${p.out}.partial`, { force: true });
      throw writeError(p.out, e);
    }
    return summary;
  }
  const kv = Object.fromEntries((pf.metadata.key_value_metadata ?? []).map((k) => [k.key, k.value ?? '']));
  const names = stored.map((c) => c.name);
  if (p.format !== 'csv') {
    // Parquet: each row group rewritten column batch by column batch (memory: one batch of
    // decoded columns and its float64 copies, never a whole group)
    const sink = await parquetSink(p.out, specs, kv, EXPORT_ZSTD);
    try {
      for (let gi = 0; gi < pf.metadata.row_groups.length; gi++) {
        const rows = Number(pf.metadata.row_groups[gi].num_rows);
        const batches = async function* () {
          let j = 0;
          for await (const b of columnBatches(pf, gi, names)) {
            const cols: ColumnValues[] = [];
            for (const end = j + b.columns.size; j < end; j++) cols.push(toValues(b.columns.get(names[j])!, stored[j].kind));
            b.columns.clear();
            yield cols;
          }
          if (addVerdict) yield [new Array<string>(rows).fill(domain!)];
        };
        await sink.writeGroup(rows, batches());
      }
      await sink.finish();
    } catch (e) {
      await sink.abort();
      throw e;
    }
    return summary;
  }
  const sink = await csvSink(p.out, specs);
  try {
    for await (const g of decodedGroups(pf, names)) {
      const rows = g.rows;
      const cols = specs.slice(0, stored.length).map((c) => toValues(g.columns.get(c.name)!, c.kind));
      if (addVerdict) cols.push(new Array<string>(rows).fill(domain!));
      g.columns.clear();
      for (let r = 0; r < rows; r += CSV_ROWS) await sink.write(cols.map((c) => sliceOf(c, r, r + CSV_ROWS)));
    }
    await sink.finish();
  } catch (e) {
    await sink.abort();
    throw e;
  }
  return summary;
}
