import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ByteWriter, ParquetWriter, fileWriter, type SchemaElement } from 'hyparquet-writer';
import { writeMetadata } from 'hyparquet-writer/src/metadata.js';
import type { ColumnChunk, KeyValue, RowGroup } from 'hyparquet';
import { writeError } from '../io/output';
import { indexFooter, Out } from '../io/parquetFooter';
import { zstdCompress, zstdReady } from '../io/zstd';
import { snappyCompress } from 'hyparquet-writer/src/snappy.js';
import { writeDenseChunk } from './denseChunk';
import type { ColumnSpec, ColumnValues, TableSink } from './table';

function schemaOf(columns: ColumnSpec[]): SchemaElement[] {
  return [
    { name: 'root', num_children: columns.length },
    ...columns.map((c): SchemaElement => {
      if (c.kind === 'string') return { name: c.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' };
      if (c.kind === 'int') return { name: c.name, type: 'INT32', repetition_type: 'REQUIRED' };
      if (c.kind === 'float32') return { name: c.name, type: 'FLOAT', repetition_type: 'REQUIRED' };
      if (c.kind === 'float64') return { name: c.name, type: 'DOUBLE', repetition_type: 'REQUIRED' };
      return { name: c.name, type: 'DOUBLE', repetition_type: 'OPTIONAL' };
    }),
  ];
}

/** Dense values as the column's typed array, every non-finite value as NaN (the input itself when it already is one). */
function dense(src: ColumnValues, kind: 'float32' | 'float64'): Float32Array | Float64Array {
  if (kind === 'float32' ? src instanceof Float32Array : src instanceof Float64Array) {
    let clean = true;
    for (let i = 0; i < src.length && clean; i++) clean = (src[i] as number) - (src[i] as number) === 0 || Number.isNaN(src[i]);
    if (clean) return src as Float32Array | Float64Array;
  }
  const out = kind === 'float32' ? new Float32Array(src.length) : new Float64Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    out[i] = typeof v === 'number' && Number.isFinite(v) ? v : NaN;
  }
  return out;
}

/** A column of another kind as hyparquet-writer takes it: int32, or values with null for missing. */
function plain(src: ColumnValues, kind: ColumnSpec['kind']): unknown[] | Int32Array {
  if (kind === 'int') return src instanceof Int32Array ? src : Int32Array.from(src as number[]);
  if (kind === 'double') return Array.from(src as ArrayLike<number | null>, (v) => (v === null || !Number.isFinite(v) ? null : v));
  return Array.from(src as ArrayLike<string | null>, (v) => (v === null || v === undefined ? null : String(v)));
}

/**
 * The footer kept as thrift bytes while a file is written: hyparquet-writer holds every column
 * chunk's metadata as objects until it finishes (~0.5–1 KB each, 300k of them for 1M cells ×
 * 4,500 columns), so after each row group its entries are serialized (~100 B a chunk) and
 * dropped, and the footer is assembled from those bytes at the end.
 */
class LeanFooter {
  private groups: Uint8Array[] = [];
  private rows = 0;
  constructor(
    private schema: SchemaElement[],
    private kv: KeyValue[],
    private createdBy: string,
  ) {}

  private thrift(rowGroups: RowGroup[]): Uint8Array {
    const w = new ByteWriter();
    writeMetadata(w, { version: 2, created_by: this.createdBy, schema: this.schema, num_rows: BigInt(this.rows), row_groups: rowGroups, key_value_metadata: this.kv, metadata_length: 0 });
    // writeMetadata appends the length; the thrift struct is what precedes it
    return new Uint8Array(w.getBuffer()).slice(0, w.offset - 4);
  }

  /** takes the row groups the writer has made since the last call */
  take(writer: ParquetWriter): void {
    const fresh = writer.row_groups.splice(0);
    // no page indexes are written (offsetIndex off): nothing is pending but the chunks themselves
    writer.pendingIndexes.length = 0;
    if (!fresh.length) return;
    for (const rg of fresh) this.rows += Number(rg.num_rows);
    const bytes = this.thrift(fresh);
    const ix = indexFooter(bytes);
    for (let g = 0; g < fresh.length; g++) this.groups.push(bytes.slice(ix.groups[4 * g], ix.groups[4 * g + 3]));
  }

  /**
   * the file's FileMetaData, with every group taken, as its pieces in order (appended one by one:
   * joined, a 1M-cell export's footer would be held twice at the end, ~150 MB more)
   */
  parts(): Out {
    const bytes = this.thrift([]);
    const ix = indexFooter(bytes);
    const o = new Out();
    o.push(bytes.subarray(0, ix.groupList[0]));
    o.listHeader(this.groups.length, 12);
    for (const g of this.groups) o.push(g);
    o.push(bytes.subarray(ix.groupList[1]));
    return o;
  }
}

