import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openCatalog } from '../../src/main/core/catalog/db';
import { importPlate, previewImport } from '../../src/main/core/catalog/importPlate';
import { readHarmonyIndex } from '../../src/main/core/io/harmony';
import { block, writePhenixPlate } from '../fixtures/import/plates';
import { simulatePlate } from '../../src/main/core/simulate';
import { readParquet } from 'parquet-wasm';
import { tableFromIPC } from 'apache-arrow';
import { createCore } from '../../src/main/core/core';
import { dispatch, handlers } from '../../src/main/core/api';
import { registerBundledModels } from '../../src/main/core/inference';
import type { InferSummary, RunInfo } from '../../src/shared/contract/inference';
import type { JobInfo } from '../../src/shared/contract/jobs';

const repo = resolve(import.meta.dirname, '../..');

const fixtures = resolve(import.meta.dirname, '../fixtures/import/harmony');
const JUMP = join(fixtures, 'harmony5-jump.idx.xml');
const OPERETTA = join(fixtures, 'harmony4-operetta.idx.xml');
const root = mkdtempSync(join(tmpdir(), 'stainless-harmony-'));
test.after(() => rmSync(root, { recursive: true, force: true }));
const close = (a: number | null, b: number) => assert.ok(a !== null && Math.abs(a - b) < 1e-9, `${a} vs ${b}`);

test('Harmony 5 index (channels in <Maps>): pixel size, channel names and numbers, plane z, field positions', async () => {
  const h = await readHarmonyIndex(JUMP);
  assert.deepEqual(h.plate, { id: 'PHX5', name: 'PHX5', rows: 16, cols: 24, typeName: 'PerkinElmer CellCarrier Ultra 384' });
  assert.deepEqual(h.objective, { magnification: 20, na: 1 });
  assert.deepEqual(h.channels.map((c) => [c.number, c.name, c.excitationNm, c.emissionNm]), [
    [1, 'Alexa 647', 640, 706],
    [2, 'Alexa 568', 561, 599],
    [3, '488 long', 488, 599],
    [4, 'Alexa 488', 488, 522],
    [5, 'HOECHST 33342', 375, 456],
    [6, 'Brightfield H', 740, 740],
    [7, 'Brightfield L', 740, 740],
    [8, 'Brightfield', 740, 740],
  ]);
  for (const c of h.channels) close(c.pixelSizeUm, 0.59813);
  assert.equal(h.planes.length, 1);
  close(h.planes[0].zUm, 2);
  assert.deepEqual(h.fields.map((f) => f.field), [1, 2]);
  close(h.fields[0].xUm, -320);
  close(h.fields[0].yUm, 320);
  close(h.fields[1].xUm, 0);
  assert.equal(h.images, 16);
});

test('Harmony 4 index (channels on every <Image>): two planes, three channels', async () => {
  const h = await readHarmonyIndex(OPERETTA);
  assert.deepEqual(h.channels.map((c) => c.name), ['DAPI', 'Alexa 488', 'MitoTracker Deep Red']);
  for (const c of h.channels) close(c.pixelSizeUm, 0.64958);
  assert.deepEqual(h.planes.map((p) => p.plane), [1, 2]);
  close(h.planes[0].zUm, -3);
  close(h.planes[1].zUm, 0);
  close(h.fields[1].xUm, 400);
  assert.deepEqual(h.objective, { magnification: 20, na: 0.8 });
});

