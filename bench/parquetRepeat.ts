// A large Parquet file made fast for memory benchmarks: the row groups of a small file written by
// the pipeline's sink are copied, compressed bytes as they are, until the file has `groups` of
// them; the footer lists every copy with its own offsets. Encoding and zstd run once per distinct
// group, so a 1M-cell × 4,500-column table takes a disk copy instead of ~1.5 h of compression.
// The values repeat every few groups: use it for memory and I/O, never for compression figures.
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { parquetMetadata } from 'hyparquet';
import { Out, Walker } from '../src/main/core/io/parquetFooter';

const I64 = 6;
const LIST = 9;
const STRUCT = 12;
const zigzag = (v: number) => (v >= 0 ? v * 2 : -v * 2 - 1);

/** Field-id paths (inside a RowGroup) of the i64 file offsets a copied group must shift. */
const OFFSETS = new Set(['5', '1.2', '1.3.9', '1.3.10', '1.3.11', '1.3.14', '1.4', '1.6']);

/** Copies one thrift struct, adding `delta` to the offset fields. */
function copyStruct(w: Walker, o: Out, path: string, delta: number): void {
  let last = 0;
  for (;;) {
    const h = w.pos;
    const f = w.field(last);
    o.push(w.b.subarray(h, w.pos));
    if (!f) return;
    last = f.id;
    const p = path ? `${path}.${f.id}` : String(f.id);
    if (f.type === I64 && OFFSETS.has(p)) {
      o.varint(zigzag(w.zigzag() + delta));
      continue;
    }
    if (f.type === STRUCT) {
      copyStruct(w, o, p, delta);
      continue;
    }
    const v = w.pos;
    if (f.type === LIST) {
      const { size, type } = w.listHeader();
      if (type === STRUCT) {
        o.push(w.b.subarray(v, w.pos));
        for (let i = 0; i < size; i++) copyStruct(w, o, p, delta);
        continue;
      }
      w.pos = v;
    }
    w.skip(f.type);
    o.push(w.b.subarray(v, w.pos));
  }
}

/** Writes `out`: the row groups of `src` repeated in turn until there are `groups`. Returns the rows. */
export function repeatRowGroups(src: string, out: string, groups: number): number {
  const buf = readFileSync(src);
  const footerLen = buf.readUInt32LE(buf.length - 8);
  const footer = new Uint8Array(buf.buffer, buf.byteOffset + buf.length - 8 - footerLen, footerLen);
  const md = parquetMetadata(new Uint8Array(buf.buffer, buf.byteOffset + buf.length - 8 - footerLen, footerLen + 8));
  // each group's bytes: from its first page to the end of its last chunk
  const spans = md.row_groups.map((rg) => {
    let a = Infinity;
    let b = 0;
    for (const c of rg.columns) {
      const m = c.meta_data!;
      const s = Number(m.dictionary_page_offset ?? m.data_page_offset);
      a = Math.min(a, s);
      b = Math.max(b, s + Number(m.total_compressed_size));
    }
    return [a, b] as const;
  });
  const rows = md.row_groups.map((rg) => Number(rg.num_rows));
  // where each source group's struct starts in the footer
  const w = new Walker(footer);
  const o = new Out();
  let total = 0;
  for (let g = 0; g < groups; g++) total += rows[g % rows.length];
  const fd = openSync(out, 'w');
  try {
    writeSync(fd, Buffer.from('PAR1'));
    let pos = 4;
    const starts: number[] = [];
    for (let g = 0; g < groups; g++) {
      const [a, b] = spans[g % spans.length];
      starts.push(pos);
      writeSync(fd, buf, a, b - a, pos);
      pos += b - a;
    }
    let last = 0;
    for (;;) {
      const h = w.pos;
      const f = w.field(last);
      o.push(footer.subarray(h, w.pos));
      if (!f) break;
      last = f.id;
      if (f.id === 3 && f.type === I64) {
        w.zigzag();
        o.varint(zigzag(total));
      } else if (f.id === 4 && f.type === LIST) {
        const { size } = w.listHeader();
        const structs: number[] = [];
        for (let g = 0; g < size; g++) {
          structs.push(w.pos);
          w.skip(STRUCT);
        }
        o.listHeader(groups, STRUCT);
        for (let g = 0; g < groups; g++) {
          const k = g % size;
          const r = new Walker(footer);
          r.pos = structs[k];
          copyStruct(r, o, '', starts[g] - spans[k][0]);
        }
      } else {
        const v = w.pos;
        w.skip(f.type);
        o.push(footer.subarray(v, w.pos));
      }
    }
    const bytes = o.bytes();
    const tail = Buffer.alloc(8);
    tail.writeUInt32LE(bytes.length, 0);
    tail.write('PAR1', 4);
    writeSync(fd, bytes, 0, bytes.length, pos);
    writeSync(fd, tail, 0, 8, pos + bytes.length);
  } finally {
    closeSync(fd);
  }
  return total;
}
