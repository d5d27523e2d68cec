import { readFile } from 'node:fs/promises';

/** A 2-D float image from a numpy .npy file (row-major, as CellProfiler's SaveImages writes them). */
export interface NpyImage {
  height: number;
  width: number;
  data: Float32Array | Float64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/**
 * Parses numpy's .npy format (versions 1–3): magic, version, header length, a Python-literal
 * header {'descr', 'fortran_order', 'shape'}, then the array. Only 2-D float32/float64 arrays are
 * illumination functions; anything else is refused in one line naming the file.
 */
export function parseNpy(bytes: Uint8Array, file: string): NpyImage {
  const bad = (what: string) => new Error(`${file}: ${what}`);
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m)) throw bad('not a numpy .npy file (no \\x93NUMPY magic)');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major !== 1 && major !== 2 && major !== 3) throw bad(`unsupported .npy format version ${major}`);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLen > bytes.length) throw bad('truncated .npy header');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw bad(`unreadable .npy header ${JSON.stringify(header.trim())}`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (shape.length !== 2 || shape.some((n) => !Number.isInteger(n) || n < 1))
    throw bad(`an illumination function must be a 2-D image; this array has shape (${shape.join(', ')})`);
  const size = descr === '<f4' ? 4 : descr === '<f8' ? 8 : 0;
  if (!size) throw bad(`an illumination function must be float32 or float64 (little-endian); this array is '${descr}'`);
  const [h, w] = shape;
  const offset = start + headerLen;
  if (bytes.length - offset < h * w * size) throw bad(`truncated: ${h}×${w} ${descr} needs ${h * w * size} bytes, the file has ${bytes.length - offset}`);
  // copy: the file's data offset need not be aligned for a typed-array view
  const raw = new Uint8Array(h * w * size);
  raw.set(bytes.subarray(offset, offset + raw.length));
  const flat = size === 4 ? new Float32Array(raw.buffer) : new Float64Array(raw.buffer);
  if (fortran === 'False') return { height: h, width: w, data: flat };
  const data = size === 4 ? new Float32Array(h * w) : new Float64Array(h * w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = flat[x * h + y];
  return { height: h, width: w, data };
}

export async function readNpy(file: string): Promise<NpyImage> {
  return parseNpy(await readFile(file), file);
}

/** numpy.save's bytes of a row-major float32 image (format 1.0, header padded to 64 bytes). */
export function npyBytes(img: { height: number; width: number; data: Float32Array }): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${img.height}, ${img.width}), }`;
  header += ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  const out = new Uint8Array(10 + header.length + img.data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength), 10 + header.length);
  return out;
}
