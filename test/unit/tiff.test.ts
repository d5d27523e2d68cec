import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { encodeTiff, writeTiff, readGray, readImageHeader, ImageReadError } from '../../src/main/core/io/tiff';

const dir = mkdtempSync(join(tmpdir(), 'stainless-tiff-'));

test('16-bit TIFF round trip through our writer, our reader and libvips (sharp)', async () => {
  const data = new Uint16Array(37 * 23).map((_, i) => (i * 977) % 65536);
  const file = join(dir, 'a.tiff');
  await writeTiff(file, { width: 37, height: 23, bitDepth: 16, data });
  const back = await readGray(file);
  assert.equal(back.bitDepth, 16);
  assert.deepEqual(Array.from(back.data), Array.from(data));
  const hdr = await readImageHeader(file);
  assert.deepEqual([hdr.width, hdr.height, hdr.bitDepth, hdr.format], [37, 23, 16, 'tiff']);
  const { data: raw } = await sharp(file).toColourspace('grey16').raw({ depth: 'ushort' }).toBuffer({ resolveWithObject: true });
  assert.deepEqual(Array.from(new Uint16Array(raw.buffer, raw.byteOffset, raw.length / 2)), Array.from(data));
});

test('same pixels give the same bytes', () => {
  const img = { width: 4, height: 3, bitDepth: 8 as const, data: new Uint8Array(12).fill(7) };
  assert.deepEqual(encodeTiff(img), encodeTiff(img));
});

test('compressed TIFF written by libvips is read through the general path', async () => {
  const px = Buffer.alloc(16 * 16);
  px.forEach((_, i) => (px[i] = i % 251));
  const file = join(dir, 'lzw.tif');
  await sharp(px, { raw: { width: 16, height: 16, channels: 1 } }).tiff({ compression: 'lzw' }).toFile(file);
  const g = await readGray(file);
  assert.equal(g.bitDepth, 8);
  assert.deepEqual(Array.from(g.data), Array.from(px));
});

test('a truncated TIFF fails with a message naming the file', async () => {
  const file = join(dir, 'cut.tiff');
  await writeTiff(file, { width: 64, height: 64, bitDepth: 16, data: new Uint16Array(64 * 64) });
  writeFileSync(file, readFileSync(file).subarray(0, 3000));
  await assert.rejects(readGray(file), (e: unknown) => e instanceof ImageReadError && /cut\.tiff: truncated/.test(e.message));
});

test('a text file with an image name fails with a message naming the file', async () => {
  const file = join(dir, 'notes.tif');
  writeFileSync(file, 'not an image');
  await assert.rejects(readImageHeader(file), /notes\.tif: not a readable image/);
});