export interface ParquetSink extends TableSink {
  /**
   * One row group of `rows` rows from consecutive batches of its columns (in schema order): each
   * batch is written as it comes, so a group of every column is never held at once.
   */
  writeGroup(rows: number, batches: AsyncIterable<ColumnValues[]> | Iterable<ColumnValues[]>): Promise<void>;
}

export interface ParquetOptions {
  /** ZSTD (default), SNAPPY (what the files were before; kept for the storage benchmark) or none */
  codec?: 'ZSTD' | 'SNAPPY' | 'UNCOMPRESSED';
  /** zstd level (default: io/zstd's) */
  zstdLevel?: number;
}

/**
 * Parquet (hyparquet-writer) streamed to `<out>.partial`, one row group per write call, renamed on
 * finish. Column statistics (min/max/null and NaN counts) are written for every column chunk, so
 * readers can skip row groups. Dense float columns are BYTE_STREAM_SPLIT-encoded: the sign/exponent
 * bytes of a column then sit together and compress, the noisy low mantissa bytes do not drag them
 * down (3.0 instead of 3.3 bytes per float32 value with zstd on per-cell features).
 */
export async function parquetSink(out: string, columns: ColumnSpec[], meta: Record<string, string> = {}, opts: ParquetOptions = {}): Promise<ParquetSink> {
  await zstdReady();
  const tmp = `${out}.partial`;
  let writer: ParquetWriter;
  const schema = schemaOf(columns);
  const kvMetadata = Object.entries(meta).map(([key, value]) => ({ key, value }));
  const footer = new LeanFooter(schema, kvMetadata, 'Stainless');
  const codec = opts.codec ?? 'ZSTD';
  const compress = codec === 'ZSTD' ? (page: Uint8Array) => zstdCompress(page, opts.zstdLevel) : codec === 'SNAPPY' ? snappyCompress : null;
  try {
    await mkdir(dirname(out), { recursive: true });
    writer = new ParquetWriter({
      writer: fileWriter(tmp),
      schema,
      codec,
      compressors: { ZSTD: (page) => zstdCompress(page, opts.zstdLevel) },
    });
  } catch (e) {
    await rm(tmp, { force: true });
    throw writeError(out, e);
  }
  const isDenseAt = (j: number) => columns[j].kind === 'float32' || columns[j].kind === 'float64';
  /** chunks of columns [j0, j0 + cols.length) of a group of n rows, appended to the file */
  async function writeChunks(n: number, j0: number, cols: ColumnValues[]) {
    const chunks: ColumnChunk[] = [];
    for (let k = 0; k < cols.length; ) {
      if (isDenseAt(j0 + k)) {
        const c = columns[j0 + k];
        chunks.push(writeDenseChunk(writer.writer, c.name, dense(cols[k], c.kind as 'float32' | 'float64'), codec, compress));
        k++;
        continue;
      }
      // a run of other columns through hyparquet-writer, as a row group of its own taken apart
      const run: Array<{ name: string; data: unknown; offsetIndex: false }> = [];
      for (; k < cols.length && !isDenseAt(j0 + k); k++) run.push({ name: columns[j0 + k].name, data: plain(cols[k], columns[j0 + k].kind), offsetIndex: false });
      await writer.write({ columnData: run as never, rowGroupSize: n });
      chunks.push(...writer.row_groups.pop()!.columns);
    }
    return chunks;
  }
  /** one row group from consecutive batches of its columns, each batch written (and dropped) as it comes */
  async function writeGroup(n: number, batches: AsyncIterable<ColumnValues[]> | Iterable<ColumnValues[]>) {
    if (!n) return;
    try {
      const start = writer.writer.offset;
      const chunks: ColumnChunk[] = [];
      for await (const cols of batches) {
        if (cols.some((c) => c.length !== n)) throw new Error(`columns of a row group must have its ${n} rows`);
        chunks.push(...(await writeChunks(n, chunks.length, cols)));
      }
      if (chunks.length !== columns.length) throw new Error(`a row group got ${chunks.length} of ${columns.length} columns`);
      let size = 0n;
      for (const ch of chunks) size += ch.meta_data?.total_uncompressed_size ?? 0n;
      // the group's chunks are listed in schema order, and lie in the file in that order too
      writer.row_groups.push({ columns: chunks, num_rows: BigInt(n), total_byte_size: size, total_compressed_size: BigInt(writer.writer.offset - start) });
      footer.take(writer);
    } catch (e) {
      throw writeError(out, e);
    }
  }
  return {
    write: (cols: ColumnValues[]) => writeGroup(cols[0]?.length ?? 0, [cols]),
    writeGroup,
    async finish() {
      try {
        const meta = footer.parts();
        for (const p of meta.parts) writer.writer.appendBytes(p);
        writer.writer.appendUint32(meta.length);
        writer.writer.appendUint32(0x31524150);
        await writer.writer.finish();
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
