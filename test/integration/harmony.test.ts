import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openCatalog } from '../../src/main/core/catalog/db';
import { importPlate, previewImport } from '../../src/main/core/catalog/importPlate';
import { readHarmonyIndex } from '../../src/main/core/io/harmony';
import { writePhenixPlate } from '../fixtures/import/plates';
import { simulatePlate } from '../../src/main/core/simulate';
import { readParquet } from 'parquet-wasm';
import { tableFromIPC } from 'apache-arrow';
import { createCore } from '../../src/main/core/core';
import { dispatch, handlers } from '../../src/main/core/api';
import { registerBundledModels } from '../../src/main/core/inference';
import type { InferSummary, RunInfo } from '../../src/shared/contract/inference';
import type { JobInfo } from '../../src/shared/contract/jobs';

const repo = resolve(import.meta.dirname, '../..');

// real Harmony exports from pe2loaddata's test data (README beside them says which and where from)
const fixtures = resolve(import.meta.dirname, '../fixtures/import/harmony');
const JUMP = join(fixtures, 'BR00121482.Index.idx.xml');
const PHASE = join(fixtures, 'BR00122249.Index.idx.xml');
const V7 = join(fixtures, 'WES-96.Index.xml');
const PX = 0.5979760809567617;
const root = mkdtempSync(join(tmpdir(), 'stainless-harmony-'));
test.after(() => rmSync(root, { recursive: true, force: true }));
const close = (a: number | null, b: number) => assert.ok(a !== null && Math.abs(a - b) < 1e-9, `${a} vs ${b}`);

/** A copy of a real index with its <Image> elements repeated, edited by `edit(image text, copy number)`: more planes or fields than the export has. */
function repeatImages(file: string, copies: number, edit: (img: string, k: number) => string): string {
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf('<Image Version=');
  const end = text.lastIndexOf('</Images>');
  const images = text.slice(start, end);
  const out = join(root, `${copies}-${Math.random().toString(36).slice(2)}.idx.xml`);
  writeFileSync(out, text.slice(0, start) + Array.from({ length: copies }, (_, k) => edit(images, k + 1)).join('') + text.slice(end));
  return out;
}

test('a real Harmony V5 export (JUMP plate BR00121482): plate, objective, channel names, numbers and wavelengths, pixel size, plane z, field position', async () => {
  const h = await readHarmonyIndex(JUMP);
  assert.deepEqual(h.plate, { id: 'BR00121482', name: 'BR00121482', rows: 16, cols: 24, typeName: '384 PerkinElmer CellCarrier Ultra' });
  assert.deepEqual(h.objective, { magnification: 20, na: 1 });
  assert.deepEqual(h.channels.map((c) => [c.number, c.name, c.excitationNm, c.emissionNm]), [
    [1, 'Alexa 647', 640, 706],
    [2, 'Alexa 568', 561, 599],
    [3, '488 long', 488, 599],
    [4, 'Alexa 488', 488, 522],
    [5, 'HOECHST 33342', 405, 456],
    [6, 'Brightfield', 740, 0],
  ]);
  for (const c of h.channels) close(c.pixelSizeUm, PX);
  assert.deepEqual(h.planes.length, 1);
  close(h.planes[0].zUm, -5);
  assert.deepEqual(h.fields.map((f) => f.field), [1]);
  close(h.fields[0].xUm, 0);
  assert.equal(h.images, 6);
});

test('a real Harmony V5 export with phase contrast (BR00122249) and a real Harmony V7 Index.xml (96-well): both read, skipping the flat-field blobs', async () => {
  const p = await readHarmonyIndex(PHASE);
  assert.equal(p.plate.id, 'BR00122249');
  assert.deepEqual(p.channels.map((c) => c.name), ['Digital Phase Contrast', 'Brightfield high', '488 650', 'Alexa 488', 'Alexa 568', 'Alexa 647']);
  for (const c of p.channels) close(c.pixelSizeUm, PX);
  // the plane's z is its first image's (each channel of this export has its own PositionZ)
  close(p.planes[0].zUm, -3.016);
  close(p.fields[0].xUm, -322.907);
  close(p.fields[0].yUm, -322.907);
  const v = await readHarmonyIndex(V7);
  assert.deepEqual(v.plate, { id: '240624_WES_Perturbs_n_densities_1.1', name: '240624_WES_Perturbs_n_densities_1.1', rows: 8, cols: 12, typeName: '96 PerkinElmer CellCarrier Ultra' });
  assert.deepEqual(v.channels.map((c) => [c.number, c.name]), [
    [1, 'Alexa 488'],
    [2, 'Alexa 568'],
    [3, 'Alexa 488 Em 650'],
    [4, '405ex, 570-630-em)'],
    [5, 'Alexa 647'],
    [6, 'HOECHST 33342'],
    [7, 'Brightfield'],
  ]);
  for (const c of v.channels) close(c.pixelSizeUm, 0.29668813247470105);
  assert.equal(v.images, 7);
});

