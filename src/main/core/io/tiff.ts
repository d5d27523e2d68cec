import { open } from 'node:fs/promises';
import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { writeFileAtomic } from './output';

/** A single-channel image in memory: row-major pixels. */
export interface Gray {
  width: number;
  height: number;
  bitDepth: 8 | 16;
  data: Uint8Array | Uint16Array;
}

/**
 * Encode a baseline TIFF (uncompressed, one strip, little-endian, MinIsBlack) of 8- or 16-bit
 * grey pixels. Written by hand so that the same pixels always give the same bytes (no dates,
 * no software tags) and so that it is fast: it is a header plus a copy.
 */
export function encodeTiff(img: Gray): Buffer {
  const { width, height, bitDepth, data } = img;
  if (data.length !== width * height) throw new Error(`encodeTiff: ${data.length} pixels for ${width}×${height}`);
  const bytesPerPixel = bitDepth / 8;
  const pixelBytes = width * height * bytesPerPixel;
  const tags: Array<[number, number, number, number]> = [
    // tag, type (3 SHORT, 4 LONG), count, value
    [256, 4, 1, width], // ImageWidth
    [257, 4, 1, height], // ImageLength
    [258, 3, 1, bitDepth], // BitsPerSample
    [259, 3, 1, 1], // Compression: none
    [262, 3, 1, 1], // PhotometricInterpretation: MinIsBlack
    [273, 4, 1, 0], // StripOffsets (patched below)
    [277, 3, 1, 1], // SamplesPerPixel
    [278, 4, 1, height], // RowsPerStrip
    [279, 4, 1, pixelBytes], // StripByteCounts
    [284, 3, 1, 1], // PlanarConfiguration: chunky
    [339, 3, 1, 1], // SampleFormat: unsigned int
  ];
  const ifdOffset = 8;
  const ifdSize = 2 + tags.length * 12 + 4;
  const dataOffset = ifdOffset + ifdSize;
  tags[5][3] = dataOffset;
  const buf = Buffer.alloc(dataOffset + pixelBytes);
  buf.write('II', 0, 'ascii');
  buf.writeUInt16LE(42, 2);
  buf.writeUInt32LE(ifdOffset, 4);
  buf.writeUInt16LE(tags.length, ifdOffset);
  tags.forEach(([tag, type, count, value], i) => {
    const o = ifdOffset + 2 + i * 12;
    buf.writeUInt16LE(tag, o);
    buf.writeUInt16LE(type, o + 2);
    buf.writeUInt32LE(count, o + 4);
    if (type === 3) buf.writeUInt16LE(value, o + 8);
    else buf.writeUInt32LE(value, o + 8);
  });
  buf.writeUInt32LE(0, ifdOffset + 2 + tags.length * 12); // no next IFD
  if (bitDepth === 8) buf.set(data as Uint8Array, dataOffset);
  else {
    const src = data as Uint16Array;
    for (let i = 0, o = dataOffset; i < src.length; i++, o += 2) {
      const v = src[i];
      buf[o] = v & 0xff;
      buf[o + 1] = v >> 8;
    }
  }
  return buf;
}

/** Write atomically: a crash never leaves a half-written image under the final name; a failed write names the file and cause. */
export async function writeTiff(path: string, img: Gray): Promise<void> {
  await writeFileAtomic(path, encodeTiff(img));
}

