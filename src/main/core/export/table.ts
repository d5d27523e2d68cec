/**
 * A table being exported: metadata columns (strings, integers or nullable doubles) then feature
 * columns: nullable doubles (NaN/±Inf written as missing) or dense float32/float64 (missing = NaN,
 * how CellProfiler itself marks a measurement it could not make).
 */
export type ColumnKind = 'string' | 'int' | 'double' | 'float32' | 'float64';
export interface ColumnSpec {
  name: string;
  kind: ColumnKind;
}
export type ColumnValues = Array<string | number | null> | Float64Array | Float32Array | Int32Array;

/** Dense floating-point kinds: typed arrays, NaN for missing. */
export const isDense = (k: ColumnKind): k is 'float32' | 'float64' => k === 'float32' || k === 'float64';

export interface TableSink {
  /** appends rows: one array per column, all the same length */
  write(columns: ColumnValues[]): Promise<void>;
  /** completes the file (atomically renamed into place) */
  finish(): Promise<void>;
  /** drops the partial file */
  abort(): Promise<void>;
}
