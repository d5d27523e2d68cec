/**
 * A Parquet footer indexed instead of parsed. A plate's footer has one ColumnChunk per column per
 * row group (306k of them for 1M cells × 4,507 columns); parsed into objects that is ~770 B each
 * (233 MiB), while the raw thrift bytes are ~95 B each. So the footer is kept as bytes plus the
 * offset of every chunk, and a reader asks for the few groups and columns it needs: those chunks
 * (and schema elements) are copied into a small footer that the Parquet library then parses.
 *
 * Thrift compact protocol (the encoding of Parquet footers): a struct is a run of fields, each a
 * header byte (field-id delta << 4 | type; delta 0 means a zigzag varint id follows) then the
 * value, ended by a 0 byte; lists are a header byte (size << 4 | element type; size 15 means a
 * varint size follows) then the elements. Only the layout is walked, no value is decoded except
 * the few the index keeps (column names, row counts).
 */

const T_TRUE = 1;
const T_FALSE = 2;
const T_BYTE = 3;
const T_I16 = 4;
const T_I32 = 5;
const T_I64 = 6;
const T_DOUBLE = 7;
const T_BINARY = 8;
const T_LIST = 9;
const T_SET = 10;
const T_MAP = 11;
const T_STRUCT = 12;

export interface FooterIndex {
  /** the thrift-encoded FileMetaData */
  bytes: Uint8Array;
  /** top-level column names, in schema order */
  names: string[];
  /** false when the schema nests (then every selection carries the whole schema and all chunks) */
  flat: boolean;
  rowsPerGroup: number[];
  /** [start, end) of the schema list (its header included) and of each schema element */
  schemaList: [number, number];
  schemaElements: Uint32Array;
  /** [start, end) of the row_groups list and, per group: struct start, columns-list start and end, struct end */
  groupList: [number, number];
  groups: Uint32Array;
  /** per group, (columns + 1) offsets: where each ColumnChunk starts, then the end of the last */
  chunks: Uint32Array;
  chunkStride: number;
}

