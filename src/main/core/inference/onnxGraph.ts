/**
 * A minimal reader of ONNX model files (protobuf wire format, only the fields Stainless needs):
 * graph nodes with their attributes, initializer shapes (and small int64/float contents, for
 * Resize scales and Reshape targets), and graph inputs/outputs with their declared shapes.
 */

export interface OnnxAttr {
  name: string;
  i?: number;
  f?: number;
  ints: number[];
  floats: number[];
  s?: string;
  t?: OnnxTensor;
}
export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs: Map<string, OnnxAttr>;
}
export interface OnnxTensor {
  name: string;
  dims: number[];
  /** numeric contents when small (≤ 64 values) and stored as int64/float/raw */
  values: number[] | null;
}
export interface OnnxValue {
  name: string;
  shape: Array<number | string> | null;
}
export interface OnnxGraph {
  nodes: OnnxNode[];
  initializers: Map<string, OnnxTensor>;
  inputs: OnnxValue[];
  outputs: OnnxValue[];
}

class Reader {
  pos = 0;
  constructor(
    readonly buf: Uint8Array,
    readonly end = buf.length,
  ) {}
  varint(): number {
    let result = 0;
    let mul = 1;
    for (;;) {
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * mul;
      if (b < 0x80) break;
      mul *= 128;
    }
    return result;
  }
  /** signed int64 varints (e.g. -1 dims) come as 10-byte two's complement */
  svarint(): number {
    const v = this.varint();
    return v >= 2 ** 63 ? v - 2 ** 64 : v;
  }
  *fields(): Generator<{ field: number; wire: number }> {
    while (this.pos < this.end) {
      const key = this.varint();
      yield { field: Math.floor(key / 8), wire: key & 7 };
    }
  }
  bytes(): Reader {
    const n = this.varint();
    const r = new Reader(this.buf, this.pos + n);
    r.pos = this.pos;
    this.pos += n;
    return r;
  }
  string(): string {
    const r = this.bytes();
    return new TextDecoder().decode(this.buf.subarray(r.pos, r.end));
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) {
      const n = this.varint(); // read first: `pos += varint()` would add to the stale pos
      this.pos += n;
    }
    else if (wire === 5) this.pos += 4;
    else throw new Error(`protobuf: unsupported wire type ${wire}`);
  }
  float32(): number {
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 4).getFloat32(0, true);
    this.pos += 4;
    return v;
  }
}

/** repeated int64: packed (wire 2) or one by one (wire 0) */
function ints(r: Reader, wire: number, out: number[]) {
  if (wire === 2) {
    const sub = r.bytes();
    while (sub.pos < sub.end) out.push(sub.svarint());
  } else out.push(r.svarint());
}

function readTensor(r: Reader): OnnxTensor {
  const t: OnnxTensor = { name: '', dims: [], values: null };
  let dataType = 0;
  const i64: number[] = [];
  const f32: number[] = [];
  let raw: Uint8Array | null = null;
  for (const { field, wire } of r.fields()) {
    if (field === 1) ints(r, wire, t.dims);
    else if (field === 2) dataType = r.varint();
    else if (field === 8) t.name = r.string();
    else if (field === 7) ints(r, wire, i64);
    else if (field === 4 && wire === 2) {
      const s = r.bytes();
      while (s.pos < s.end) f32.push(s.float32());
    } else if (field === 4 && wire === 5) f32.push(r.float32());
    else if (field === 9) {
      const s = r.bytes();
      raw = r.buf.subarray(s.pos, s.end);
    } else r.skip(wire);
  }
  const count = t.dims.reduce((a, b) => a * b, 1);
  if (count <= 64) {
    if (i64.length) t.values = i64;
    else if (f32.length) t.values = f32;
    else if (raw) {
      const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      if (dataType === 1) t.values = Array.from({ length: raw.byteLength / 4 }, (_, k) => dv.getFloat32(k * 4, true));
      else if (dataType === 7) t.values = Array.from({ length: raw.byteLength / 8 }, (_, k) => Number(dv.getBigInt64(k * 8, true)));
    }
  }
  return t;
}

function readAttr(r: Reader): OnnxAttr {
  const a: OnnxAttr = { name: '', ints: [], floats: [] };
  for (const { field, wire } of r.fields()) {
    if (field === 1) a.name = r.string();
    else if (field === 2 && wire === 5) a.f = r.float32();
    else if (field === 3) a.i = r.svarint();
    else if (field === 4) a.s = r.string();
    else if (field === 5) a.t = readTensor(r.bytes());
    else if (field === 8) ints(r, wire, a.ints);
    else if (field === 7 && wire === 2) {
      const s = r.bytes();
      while (s.pos < s.end) a.floats.push(s.float32());
    } else r.skip(wire);
  }
  return a;
}

function readNode(r: Reader): OnnxNode {
  const n: OnnxNode = { op: '', inputs: [], outputs: [], attrs: new Map() };
  for (const { field, wire } of r.fields()) {
    if (field === 1) n.inputs.push(r.string());
    else if (field === 2) n.outputs.push(r.string());
    else if (field === 4) n.op = r.string();
    else if (field === 5) {
      const a = readAttr(r.bytes());
      n.attrs.set(a.name, a);
    } else r.skip(wire);
  }
  return n;
}

function readValueInfo(r: Reader): OnnxValue {
  const v: OnnxValue = { name: '', shape: null };
  for (const { field, wire } of r.fields()) {
    if (field === 1) v.name = r.string();
    else if (field === 2) {
      const type = r.bytes();
      for (const f of type.fields()) {
        if (f.field !== 1) {
          type.skip(f.wire);
          continue;
        }
        const tt = type.bytes();
        for (const g of tt.fields()) {
          if (g.field !== 2) {
            tt.skip(g.wire);
            continue;
          }
          const shape = tt.bytes();
          v.shape = [];
          for (const d of shape.fields()) {
            if (d.field !== 1) {
              shape.skip(d.wire);
              continue;
            }
            const dim = shape.bytes();
            let value: number | string = '?';
            for (const e of dim.fields()) {
              if (e.field === 1) value = dim.svarint();
              else if (e.field === 2) value = dim.string();
              else dim.skip(e.wire);
            }
            v.shape.push(value);
          }
        }
      }
    } else r.skip(wire);
  }
  return v;
}

export function parseOnnx(buf: Uint8Array): OnnxGraph {
  const g: OnnxGraph = { nodes: [], initializers: new Map(), inputs: [], outputs: [] };
  const model = new Reader(buf);
  for (const { field, wire } of model.fields()) {
    if (field !== 7) {
      model.skip(wire);
      continue;
    }
    const graph = model.bytes();
    for (const f of graph.fields()) {
      if (f.field === 1) g.nodes.push(readNode(graph.bytes()));
      else if (f.field === 5) {
        const t = readTensor(graph.bytes());
        g.initializers.set(t.name, t);
      } else if (f.field === 11) g.inputs.push(readValueInfo(graph.bytes()));
      else if (f.field === 12) g.outputs.push(readValueInfo(graph.bytes()));
      else graph.skip(f.wire);
    }
  }
  return g;
}
