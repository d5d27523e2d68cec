import { asyncBufferFromFile, parquetMetadata, parquetRead, type AsyncBuffer, type FileMetaData } from 'hyparquet';
import { stat } from 'node:fs/promises';
import { indexFooter, subsetFooter, type FooterIndex } from './parquetFooter';
import { zstdDecompress, zstdReady } from './zstd';

/** An open Parquet file: its footer indexed once, pages read on demand (never the whole file). */
export interface ParquetFile {
  path: string;
  file: AsyncBuffer;
  /**
   * The file's schema, key/value metadata, row count and row groups (rows and sizes), but no
   * column chunks (`row_groups[g].columns` is empty): a plate's chunks parsed would take
   * hundreds of MB. `chunkMetadata` gives the chunks of chosen groups and columns.
   */
  metadata: FileMetaData;
  rows: number;
  /** top-level column names in file order */
  columns: string[];
  footer: FooterIndex;
}

/** Page decompressors beyond hyparquet's built-in snappy (our per-cell files are zstd). */
export const compressors = { ZSTD: zstdDecompress };

/**
 * Indexed footers of the last few files opened: the cell under the pointer or a metrics run open
 * the same file again and again (a 1M-cell plate's footer is ~30 MB). Keyed by path, size and mtime.
 */
const footers = new Map<string, { stamp: string; footer: FooterIndex; metadata: FileMetaData }>();
const FOOTERS_KEPT = 2;

async function readFooterBytes(file: AsyncBuffer): Promise<Uint8Array> {
  if (file.byteLength < 12) throw new Error('too short for Parquet');
  const tail = new DataView(await file.slice(file.byteLength - 8, file.byteLength));
  if (tail.getUint32(4, true) !== 0x31524150) throw new Error('no PAR1 at its end');
  const len = tail.getUint32(0, true);
  if (len > file.byteLength - 12) throw new Error(`footer length ${len} exceeds the file`);
  return new Uint8Array(await file.slice(file.byteLength - 8 - len, file.byteLength - 8));
}

export async function openParquet(path: string): Promise<ParquetFile> {
  await zstdReady();
  let file: AsyncBuffer;
  let hit: { stamp: string; footer: FooterIndex; metadata: FileMetaData } | undefined;
  try {
    const st = await stat(path);
    const stamp = `${st.size}:${st.mtimeMs}`;
    file = await asyncBufferFromFile(path);
    hit = footers.get(path);
    if (hit?.stamp !== stamp) {
      const footer = indexFooter(await readFooterBytes(file));
      hit = { stamp, footer, metadata: parquetMetadata(subsetFooter(footer, footer.rowsPerGroup.map((_, g) => g), [], true)) };
    }
    footers.delete(path);
    footers.set(path, hit);
    while (footers.size > FOOTERS_KEPT) footers.delete(footers.keys().next().value!);
  } catch (e) {
    throw new Error(`${path}: not a readable Parquet file (${(e as Error).message})`);
  }
  return { path, file, metadata: hit.metadata, rows: Number(hit.metadata.num_rows), columns: hit.footer.names, footer: hit.footer };
}

function columnIndices(pf: ParquetFile, columns: string[]): number[] {
  return columns.map((name) => {
    const j = pf.columns.indexOf(name);
    if (j < 0) throw new Error(`${pf.path}: no column ${name}`);
    return j;
  });
}

/**
 * The footer of row `groups` with only `columns`' chunks (and schema elements), parsed: what
 * hyparquet needs to read them, and their statistics. Its row groups are numbered from 0.
 */
export function chunkMetadata(pf: ParquetFile, groups: number[], columns: string[]): FileMetaData {
  return parquetMetadata(subsetFooter(pf.footer, groups, columnIndices(pf, columns)));
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
  columnIndices(pf, columns);
  const starts: number[] = [];
  let start = 0;
  for (const n of pf.footer.rowsPerGroup) {
    starts.push(start);
    start += n;
  }
  for (const g of groups ?? starts.map((_, i) => i)) {
    const rows = pf.footer.rowsPerGroup[g];
    const parts = new Map<string, Array<{ rowStart: number; data: ArrayLike<unknown> }>>();
    // a footer of this group and these columns only: hyparquet reads their pages from the file
    await parquetRead({
      file: pf.file,
      metadata: chunkMetadata(pf, [g], columns),
      columns,
      rowStart: 0,
      rowEnd: rows,
      compressors,
      onChunk: (c) => {
        const list = parts.get(c.columnName) ?? [];
        list.push({ rowStart: c.rowStart, data: c.columnData as ArrayLike<unknown> });
        parts.set(c.columnName, list);
      },
    });
    const out = new Map<string, ArrayLike<unknown>>();
    for (const name of columns) out.set(name, assemble(parts.get(name) ?? [], rows));
    yield { index: g, rowStart: starts[g], rows, columns: out };
  }
}

/** A column's chunks cut to [0, rows); a single chunk that fits is used as is. */
function assemble(chunks: Array<{ rowStart: number; data: ArrayLike<unknown> }>, rows: number): ArrayLike<unknown> {
  if (chunks.length === 1 && chunks[0].rowStart === 0 && chunks[0].data.length === rows) return chunks[0].data;
  const out = new Array<unknown>(rows).fill(null);
  for (const c of chunks)
    for (let i = Math.max(0, -c.rowStart); i < c.data.length && c.rowStart + i < rows; i++) out[c.rowStart + i] = c.data[i];
  return out;
}

/** Row groups whose statistics say `column` may hold `value` (all groups when a chunk has no statistics). */
export function groupsMayHold(pf: ParquetFile, column: string, value: string | number): number[] {
  const out: number[] = [];
  chunkMetadata(pf, pf.footer.rowsPerGroup.map((_, g) => g), [column]).row_groups.forEach((rg, g) => {
    const st = rg.columns[0]?.meta_data?.statistics;
    const lo = st?.min_value;
    const hi = st?.max_value;
    if (lo === undefined || hi === undefined || lo === null || hi === null) return void out.push(g);
    const v = typeof value === 'number' && typeof lo === 'bigint' ? BigInt(value) : value;
    if ((lo as typeof v) <= v && v <= (hi as typeof v)) out.push(g);
  });
  return out;
}