test('planes: a real index repeated as two planes gives both z positions', async () => {
  const two = repeatImages(JUMP, 2, (img, k) => img.replace(/<PlaneID>1<\/PlaneID>/g, `<PlaneID>${k}</PlaneID>`).replace(/<PositionZ Unit="m">[^<]*</g, `<PositionZ Unit="m">${k === 1 ? '-3E-06' : '0'}<`));
  const h = await readHarmonyIndex(two);
  assert.deepEqual(h.planes.map((p) => p.plane), [1, 2]);
  close(h.planes[0].zUm, -3);
  close(h.planes[1].zUm, 0);
  assert.equal(h.images, 12);
});

test('a JUMP Phenix export with its real Index.idx.xml imports with its pixel size and channel names; the JUMP channel map stays', async () => {
  const dir = join(root, 'BR00121482');
  writePhenixPlate(dir, { wells: [[0, 0]], fields: 1, channels: [1, 2, 3, 4, 5, 6] });
  copyFileSync(JUMP, join(dir, 'Images', 'Index.idx.xml'));
  const db = openCatalog(join(root, 'jump.sqlite'));
  const r = await importPlate(db, { dir });
  assert.ok(r.ok, JSON.stringify(r.problems));
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.channelMap, { ch1: 'Mito', ch2: 'AGP', ch3: 'RNA', ch4: 'ER', ch5: 'DNA', ch6: 'BFHigh', ch7: 'BFLow', ch8: 'BF' });
  close(r.harmony!.pixelSizeUm, PX);
  assert.equal(r.harmony!.file, join(dir, 'Images', 'Index.idx.xml'));
  const plate = db.prepare(`SELECT pixel_size_um AS px, acquisition FROM plates`).get() as { px: number; acquisition: string };
  close(plate.px, PX);
  const acq = JSON.parse(plate.acquisition);
  assert.deepEqual(acq.objective, { magnification: 20, na: 1 });
  assert.equal(acq.fields.length, 1);
  const chans = db.prepare(`SELECT channel, number, name, pixel_size_um AS px, excitation_nm AS ex FROM plate_channels ORDER BY number`).all() as Array<{ channel: string; number: number; name: string; px: number; ex: number }>;
  assert.deepEqual(chans.map((c) => [c.number, c.channel, c.name, c.ex]), [
    [1, 'Mito', 'Alexa 647', 640],
    [2, 'AGP', 'Alexa 568', 561],
    [3, 'RNA', '488 long', 488],
    [4, 'ER', 'Alexa 488', 488],
    [5, 'DNA', 'HOECHST 33342', 405],
    [6, 'BFHigh', 'Brightfield', 740],
  ]);
  db.close();
});

test('an export numbered its own way (real Harmony V7 Index.xml): Harmony channel names drive the channel map (the user map still wins)', async () => {
  const dir = join(root, 'WES');
  writePhenixPlate(dir, { wells: [[0, 1]], fields: 1, channels: [1, 2, 3, 4, 5, 6, 7] });
  rmSync(join(dir, 'Images', 'Index.idx.xml'), { force: true });
  copyFileSync(V7, join(dir, 'Images', 'Index.xml'));
  const p = await previewImport({ dir });
  assert.deepEqual(p.harmony!.channels.map((c) => [c.number, c.name, c.channel]), [
    [1, 'Alexa 488', 'Alexa 488'],
    [2, 'Alexa 568', 'Alexa 568'],
    [3, 'Alexa 488 Em 650', 'Alexa 488 Em 650'],
    [4, '405ex, 570-630-em)', '405ex, 570-630-em)'],
    [5, 'Alexa 647', 'Alexa 647'],
    [6, 'HOECHST 33342', 'DNA'],
    [7, 'Brightfield', 'Brightfield'],
  ]);
  const db = openCatalog(join(root, 'wes.sqlite'));
  const r = await importPlate(db, { dir, channelMap: 'ch1=ER,ch5=Mito,ch7=BF' });
  assert.ok(r.ok, JSON.stringify(r.problems));
  assert.deepEqual(db.prepare(`SELECT channel FROM plate_channels ORDER BY number`).pluck().all(), ['ER', 'Alexa 568', 'Alexa 488 Em 650', '405ex, 570-630-em)', 'Mito', 'DNA', 'BF']);
  close(db.prepare(`SELECT pixel_size_um FROM plates`).pluck().get() as number, 0.29668813247470105);
  db.close();
});

