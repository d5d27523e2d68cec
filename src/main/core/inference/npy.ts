import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../io/output';

/** A numpy array read from / written to .npy: shape and float32 values (C order). */
export interface NdArray {
  shape: number[];
  data: Float32Array;
}

const DTYPES: Record<string, { bytes: number; get: (v: DataView, o: number, le: boolean) => number }> = {
  f4: { bytes: 4, get: (v, o, le) => v.getFloat32(o, le) },
  f8: { bytes: 8, get: (v, o, le) => v.getFloat64(o, le) },
  u1: { bytes: 1, get: (v, o) => v.getUint8(o) },
  i1: { bytes: 1, get: (v, o) => v.getInt8(o) },
  u2: { bytes: 2, get: (v, o, le) => v.getUint16(o, le) },
  i2: { bytes: 2, get: (v, o, le) => v.getInt16(o, le) },
  u4: { bytes: 4, get: (v, o, le) => v.getUint32(o, le) },
  i4: { bytes: 4, get: (v, o, le) => v.getInt32(o, le) },
  i8: { bytes: 8, get: (v, o, le) => Number(v.getBigInt64(o, le)) },
  u8: { bytes: 8, get: (v, o, le) => Number(v.getBigUint64(o, le)) },
  b1: { bytes: 1, get: (v, o) => v.getUint8(o) },
};

/** Parse a .npy file (format 1.x/2.x/3.x, numeric dtypes, C or Fortran order) into float32. */
export function parseNpy(buf: Buffer, file: string): NdArray {
  if (buf.length < 10 || buf[0] !== 0x93 || buf.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${file}: not a .npy file (bad magic)`);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString(major === 3 ? 'utf8' : 'latin1', start, start + headerLen);
  const descr = /'descr'\s*:\s*'([<>|=])([a-z])(\d+)'/.exec(header);
  const fortran = /'fortran_order'\s*:\s*True/.test(header);
  const shapeM = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descr || !shapeM) throw new Error(`${file}: cannot read the .npy header (${header.trim()})`);
  const key = `${descr[2]}${descr[3]}`;
  const dt = DTYPES[key];
  if (!dt) throw new Error(`${file}: dtype ${descr[1]}${key} is not supported (numeric dtypes only)`);
  const le = descr[1] !== '>';
  const shape = shapeM[1].split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = start + headerLen;
  if (buf.length < offset + count * dt.bytes) throw new Error(`${file}: truncated: shape (${shape.join(',')}) needs ${count * dt.bytes} bytes, file has ${buf.length - offset}`);
  const view = new DataView(buf.buffer, buf.byteOffset + offset, count * dt.bytes);
  const raw = new Float32Array(count);
  for (let i = 0; i < count; i++) raw[i] = dt.get(view, i * dt.bytes, le);
  return { shape, data: fortran ? fortranToC(raw, shape) : raw };
}

function fortranToC(src: Float32Array, shape: number[]): Float32Array {
  const out = new Float32Array(src.length);
  const nd = shape.length;
  const idx = new Array(nd).fill(0);
  for (let i = 0; i < src.length; i++) {
    // i walks C order; compute the Fortran offset of the same index
    let f = 0;
    let s = 1;
    for (let d = 0; d < nd; d++) {
      f += idx[d] * s;
      s *= shape[d];
    }
    out[i] = src[f];
    for (let d = nd - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

export const readNpy = (file: string): NdArray => parseNpy(readFileSync(file), file);

/** Encode float32 little-endian, C order, format 1.0 with the header padded to 64 bytes. */
export function encodeNpy(a: NdArray): Buffer {
  const shape = a.shape.length === 1 ? `(${a.shape[0]},)` : `(${a.shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const out = Buffer.alloc(10 + header.length + a.data.length * 4);
  out[0] = 0x93;
  out.write('NUMPY', 1, 'latin1');
  out[6] = 1;
  out[7] = 0;
  out.writeUInt16LE(header.length, 8);
  out.write(header, 10, 'latin1');
  const dv = new DataView(out.buffer, out.byteOffset + 10 + header.length);
  for (let i = 0; i < a.data.length; i++) dv.setFloat32(i * 4, a.data[i], true);
  return out;
}

export async function writeNpy(file: string, a: NdArray): Promise<void> {
  await writeFileAtomic(file, encodeNpy(a));
}