test('a JUMP Phenix export with Index.idx.xml imports with its pixel size and channel names; the JUMP channel map stays', async () => {
  const dir = join(root, 'PHX5');
  writePhenixPlate(dir, { wells: block(1, 2), fields: 2, channels: [1, 2, 3, 4, 5, 6, 7, 8] });
  copyFileSync(JUMP, join(dir, 'Images', 'Index.idx.xml'));
  const db = openCatalog(join(root, 'phx5.sqlite'));
  const r = await importPlate(db, { dir });
  assert.ok(r.ok, JSON.stringify(r.problems));
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.channelMap, { ch1: 'Mito', ch2: 'AGP', ch3: 'RNA', ch4: 'ER', ch5: 'DNA', ch6: 'BFHigh', ch7: 'BFLow', ch8: 'BF' });
  close(r.harmony!.pixelSizeUm, 0.59813);
  assert.equal(r.harmony!.file, join(dir, 'Images', 'Index.idx.xml'));
  const plate = db.prepare(`SELECT pixel_size_um AS px, acquisition FROM plates`).get() as { px: number; acquisition: string };
  close(plate.px, 0.59813);
  const acq = JSON.parse(plate.acquisition);
  assert.deepEqual(acq.objective, { magnification: 20, na: 1 });
  assert.equal(acq.fields.length, 2);
  const chans = db.prepare(`SELECT channel, number, name, pixel_size_um AS px, excitation_nm AS ex FROM plate_channels ORDER BY number`).all() as Array<{ channel: string; number: number; name: string; px: number; ex: number }>;
  assert.deepEqual(chans.map((c) => [c.number, c.channel, c.name, c.ex]), [
    [1, 'Mito', 'Alexa 647', 640],
    [2, 'AGP', 'Alexa 568', 561],
    [3, 'RNA', '488 long', 488],
    [4, 'ER', 'Alexa 488', 488],
    [5, 'DNA', 'HOECHST 33342', 375],
    [6, 'BFHigh', 'Brightfield H', 740],
    [7, 'BFLow', 'Brightfield L', 740],
    [8, 'BF', 'Brightfield', 740],
  ]);
  db.close();
});

test('an export numbered its own way: Harmony channel names drive the channel map (the user map still wins)', async () => {
  const dir = join(root, 'OPR4');
  writePhenixPlate(dir, { wells: [[0, 1]], fields: 2, channels: [1, 2, 3] });
  copyFileSync(OPERETTA, join(dir, 'Images', 'Index.idx.xml'));
  const p = await previewImport({ dir });
  assert.deepEqual(p.channels, ['Alexa 488', 'DNA', 'Mito']);
  assert.deepEqual(p.harmony!.channels.map((c) => [c.number, c.name, c.channel]), [
    [1, 'DAPI', 'DNA'],
    [2, 'Alexa 488', 'Alexa 488'],
    [3, 'MitoTracker Deep Red', 'Mito'],
  ]);
  const db = openCatalog(join(root, 'opr4.sqlite'));
  const r = await importPlate(db, { dir, channelMap: 'ch2=ER' });
  assert.deepEqual(r.channels, ['DNA', 'ER', 'Mito']);
  close(db.prepare(`SELECT pixel_size_um FROM plates`).pluck().get() as number, 0.64958);
  assert.deepEqual(db.prepare(`SELECT channel FROM plate_channels ORDER BY number`).pluck().all(), ['DNA', 'ER', 'Mito']);
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

test('a big index streams across read chunks: every image and field counted', async () => {
  const text = readFileSync(OPERETTA, 'utf8');
  const start = text.indexOf('    <Image Version="1">');
  const end = text.lastIndexOf('</Images>');
  const one = text.slice(start, end);
  const fields: string[] = [];
  for (let f = 1; f <= 300; f++) fields.push(one.replace(/<FieldID>\d+<\/FieldID>/g, `<FieldID>${f}</FieldID>`).replace(/<PositionX Unit="m">[^<]*</g, `<PositionX Unit="m">${f}E-06<`));
  const big = join(root, 'big.idx.xml');
  writeFileSync(big, text.slice(0, start) + fields.join('') + text.slice(end));
  const h = await readHarmonyIndex(big);
  assert.equal(h.images, 300 * 12);
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
  close((await run({})).params.pixelSizeUm, 0.59813);
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
    assert.equal(schema.metadata.get('stainless.pixel_size_um'), '0.59813', `${level}: ${[...schema.metadata.keys()].join(', ')}`);
  }
});
