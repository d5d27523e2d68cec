import { rowGroups, type ParquetFile } from '../io/parquetRead';
import { isDense, type ColumnKind, type ColumnSpec, type ColumnValues } from './table';

/** Columns decoded per read while a whole row group is exported. */
const DECODE_COLUMNS = 256;

/** One row group of a per-cell file with the named columns decoded. */
export interface DecodedGroup {
  index: number;
  rows: number;
  columns: Map<string, ArrayLike<unknown>>;
}

/**
 * A per-cell file's row groups one at a time, every named column decoded. A group is decoded a
 * few hundred columns at a time: the decoder's page buffers then cover one batch, and what stays
 * is the group's typed arrays (4 bytes a float32 value). Memory: one group, never the file.
 */
export async function* decodedGroups(pf: ParquetFile, names: string[] = pf.columns): AsyncGenerator<DecodedGroup> {
  for (let gi = 0; gi < pf.metadata.row_groups.length; gi++) {
    const columns = new Map<string, ArrayLike<unknown>>();
    let rows = Number(pf.metadata.row_groups[gi].num_rows);
    for await (const b of columnBatches(pf, gi, names)) {
      for (const [k, v] of b.columns) columns.set(k, v);
      rows = b.rows;
    }
    yield { index: gi, rows, columns };
  }
}

/**
 * Row group `gi` of a per-cell file, the named columns decoded a few hundred at a time, in order;
 * a writer that takes a group column by column (Parquet) holds one batch, not the group.
 */
export async function* columnBatches(pf: ParquetFile, gi: number, names: string[]): AsyncGenerator<DecodedGroup> {
  for (let c0 = 0; c0 < names.length; c0 += DECODE_COLUMNS) for await (const g of rowGroups(pf, names.slice(c0, c0 + DECODE_COLUMNS), [gi])) yield { index: gi, rows: g.rows, columns: g.columns };
}

/** The column kinds of a per-cell file, from its schema (whatever layout wrote it). */
export function cellSpecs(pf: ParquetFile): ColumnSpec[] {
  return pf.metadata.schema.slice(1).map((e): ColumnSpec => {
    const kind: ColumnKind =
      e.type === 'FLOAT' ? 'float32' : e.type === 'DOUBLE' ? (e.repetition_type === 'REQUIRED' ? 'float64' : 'double') : e.type === 'INT32' || e.type === 'INT64' ? 'int' : 'string';
    return { name: e.name, kind };
  });
}

export const sliceOf = (c: ColumnValues, a: number, b: number): ColumnValues => (Array.isArray(c) ? c.slice(a, b) : c.subarray(a, b));

/** A decoded column as sink input: dense kinds as typed arrays, INT64 as numbers, nulls kept. */
export function toValues(src: ArrayLike<unknown>, kind: ColumnKind): ColumnValues {
  if (isDense(kind)) return src instanceof Float32Array || src instanceof Float64Array ? src : Float64Array.from(src as ArrayLike<number | null>, (v) => (v === null ? NaN : v));
  if (kind === 'int' && src instanceof Int32Array) return src;
  return Array.from(src, (v) => (v === undefined || v === null ? null : typeof v === 'bigint' ? Number(v) : (v as string | number)));
}
