import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead } from 'hyparquet';
import type { Db } from '../catalog/db';
import { resolveSource, type Source } from '../features/plateSites';
import { allFeatureColumns, findFeatureSet, setWellIds, type FeatureSetRow } from '../features/store';
import { CELL_METADATA } from '../features/pipeline';
import { checkOutputFile, writeError } from '../io/output';
import { csvSink } from './csv';
import { WELL_METADATA, wellMetadata } from './metadata';
import { parquetSink } from './parquet';
import type { ColumnSpec, ColumnValues, TableSink } from './table';

export interface ExportParams {
  plate: string | number;
  level: 'well' | 'cell';
  format: 'csv' | 'parquet';
  source: Source;
  runId?: number | null;
  /** segmentation method of the feature set; default: model for synthetic when present, else classical */
  method?: 'model' | 'classical';
  normalize: 'none' | 'robustz';
  out: string;
  /** replace an existing file at `out` (else the export is refused before any work) */
  overwrite?: boolean;
}

export interface ExportSummary {
  out: string;
  rows: number;
  columns: number;
  level: 'well' | 'cell';
  format: 'csv' | 'parquet';
  setId: number;
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

const sinkFor = (format: 'csv' | 'parquet', out: string, cols: ColumnSpec[], meta: Record<string, string>): Promise<TableSink> =>
  format === 'csv' ? csvSink(out, cols) : parquetSink(out, cols, meta);

/**
 * Writes a plate's feature table: per well (profiles from the catalog, raw or robust z against
 * the DMSO wells) or per cell (streamed from the set's Parquet file, one row group at a time).
 */
export async function exportPlate(db: Db, p: ExportParams): Promise<ExportSummary> {
  checkOutputFile(p.out, !!p.overwrite);
  if (!/\.(csv|parquet)$/i.test(p.out)) throw new Error(`${p.out}: the output file should end in .csv or .parquet`);
  const set = chooseFeatureSet(db, p);
  const domain = runDomainVerdict(db, set.runId);
  const meta = { 'stainless.plate': set.barcode, 'stainless.source': set.source, 'stainless.model': set.modelName ?? '', 'stainless.normalize': p.normalize, 'stainless.domain': domain };
  if (p.level === 'well') return exportWells(db, set, p, meta);
  if (p.normalize !== 'none') throw new Error('robust z normalisation is computed per well (against the DMSO wells); use --level well or --normalize none');
  if (!set.cellsPath) throw new Error(`feature set ${set.id} has no per-cell file`);
  if (p.format === 'parquet') {
    try {
      await mkdir(dirname(p.out), { recursive: true });
      await copyFile(set.cellsPath, `${p.out}.partial`);
      await rename(`${p.out}.partial`, p.out);
    } catch (e) {
      await rm(`${p.out}.partial`, { force: true });
      throw writeError(p.out, e);
    }
    const md = await parquetMetadataAsync(await asyncBufferFromFile(set.cellsPath));
    return { out: p.out, rows: Number(md.num_rows), columns: md.schema.length - 1, level: 'cell', format: 'parquet', setId: set.id };
  }
  return exportCellsCsv(set, p);
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
  return { out: p.out, rows: rows.length, columns: specs.length, level: 'well', format: p.format, setId: set.id };
}

async function exportCellsCsv(set: FeatureSetRow, p: ExportParams): Promise<ExportSummary> {
  const file = await asyncBufferFromFile(set.cellsPath!);
  const md = await parquetMetadataAsync(file);
  const names = md.schema.slice(1).map((s) => s.name);
  const kinds = new Map(CELL_METADATA.map((c) => [c.name, c.kind]));
  const specs: ColumnSpec[] = names.map((name) => ({ name, kind: kinds.get(name) ?? 'double' }));
  const sink = await csvSink(p.out, specs);
  let start = 0;
  try {
    for (const rg of md.row_groups) {
      const end = start + Number(rg.num_rows);
      // column chunks of this row group (columnar decoding is faster than assembling row arrays)
      const cols = new Map<string, Array<string | number | null>>();
      await parquetRead({
        file,
        metadata: md,
        rowStart: start,
        rowEnd: end,
        onChunk: (c) => {
          const dst = cols.get(c.columnName) ?? new Array<string | number | null>(end - start).fill(null);
          for (let r = Math.max(c.rowStart, start); r < Math.min(c.rowEnd, end); r++) {
            const v = (c.columnData as ArrayLike<unknown>)[r - c.rowStart];
            dst[r - start] = v === undefined || v === null ? null : typeof v === 'bigint' ? Number(v) : (v as string | number);
          }
          cols.set(c.columnName, dst);
        },
      });
      await sink.write(specs.map((c) => cols.get(c.name) ?? new Array(end - start).fill(null)));
      start = end;
    }
    await sink.finish();
  } catch (e) {
    await sink.abort();
    throw e;
  }
  return { out: p.out, rows: start, columns: specs.length, level: 'cell', format: 'csv', setId: set.id };
}
