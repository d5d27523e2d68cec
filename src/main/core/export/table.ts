/**
 * A table being exported: metadata columns (strings, integers or nullable doubles) then feature
 * columns (doubles; NaN/±Inf are written as missing).
 */
export type ColumnKind = 'string' | 'int' | 'double';
export interface ColumnSpec {
  name: string;
  kind: ColumnKind;
}
export type ColumnValues = Array<string | number | null> | Float64Array | Int32Array;

export interface TableSink {
  /** appends rows: one array per column, all the same length */
  write(columns: ColumnValues[]): Promise<void>;
  /** completes the file (atomically renamed into place) */
  finish(): Promise<void>;
  /** drops the partial file */
  abort(): Promise<void>;
}
