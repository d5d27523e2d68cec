import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { createCore, type Core } from '../../src/main/core/core';
import { writeTiff, type Gray } from '../../src/main/core/io/tiff';
import { createImageHandler, type RequestHandler } from '../../src/main/core/images/handler';
import { downsample, percentiles } from '../../src/main/core/images/pixels';

let ws: string;
let core: Core;
let handler: RequestHandler;
let siteId: number;
let wellId: number;
const ids: Record<string, number> = {};

const W = 40;
const H = 30;
/** DNA: a bright square (4000) on 100; ER: horizontal ramp; labels: two objects. */
function dna(): Gray {
  const data = new Uint16Array(W * H).fill(100);
  for (let y = 10; y < 20; y++) for (let x = 10; x < 20; x++) data[y * W + x] = 4000;
  return { width: W, height: H, bitDepth: 16, data };
}
function er(): Gray {
  const data = new Uint16Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data[y * W + x] = x * 100;
  return { width: W, height: H, bitDepth: 16, data };
}
function labels(): Gray {
  const data = new Uint16Array(W * H);
  for (let y = 2; y < 8; y++) for (let x = 2; x < 8; x++) data[y * W + x] = 1;
  for (let y = 12; y < 18; y++) for (let x = 12; x < 30; x++) data[y * W + x] = 2;
  return { width: W, height: H, bitDepth: 16, data };
}

const get = (path: string) => handler(new Request(`http://127.0.0.1/img/${path}`));

before(async () => {
  ws = mkdtempSync(join(tmpdir(), 'stainless-images-'));
  core = createCore({ workspace: ws, transport: 'inprocess' });
  handler = createImageHandler(core);
  const db = core.db;
  const plate = db.prepare("INSERT INTO plates (barcode, format) VALUES ('P1', 384)").run().lastInsertRowid as number;
  wellId = db.prepare("INSERT INTO wells (plate_id, row, col, name) VALUES (?, 0, 0, 'A01')").run(plate).lastInsertRowid as number;
  siteId = db.prepare('INSERT INTO sites (well_id, field) VALUES (?, 1)').run(wellId).lastInsertRowid as number;
  const add = async (channel: string, img: Gray) => {
    const path = join(ws, `${channel}.tiff`);
    await writeTiff(path, img);
    ids[channel] = db
      .prepare("INSERT INTO images (site_id, channel, kind, path, width, height, bit_depth) VALUES (?, ?, 'acquired', ?, ?, ?, 16)")
      .run(siteId, channel, path, img.width, img.height).lastInsertRowid as number;
  };
  await add('DNA', dna());
  await add('ER', er());
  const lp = join(ws, 'nuclei.tiff');
  await writeTiff(lp, labels());
  ids.seg = db
    .prepare("INSERT INTO segmentations (site_id, source, method, nuclei_path, cells_path, n_nuclei, n_cells) VALUES (?, 'truth', 'truth', ?, ?, 2, 2)")
    .run(siteId, lp, lp).lastInsertRowid as number;
});

after(() => {
  core.close();
  rmSync(ws, { recursive: true, force: true });
});

test('image/<id> returns the raw 16-bit pixels with their size', async () => {
  const res = await get(`image/${ids.DNA}`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('x-width'), String(W));
  assert.equal(res.headers.get('x-height'), String(H));
  assert.equal(res.headers.get('x-bit-depth'), '16');
  assert.equal(res.headers.get('x-channel'), 'DNA');
  const px = new Uint16Array(await res.arrayBuffer());
  assert.deepEqual(px, dna().data);
});

test('image/<id>?level=1 is the 2×2 box mean, rounding up odd edges', async () => {
  const res = await get(`image/${ids.ER}?level=1`);
  assert.equal(res.headers.get('x-width'), '20');
  assert.equal(res.headers.get('x-height'), '15');
  const px = new Uint16Array(await res.arrayBuffer());
  // ER is x*100: the mean of columns 2k and 2k+1 is 200k + 50.
  for (let k = 0; k < 20; k++) assert.equal(px[k], 200 * k + 50);
  const odd = downsample({ width: 3, height: 1, bitDepth: 8, data: new Uint8Array([10, 20, 31]) }, 1);
  assert.deepEqual([...odd.data], [15, 31]);
});

test('label/<id>/nuclei returns the label image; bad ids and parameters are refused clearly', async () => {
  const res = await get(`label/${ids.seg}/nuclei`);
  assert.equal(res.status, 200);
  assert.deepEqual(new Uint16Array(await res.arrayBuffer()), labels().data);
  const missing = await get('image/999999');
  assert.equal(missing.status, 404);
  assert.match(await missing.text(), /no image 999999/);
  const bad = await get(`image/${ids.DNA}?level=9`);
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /level must be an integer in 0\.\.6/);
  const segs = (await (await get(`segmentations/${siteId}`)).json()) as { id: number; method: string; nuclei: number }[];
  assert.deepEqual(segs.map((x) => [x.id, x.method, x.nuclei]), [[ids.seg, 'truth', 2]]);
  const which = await get(`label/${ids.seg}/membranes`);
  assert.equal(which.status, 400);
  const route = await get('nothing/1');
  assert.equal(route.status, 404);
  const notId = await get('image/..%2F..%2Fetc%2Fpasswd');
  assert.equal(notId.status, 400);
});

test('thumb/<site> composites channels in their colours, scaled to size, and caches the PNG', async () => {
  const res = await get(`thumb/${siteId}?channels=DNA&size=20`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'image/png');
  const { data, info } = await sharp(Buffer.from(await res.arrayBuffer())).raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.width, 20);
  assert.equal(info.height, 15);
  // A single channel is shown in grey: the square (rows/cols 10..19 → 5..9) is white, the rest black.
  const at = (x: number, y: number) => [...data.subarray((y * 20 + x) * info.channels, (y * 20 + x) * info.channels + 3)];
  assert.deepEqual(at(7, 7), [255, 255, 255]);
  assert.deepEqual(at(1, 1), [0, 0, 0]);
  assert.equal(readdirSync(join(ws, 'thumbnails')).filter((f) => f.endsWith('.png')).length, 1);

  // Two channels: DNA in blue (#3b6cff) and ER in green: the square centre has blue, the right edge green.
  const two = await get(`well-thumb/${wellId}?channels=DNA,ER&size=40`);
  const rgb = await sharp(Buffer.from(await two.arrayBuffer())).raw().toBuffer({ resolveWithObject: true });
  const px = (x: number, y: number) => [...rgb.data.subarray((y * 40 + x) * rgb.info.channels, (y * 40 + x) * rgb.info.channels + 3)];
  const centre = px(12, 15);
  assert.ok(centre[2] > 200 && centre[2] > centre[0], `square is blue: ${centre}`);
  const edge = px(39, 2);
  assert.ok(edge[1] > 200 && edge[0] < 80 && edge[2] < 80, `right edge is green: ${edge}`);

  const unknown = await get(`thumb/${siteId}?channels=Mito`);
  assert.equal(unknown.status, 404);
  assert.match(await unknown.text(), /no acquired channel "Mito" \(has DNA, ER\)/);
});

test('percentiles match the sorted-array definition', () => {
  const data = new Uint16Array(1001);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7919) % 5003;
  const sorted = [...data].sort((a, b) => a - b);
  const [lo, hi] = percentiles({ width: 1001, height: 1, bitDepth: 16, data }, 1, 99);
  assert.equal(lo, sorted[Math.floor(0.01 * 1000)]);
  assert.equal(hi, sorted[Math.floor(0.99 * 1000)]);
});