/** Walks thrift compact bytes (layout only). */
export class Walker {
  pos = 0;
  constructor(readonly b: Uint8Array) {}
  byte(): number {
    if (this.pos >= this.b.length) throw new Error('footer ends inside a thrift value');
    return this.b[this.pos++];
  }
  varint(): number {
    let v = 0;
    let mul = 1;
    for (;;) {
      const x = this.byte();
      v += (x & 0x7f) * mul;
      if (!(x & 0x80)) return v;
      mul *= 128;
    }
  }
  zigzag(): number {
    const v = this.varint();
    return v % 2 ? -(v + 1) / 2 : v / 2;
  }
  /** reads a field header; null at the struct's end */
  field(last: number): { id: number; type: number } | null {
    const h = this.byte();
    const type = h & 0x0f;
    if (type === 0) return null;
    const delta = h >> 4;
    return { id: delta ? last + delta : this.zigzag(), type };
  }
  listHeader(): { size: number; type: number } {
    const h = this.byte();
    const size = h >> 4;
    return { size: size === 15 ? this.varint() : size, type: h & 0x0f };
  }
  binary(): Uint8Array {
    const n = this.varint();
    if (this.pos + n > this.b.length) throw new Error('footer ends inside a thrift string');
    const s = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
  skip(type: number): void {
    switch (type) {
      case T_TRUE:
      case T_FALSE:
        return;
      case T_BYTE:
        this.pos++;
        return;
      case T_I16:
      case T_I32:
      case T_I64:
        this.varint();
        return;
      case T_DOUBLE:
        this.pos += 8;
        return;
      case T_BINARY: {
        const n = this.varint();
        this.pos += n;
        return;
      }
      case T_LIST:
      case T_SET: {
        const { size, type: et } = this.listHeader();
        for (let i = 0; i < size; i++) {
          if (et === T_TRUE || et === T_FALSE) this.pos++;
          else this.skip(et);
        }
        return;
      }
      case T_MAP: {
        const size = this.varint();
        if (!size) return;
        const kv = this.byte();
        for (let i = 0; i < size; i++) {
          this.skip(kv >> 4);
          this.skip(kv & 0x0f);
        }
        return;
      }
      case T_STRUCT:
        for (let f = this.field(0), last = 0; f; last = f.id, f = this.field(last)) this.skip(f.type);
        return;
      default:
        throw new Error(`unknown thrift type ${type} at byte ${this.pos}`);
    }
  }
}

const utf8 = new TextDecoder();

/** Indexes a FileMetaData (the thrift bytes between the data and the length + PAR1 trailer). */
export function indexFooter(bytes: Uint8Array): FooterIndex {
  const w = new Walker(bytes);
  const names: string[] = [];
  let flat = true;
  let schemaList: [number, number] = [0, 0];
  let schemaElements = new Uint32Array(0);
  let groupList: [number, number] = [0, 0];
  const groups: number[] = [];
  const rowsPerGroup: number[] = [];
  const chunkOffsets: number[][] = [];
  for (let f = w.field(0), last = 0; f; last = f.id, f = w.field(last)) {
    if (f.id === 2 && f.type === T_LIST) {
      const start = w.pos;
      const { size } = w.listHeader();
      schemaElements = new Uint32Array(size * 2);
      for (let i = 0; i < size; i++) {
        schemaElements[2 * i] = w.pos;
        let name = '';
        let children = 0;
        for (let g = w.field(0), gl = 0; g; gl = g.id, g = w.field(gl)) {
          if (g.id === 4 && g.type === T_BINARY) name = utf8.decode(w.binary());
          else if (g.id === 5 && g.type === T_I32) children = w.zigzag();
          else w.skip(g.type);
        }
        schemaElements[2 * i + 1] = w.pos;
        if (i === 0) continue;
        if (children) flat = false;
        names.push(name);
      }
      schemaList = [start, w.pos];
    } else if (f.id === 4 && f.type === T_LIST) {
      const start = w.pos;
      const { size } = w.listHeader();
      for (let g = 0; g < size; g++) {
        const rgStart = w.pos;
        let colsStart = -1;
        let colsEnd = -1;
        let rows = 0;
        const offsets: number[] = [];
        for (let h = w.field(0), hl = 0; h; hl = h.id, h = w.field(hl)) {
          if (h.id === 1 && h.type === T_LIST) {
            colsStart = w.pos;
            const { size: n } = w.listHeader();
            for (let c = 0; c < n; c++) {
              offsets.push(w.pos);
              w.skip(T_STRUCT);
            }
            colsEnd = w.pos;
            offsets.push(colsEnd);
          } else if (h.id === 3 && h.type === T_I64) rows = w.zigzag();
          else w.skip(h.type);
        }
        if (colsStart < 0) throw new Error(`row group ${g} lists no column chunks`);
        groups.push(rgStart, colsStart, colsEnd, w.pos);
        rowsPerGroup.push(rows);
        chunkOffsets.push(offsets);
      }
      groupList = [start, w.pos];
    } else w.skip(f.type);
  }
  const stride = chunkOffsets[0]?.length ?? 1;
  const chunks = new Uint32Array(stride * chunkOffsets.length);
  chunkOffsets.forEach((o, g) => {
    if (o.length !== stride) throw new Error(`row group ${g} has ${o.length - 1} column chunks, group 0 has ${stride - 1}`);
    chunks.set(o, g * stride);
  });
  if (!schemaElements.length) throw new Error('footer has no schema');
  if (schemaList[0] > groupList[0] && groupList[1] > 0) throw new Error('footer lists row groups before the schema');
  return { bytes, names, flat, rowsPerGroup, schemaList, schemaElements, groupList, groups: Uint32Array.from(groups), chunks, chunkStride: stride };
}

/** Byte sink for thrift compact output. */
export class Out {
  parts: Uint8Array[] = [];
  length = 0;
  push(b: Uint8Array) {
    this.parts.push(b);
    this.length += b.length;
  }
  varint(v: number) {
    const b: number[] = [];
    while (v >= 0x80) {
      b.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    b.push(v);
    this.push(Uint8Array.from(b));
  }
  listHeader(size: number, type: number) {
    if (size < 15) this.push(Uint8Array.of((size << 4) | type));
    else {
      this.push(Uint8Array.of(0xf0 | type));
      this.varint(size);
    }
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const p of this.parts) out.set(p, (o += p.length) - p.length);
    return out;
  }
}

/**
 * A complete Parquet footer (FileMetaData, length, PAR1) holding only row `groups` and, in each,
 * the chunks of `columns` (indices into `names`). The schema lists those columns only, unless
 * `fullSchema` (or the schema nests, which also keeps every chunk). Offsets in the chunks stay
 * those of the original file, so the small footer reads the original file's pages.
 */
export function subsetFooter(ix: FooterIndex, groups: number[], columns: number[], fullSchema = false): Uint8Array {
  const b = ix.bytes;
  const cols = ix.flat ? columns : ix.names.map((_, j) => j);
  const keepSchema = fullSchema || !ix.flat;
  const o = new Out();
  o.push(b.subarray(0, ix.schemaList[0]));
  if (keepSchema) o.push(b.subarray(ix.schemaList[0], ix.schemaList[1]));
  else {
    o.listHeader(cols.length + 1, T_STRUCT);
    // the root element with its child count: name (field 4, binary), num_children (field 5, i32)
    const name = new TextEncoder().encode('root');
    o.push(Uint8Array.of(0x48));
    o.varint(name.length);
    o.push(name);
    o.push(Uint8Array.of(0x15));
    o.varint(cols.length * 2);
    o.push(Uint8Array.of(0));
    for (const j of cols) o.push(b.subarray(ix.schemaElements[2 * (j + 1)], ix.schemaElements[2 * (j + 1) + 1]));
  }
  o.push(b.subarray(ix.schemaList[1], ix.groupList[0]));
  o.listHeader(groups.length, T_STRUCT);
  for (const g of groups) {
    const [start, colsStart, colsEnd, end] = ix.groups.subarray(4 * g, 4 * g + 4);
    o.push(b.subarray(start, colsStart));
    o.listHeader(cols.length, T_STRUCT);
    const base = g * ix.chunkStride;
    for (const j of cols) o.push(b.subarray(ix.chunks[base + j], ix.chunks[base + j + 1]));
    o.push(b.subarray(colsEnd, end));
  }
  o.push(b.subarray(ix.groupList[1]));
  const len = o.length;
  const tail = new Uint8Array(8);
  new DataView(tail.buffer).setUint32(0, len, true);
  tail.set([0x50, 0x41, 0x52, 0x31], 4);
  o.push(tail);
  return o.bytes();
}
