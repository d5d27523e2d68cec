import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { ImageReadError, readImageHeader, type ImageHeader } from './tiff';

/**
 * Size and bit depth of an image from its header, without decoding pixels, plus a check that the
 * file really holds the pixel data its header promises (a truncated TIFF is caught here, at import,
 * not later when a viewer or model opens it). Classic TIFF (either byte order) is parsed directly
 * with synchronous reads — one open and one or two small reads; on a local disk that is several
 * times faster than going through the thread pool, and callers yield between batches. Anything
 * else that looks like an image goes through sharp's metadata.
 */
export async function probeImage(file: string): Promise<ImageHeader> {
  return probeTiffSync(file) ?? readImageHeader(file);
}

/** The TIFF part of probeImage: a header, or null for a non-TIFF image (PNG, JPEG, BigTIFF). */
export function probeTiffSync(file: string): ImageHeader | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw new ImageReadError(file, `cannot open (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(Math.min(size, 8192));
    readSync(fd, head, 0, head.length, 0);
    const order = head.length >= 4 ? head.toString('latin1', 0, 2) : '';
    const le = order === 'II';
    if ((order === 'II' || order === 'MM') && (le ? head.readUInt16LE(2) : head.readUInt16BE(2)) === 42) return classicTiff(file, fd, head, size, le);
    if (order === 'II' || order === 'MM' || looksLikeOtherImage(head)) return null; // BigTIFF (43), PNG, JPEG: libvips judges
    throw new ImageReadError(file, size === 0 ? 'empty file' : 'not an image (no TIFF/PNG/JPEG signature)');
  } finally {
    closeSync(fd);
  }
}

function looksLikeOtherImage(head: Buffer): boolean {
  const png = head.length >= 8 && head.readUInt32BE(0) === 0x89504e47;
  const jpeg = head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff;
  return png || jpeg;
}

const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 16: 8 };

function classicTiff(file: string, fd: number, head: Buffer, size: number, le: boolean): ImageHeader {
  const u16 = (b: Buffer, o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
  const u32 = (b: Buffer, o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const bytesAt = (offset: number, length: number): Buffer => {
    if (offset + length > size) throw new ImageReadError(file, `truncated: header points to byte ${offset + length}, file has ${size}`);
    if (offset + length <= head.length) return head.subarray(offset, offset + length);
    const b = Buffer.alloc(length);
    readSync(fd, b, 0, length, offset);
    return b;
  };
  const ifd = u32(head, 4);
  const n = u16(bytesAt(ifd, 2), 0);
  if (n === 0) throw new ImageReadError(file, 'TIFF directory is empty');
  const dir = bytesAt(ifd + 2, n * 12);
  const tags = new Map<number, { type: number; count: number; raw: Buffer; inline: boolean; offset: number }>();
  for (let i = 0; i < n; i++) {
    const o = i * 12;
    const type = u16(dir, o + 2);
    const count = u32(dir, o + 4);
    const inline = (TYPE_SIZE[type] ?? 1) * count <= 4;
    tags.set(u16(dir, o), { type, count, raw: dir.subarray(o + 8, o + 12), inline, offset: u32(dir, o + 8) });
  }
  const values = (tag: number): number[] => {
    const t = tags.get(tag);
    if (!t) return [];
    const w = t.type === 3 ? 2 : 4;
    const buf = t.inline ? t.raw : bytesAt(t.offset, t.count * w);
    const out = new Array<number>(t.count);
    for (let i = 0; i < t.count; i++) out[i] = w === 2 ? u16(buf, i * 2) : u32(buf, i * 4);
    return out;
  };
  const first = (tag: number, dflt?: number): number | undefined => values(tag)[0] ?? dflt;
  const width = first(256);
  const height = first(257);
  if (!width || !height) throw new ImageReadError(file, 'TIFF has no image size in its header');
  const bitDepth = first(258, 1)!;
  const channels = first(277, 1)!;
  // SampleFormat: 1 unsigned (the default), 2 signed, 3 IEEE float (4 undefined: read as unsigned)
  const sf = first(339, 1)!;
  const sampleFormat = sf === 3 ? 'float' : sf === 2 ? 'int' : 'uint';
  // Pixel data lives in strips or tiles; every one must lie inside the file.
  const offsets = tags.has(324) ? values(324) : values(273);
  const counts = tags.has(325) ? values(325) : values(279);
  if (!offsets.length) throw new ImageReadError(file, 'TIFF has no strip or tile offsets');
  if (counts.length !== offsets.length) throw new ImageReadError(file, 'TIFF strip offsets and byte counts disagree');
  let end = 0;
  for (let i = 0; i < offsets.length; i++) end = Math.max(end, offsets[i] + counts[i]);
  if (end > size) throw new ImageReadError(file, `truncated: pixel data runs to byte ${end}, file has ${size}`);
  return { width, height, bitDepth, channels, sampleFormat, format: 'tiff' };
}
