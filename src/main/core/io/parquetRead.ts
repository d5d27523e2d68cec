import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, type AsyncBuffer, type FileMetaData } from 'hyparquet';
import { stat } from 'node:fs/promises';
import { zstdDecompress, zstdReady } from './zstd';

/** An open Parquet file: its footer parsed once, pages read on demand (never the whole file). */
export interface ParquetFile {
  path: string;
  file: AsyncBuffer;
  metadata: FileMetaData;
  rows: number;
  /** top-level column names in file order */
  columns: string[];
}

/** Page decompressors beyond hyparquet's built-in snappy (our per-cell files are zstd). */
export const compressors = { ZSTD: zstdDecompress };

/**
 * Parsed footers of the last few files opened: a plate's footer lists every column of every row
 * group (~10 MB for 1M cells × 1,900 columns, ~1 s to parse), and the cell under the pointer or a
 * metrics run open the same file again and again. Keyed by path, size and mtime.
 */
const footers = new Map<string, { stamp: string; metadata: FileMetaData }>();
const FOOTERS_KEPT = 2;

export async function openParquet(path: string): Promise<ParquetFile> {
  await zstdReady();
  let file: AsyncBuffer;
  let metadata: FileMetaData;
  try {
    const st = await stat(path);
    const stamp = `${st.size}:${st.mtimeMs}`;
    file = await asyncBufferFromFile(path);
    const hit = footers.get(path);
    metadata = hit?.stamp === stamp ? hit.metadata : await parquetMetadataAsync(file);
    footers.delete(path);
    footers.set(path, { stamp, metadata });
    while (footers.size > FOOTERS_KEPT) footers.delete(footers.keys().next().value!);
  } catch (e) {
    throw new Error(`${path}: not a readable Parquet file (${(e as Error).message})`);
  }
  return { path, file, metadata, rows: Number(metadata.num_rows), columns: metadata.schema.slice(1).map((s) => s.name) };
}

/** One row group's requested columns (typed arrays where the column is dense). */
export interface RowGroupColumns {
  index: number;
  /** the group's first row in the file */
  rowStart: number;
  rows: number;
  columns: Map<string, ArrayLike<unknown>>;
}

/**
 * Streams row groups with only the named columns decoded (projection); memory holds one group of
 * those columns at a time. `groups` picks row groups (e.g. from column statistics), default all.
 */
export async function* rowGroups(pf: ParquetFile, columns: string[] = pf.columns, groups?: number[]): AsyncGenerator<RowGroupColumns> {
  for (const name of columns) if (!pf.columns.includes(name)) throw new Error(`${pf.path}: no column ${name}`);
  const starts: number[] = [];
  let start = 0;
  for (const rg of pf.metadata.row_groups) {
    starts.push(start);
    start += Number(rg.num_rows);
  }
  for (const g of groups ?? starts.map((_, i) => i)) {
    const rowStart = starts[g];
    const rows = Number(pf.metadata.row_groups[g].num_rows);
    const rowEnd = rowStart + rows;
    const parts = new Map<string, Array<{ rowStart: number; data: ArrayLike<unknown> }>>();
    await parquetRead({
      file: pf.file,
      metadata: pf.metadata,
      columns,
      rowStart,
      rowEnd,
      compressors,
      onChunk: (c) => {
        const list = parts.get(c.columnName) ?? [];
        list.push({ rowStart: c.rowStart, data: c.columnData as ArrayLike<unknown> });
        parts.set(c.columnName, list);
      },
    });
    const out = new Map<string, ArrayLike<unknown>>();
    for (const name of columns) out.set(name, assemble(parts.get(name) ?? [], rowStart, rows));
    yield { index: g, rowStart, rows, columns: out };
  }
}

/** A column's chunks cut to [rowStart, rowStart + rows); a single chunk that fits is used as is. */
function assemble(chunks: Array<{ rowStart: number; data: ArrayLike<unknown> }>, rowStart: number, rows: number): ArrayLike<unknown> {
  if (chunks.length === 1 && chunks[0].rowStart === rowStart && chunks[0].data.length === rows) return chunks[0].data;
  const out = new Array<unknown>(rows).fill(null);
  for (const c of chunks)
    for (let i = Math.max(0, rowStart - c.rowStart); i < c.data.length && c.rowStart + i < rowStart + rows; i++) out[c.rowStart + i - rowStart] = c.data[i];
  return out;
}

/** Row groups whose statistics say `column` may hold `value` (all groups when a chunk has no statistics). */
export function groupsMayHold(pf: ParquetFile, column: string, value: string | number): number[] {
  const out: number[] = [];
  pf.metadata.row_groups.forEach((rg, g) => {
    const st = rg.columns.find((c) => c.meta_data?.path_in_schema.join('.') === column)?.meta_data?.statistics;
    const lo = st?.min_value;
    const hi = st?.max_value;
    if (lo === undefined || hi === undefined || lo === null || hi === null) return void out.push(g);
    const v = typeof value === 'number' && typeof lo === 'bigint' ? BigInt(value) : value;
    if ((lo as typeof v) <= v && v <= (hi as typeof v)) out.push(g);
  });
  return out;
}
