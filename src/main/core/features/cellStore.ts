import type { ColumnSpec } from '../export/table';

/**
 * How per-cell features are stored (<workspace>/features/<plate>/<set>.cells.parquet).
 *
 * float32: no CellProfiler measurement carries more than ~7 significant digits of signal, and
 * float32 keeps 24 bits (relative rounding ≤ 2⁻²⁴ ≈ 6e-8, far inside the 1e-6 the tests allow).
 * Features are computed, compared with CellProfiler's fixtures and aggregated into per-well
 * profiles in float64 before they are stored; only the per-cell file is rounded.
 *
 * float64 is kept for position columns (Location_*, AreaShape_Center_*): they are absolute pixel
 * coordinates, so on a stitched or whole-slide image (10⁵ px) float32 would keep only ~0.01 px, and
 * neighbour/tracking code subtracts them.
 */
export function cellFeatureKind(name: string, precision: CellPrecision = 'single'): 'float32' | 'float64' {
  return precision === 'double' || /_Location_|_AreaShape_Center_/.test(name) ? 'float64' : 'float32';
}

/** 'single': the layout above; 'double': every feature float64 (twice the bytes), for users who need it. */
export type CellPrecision = 'single' | 'double';

export const cellFeatureSpecs = (names: string[], precision: CellPrecision = 'single'): ColumnSpec[] => names.map((name) => ({ name, kind: cellFeatureKind(name, precision) }));

/**
 * Rows per row group: 2^26 values (~256 MiB of float32: 15k cells at the ~4,500 columns of the JUMP
 * set, a few sites' worth; 64k rows for narrow tables). The footer holds one entry per column per
 * group (~100 B of thrift; readers index it and parse only the chunks they read, io/parquetFooter.ts),
 * so a 1M-cell table of 4,500 columns has 68 groups and a ~30 MB footer. CSV, which needs every
 * column of a row, holds one group; a Parquet rewrite (--precision double) one batch of a group's
 * columns; column readers (metrics, the cell lookup) hold only their columns of one group.
 */
export function cellRowGroupRows(columns: number): number {
  return Math.max(1024, Math.min(65536, Math.floor(2 ** 26 / Math.max(1, columns))));
}

/** Values per slice when a whole row group is rewritten row-wise (CytoTable's join: one float64 copy of a slice at a time). */
export const REWRITE_SLICE_VALUES = 2 ** 24;