test('without a usable index the import behaves as before: no pixel size, channels by number, one warning when unreadable', async () => {
  const dir = join(root, 'PLAIN');
  writePhenixPlate(dir, { wells: [[0, 0]], fields: 1, channels: [1, 5] }); // its index is an empty <EvaluationInputData/>
  const db = openCatalog(join(root, 'plain.sqlite'));
  const r = await importPlate(db, { dir });
  assert.deepEqual(r.problems, []);
  assert.equal(r.harmony, null);
  assert.deepEqual(r.channels, ['DNA', 'Mito']);
  assert.equal(db.prepare(`SELECT pixel_size_um FROM plates`).pluck().get(), null);
  writeFileSync(join(dir, 'Images', 'Index.idx.xml'), 'not xml at all '.repeat(400));
  const p = await previewImport({ dir });
  assert.ok(p.ok);
  assert.deepEqual(p.problems.map((x) => [x.severity, x.code]), [['warning', 'harmony']]);
  assert.match(p.problems[0].message, /Index\.idx\.xml: not a Harmony index/);
  db.close();
});

test('a big index (a real one repeated over 300 fields) streams across read chunks: every image and field counted', async () => {
  const big = repeatImages(PHASE, 300, (img, f) => img.replace(/<FieldID>\d+<\/FieldID>/g, `<FieldID>${f}</FieldID>`).replace(/<PositionX Unit="m">[^<]*</g, `<PositionX Unit="m">${f}E-06<`));
  const h = await readHarmonyIndex(big);
  assert.equal(h.images, 300 * 6);
  assert.deepEqual(h.fields.map((f) => f.field), Array.from({ length: 300 }, (_, i) => i + 1));
  for (const f of h.fields) close(f.xUm, f.field);
});

test("inference takes the plate's pixel size from its index unless one is given", { timeout: 300_000 }, async () => {
  const sim = await simulatePlate({ out: join(root, 'sim'), format: 96, wells: ['A01'], sites: 1, size: 64, seed: 5, workers: 0 });
  copyFileSync(JUMP, join(sim.out, 'Images', 'Index.idx.xml'));
  const core = createCore({ workspace: join(root, 'ws'), transport: 'inprocess' });
  await importPlate(core.db, { dir: sim.out });
  await registerBundledModels(core, join(repo, 'test/fixtures/models'));
  const run = async (body: Record<string, unknown>) => {
    const job = (await dispatch(core, handlers, 'infer.start', { plate: sim.barcode, model: 'fixture-direct', ...body })) as JobInfo;
    const done = await core.jobs.wait(job.id);
    assert.equal(done.status, 'done', done.error ?? '');
    return (await dispatch(core, handlers, 'runs.get', { id: (done.result as InferSummary).runId })) as RunInfo;
  };
  close((await run({})).params.pixelSizeUm, PX);
  close((await run({ pixelSizeUm: 0.65 })).params.pixelSizeUm, 0.65);
});

test("the feature export's Parquet metadata carries the plate's pixel size", { timeout: 300_000 }, async () => {
  const sim = await simulatePlate({ out: join(root, 'simx'), format: 96, wells: ['A01', 'A02'], sites: 1, size: 64, seed: 9, workers: 0 });
  copyFileSync(JUMP, join(sim.out, 'Images', 'Index.idx.xml'));
  const core = createCore({ workspace: join(root, 'wsx'), transport: 'inprocess' });
  await importPlate(core.db, { dir: sim.out });
  const seg = (await dispatch(core, handlers, 'segment.start', { plate: sim.barcode, source: 'acquired', workers: 0 })) as JobInfo;
  const done = await core.jobs.wait(seg.id);
  assert.equal(done.status, 'done', done.error ?? '');
  for (const level of ['well', 'cell'] as const) {
    const out = join(root, `features-${level}.parquet`);
    const ex = (await dispatch(core, handlers, 'export.start', { plate: sim.barcode, source: 'acquired', level, format: 'parquet', out })) as JobInfo;
    const fin = await core.jobs.wait(ex.id);
    assert.equal(fin.status, 'done', fin.error ?? '');
    // read back by Arrow's own Parquet reader (parquet-wasm), not ours
    const schema = tableFromIPC(readParquet(readFileSync(out)).intoIPCStream()).schema;
    assert.equal(schema.metadata.get('stainless.pixel_size_um'), String(PX), `${level}: ${[...schema.metadata.keys()].join(', ')}`);
  }
});