export class ImageReadError extends Error {
  constructor(
    public file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

export interface ImageHeader {
  width: number;
  height: number;
  bitDepth: number;
  channels: number;
  /** how the samples are stored (TIFF SampleFormat): unsigned or signed integers, or IEEE floats */
  sampleFormat: SampleFormat;
  format: string;
}

export type SampleFormat = 'uint' | 'int' | 'float';

/**
 * Why an image cannot be read as the single-channel 8/16-bit unsigned grey image every model and
 * measurement here expects; null when it can. Float images are refused, not rescaled: no rule maps
 * arbitrary float intensities onto the integer range the models were trained on without changing
 * the biology that the numbers mean, so the user converts them knowingly.
 */
export function unsupportedSamples(h: Pick<ImageHeader, 'bitDepth' | 'channels' | 'sampleFormat'>): string | null {
  if (h.channels >= 3) return `${h.channels} samples per pixel (colour/RGB); Stainless reads single-channel grey images: split the channels into one file each`;
  if (h.sampleFormat === 'float') return `${h.bitDepth}-bit floating-point pixels; Stainless reads 8- or 16-bit unsigned integer images: convert to 16-bit first`;
  if (h.sampleFormat === 'int') return `${h.bitDepth}-bit signed integer pixels; Stainless reads 8- or 16-bit unsigned integer images: convert to unsigned 16-bit first`;
  if (h.bitDepth !== 8 && h.bitDepth !== 16) return `${h.bitDepth}-bit pixels; Stainless reads 8- or 16-bit unsigned integer images`;
  return null;
}

const DEPTH_BITS: Record<string, number> = { uchar: 8, char: 8, ushort: 16, short: 16, uint: 32, int: 32, float: 32, double: 64 };

function sampleFormatOf(depth: string | undefined): SampleFormat {
  if (depth === 'float' || depth === 'double' || depth === 'complex' || depth === 'dpcomplex') return 'float';
  return depth === 'char' || depth === 'short' || depth === 'int' ? 'int' : 'uint';
}

/** Size and bit depth from the file header only (no pixel decode), with a clear error naming the file. */
export async function readImageHeader(file: string): Promise<ImageHeader> {
  let meta: Metadata;
  try {
    meta = await sharp(file).metadata();
  } catch (e) {
    throw new ImageReadError(file, `not a readable image (${(e as Error).message})`);
  }
  if (!meta.width || !meta.height) throw new ImageReadError(file, 'image has no size in its header');
  const depth = meta.depth ?? 'uchar';
  return {
    width: meta.width,
    height: meta.height,
    bitDepth: DEPTH_BITS[depth] ?? 8,
    // grey + alpha (2 bands) reads as grey; 3 or more bands are colour
    channels: meta.channels ?? 1,
    sampleFormat: sampleFormatOf(depth),
    format: meta.format ?? 'unknown',
  };
}

/**
 * Decode any single-channel 8/16-bit image sharp reads (TIFF incl. LZW/deflate, PNG) into a Gray.
 * Truncated or corrupt files fail with a message naming the file.
 */
export async function readGray(file: string): Promise<Gray> {
  // Fast path for the uncompressed baseline TIFFs Stainless writes and most microscopes export.
  const fast = await readBaselineTiff(file).catch((e) => {
    if (e instanceof ImageReadError) throw e;
    return null;
  });
  if (fast) return fast;
  let out: { data: Buffer; info: OutputInfo };
  try {
    const img = sharp(file, { failOn: 'error', limitInputPixels: false });
    const meta = await img.metadata();
    const bands = meta.channels ?? 1;
    const why = unsupportedSamples({ bitDepth: DEPTH_BITS[meta.depth ?? 'uchar'] ?? 8, channels: 1, sampleFormat: sampleFormatOf(meta.depth) });
    if (why) throw new ImageReadError(file, why);
    const depth = meta.depth === 'ushort' || meta.depth === 'short' ? 16 : 8;
    if (bands >= 3) {
      // Colour only in form: grey saved as RGB (equal bands, as libvips and many tools write it) is read as grey.
      const grey = await greyOfColour(file, depth);
      if (!grey) throw new ImageReadError(file, unsupportedSamples({ bitDepth: depth, channels: bands, sampleFormat: 'uint' })!);
      return grey;
    }
    // Keep the pipeline in grey: sharp's default sRGB pipeline rescales 16-bit values.
    const space = depth === 16 ? 'grey16' : 'b-w';
    out = await img
      .pipelineColourspace(space)
      .toColourspace(space)
      .raw({ depth: depth === 16 ? 'ushort' : 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (e) {
    if (e instanceof ImageReadError) throw e;
    throw new ImageReadError(file, `cannot decode image (${(e as Error).message})`);
  }
  const { width, height } = out.info;
  const bytes = out.data;
  const bitDepth = bytes.length === width * height * 2 ? 16 : 8;
  const data =
    bitDepth === 16
      ? new Uint16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length))
      : new Uint8Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  return { width, height, bitDepth, data };
}

/** The first band of a 3/4-band image when its R, G and B bands are equal everywhere; null when it has colour. */
export async function greyOfColour(file: string, depth: 8 | 16): Promise<Gray | null> {
  const space = depth === 16 ? 'rgb16' : 'srgb';
  const { data, info } = await sharp(file, { failOn: 'error', limitInputPixels: false })
    .pipelineColourspace(space)
    .toColourspace(space)
    .raw({ depth: depth === 16 ? 'ushort' : 'uchar' })
    .toBuffer({ resolveWithObject: true });
  const px = depth === 16 ? new Uint16Array(data.buffer, data.byteOffset, data.length / 2) : new Uint8Array(data.buffer, data.byteOffset, data.length);
  const n = info.width * info.height;
  const c = info.channels;
  const out = depth === 16 ? new Uint16Array(n) : new Uint8Array(n);
  for (let i = 0, o = 0; i < n; i++, o += c) {
    const v = px[o];
    if (px[o + 1] !== v || px[o + 2] !== v) return null;
    out[i] = v;
  }
  return { width: info.width, height: info.height, bitDepth: depth, data: out };
}

/** Reads uncompressed, single-strip-or-contiguous, little-endian grey TIFFs without a decoder; null otherwise. */
async function readBaselineTiff(file: string): Promise<Gray | null> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const head = Buffer.alloc(Math.min(size, 4096));
    await fh.read(head, 0, head.length, 0);
    if (head.length < 8 || head.toString('ascii', 0, 2) !== 'II' || head.readUInt16LE(2) !== 42) return null;
    const ifd = head.readUInt32LE(4);
    if (ifd + 2 > head.length) return null;
    const n = head.readUInt16LE(ifd);
    if (ifd + 2 + n * 12 > head.length) return null;
    const t = new Map<number, { type: number; count: number; value: number }>();
    for (let i = 0; i < n; i++) {
      const o = ifd + 2 + i * 12;
      const type = head.readUInt16LE(o + 2);
      const count = head.readUInt32LE(o + 4);
      const value = type === 3 && count === 1 ? head.readUInt16LE(o + 8) : head.readUInt32LE(o + 8);
      t.set(head.readUInt16LE(o), { type, count, value });
    }
    const width = t.get(256)?.value;
    const height = t.get(257)?.value;
    const bits = t.get(258)?.value;
    const comp = t.get(259)?.value ?? 1;
    const spp = t.get(277)?.value ?? 1;
    const strips = t.get(273);
    // (with several samples the tag holds an offset; those images go to the general path)
    const sampleFormat = spp === 1 ? (t.get(339)?.value ?? 1) : 1;
    if (sampleFormat !== 1) throw new ImageReadError(file, unsupportedSamples({ bitDepth: bits ?? 0, channels: spp, sampleFormat: sampleFormat === 3 ? 'float' : sampleFormat === 2 ? 'int' : 'uint' }) ?? `TIFF SampleFormat ${sampleFormat} is not supported`);
    if (!width || !height || (bits !== 8 && bits !== 16) || comp !== 1 || spp !== 1 || !strips || strips.count !== 1) return null;
    const bytes = width * height * (bits / 8);
    if (strips.value + bytes > size) throw new ImageReadError(file, `truncated: header promises ${bytes} bytes of pixels, file has ${size - strips.value}`);
    const buf = Buffer.alloc(bytes);
    await fh.read(buf, 0, bytes, strips.value);
    const data = bits === 16 ? new Uint16Array(buf.buffer, buf.byteOffset, width * height) : new Uint8Array(buf.buffer, buf.byteOffset, width * height);
    return { width, height, bitDepth: bits, data: bits === 16 ? new Uint16Array(data) : new Uint8Array(data) };
  } finally {
    await fh.close();
  }
}
