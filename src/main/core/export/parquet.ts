import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ParquetWriter, fileWriter, type SchemaElement } from 'hyparquet-writer';
import { writeError } from '../io/output';
import type { ColumnSpec, ColumnValues, TableSink } from './table';

function schemaOf(columns: ColumnSpec[]): SchemaElement[] {
  return [
    { name: 'root', num_children: columns.length },
    ...columns.map((c): SchemaElement => {
      if (c.kind === 'string') return { name: c.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' };
      if (c.kind === 'int') return { name: c.name, type: 'INT32', repetition_type: 'REQUIRED' };
      return { name: c.name, type: 'DOUBLE', repetition_type: 'OPTIONAL' };
    }),
  ];
}

/**
 * Parquet (hyparquet-writer, snappy) streamed to `<out>.partial` one row group per write call,
 * renamed on finish. Doubles that are not finite are written as nulls.
 */
export async function parquetSink(out: string, columns: ColumnSpec[], meta: Record<string, string> = {}): Promise<TableSink> {
  const tmp = `${out}.partial`;
  let writer: ParquetWriter;
  try {
    await mkdir(dirname(out), { recursive: true });
    writer = new ParquetWriter({
      writer: fileWriter(tmp),
      schema: schemaOf(columns),
      kvMetadata: Object.entries(meta).map(([key, value]) => ({ key, value })),
      createdBy: 'Stainless',
    });
  } catch (e) {
    await rm(tmp, { force: true });
    throw writeError(out, e);
  }
  return {
    async write(cols: ColumnValues[]) {
      const n = cols[0]?.length ?? 0;
      if (!n) return;
      const columnData = columns.map((c, j) => {
        const src = cols[j];
        let data: unknown[] | Int32Array;
        if (c.kind === 'int') data = src instanceof Int32Array ? src : Int32Array.from(src as number[]);
        else if (c.kind === 'double') data = Array.from(src as ArrayLike<number | null>, (v) => (v === null || !Number.isFinite(v) ? null : v));
        else data = Array.from(src as ArrayLike<string | null>, (v) => (v === null || v === undefined ? null : String(v)));
        return { name: c.name, data };
      });
      try {
        await writer.write({ columnData: columnData as never, rowGroupSize: n });
      } catch (e) {
        throw writeError(out, e);
      }
    },
    async finish() {
      try {
        await writer.finish();
        await rename(tmp, out);
      } catch (e) {
        throw writeError(out, e);
      }
    },
    async abort() {
      await rm(tmp, { force: true });
    },
  };
}
