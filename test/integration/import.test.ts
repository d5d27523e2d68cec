import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, mkdirSync, renameSync, rmSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { openCatalog, type Db } from '../../src/main/core/catalog/db';
import { importPlate, ImportFailed, previewImport } from '../../src/main/core/catalog/importPlate';
import { listPlates, getPlate, getWell, listCompounds, findWellId } from '../../src/main/core/catalog/queries';
import type { ImportOptions } from '../../src/shared/contract/catalog';
import { createCore } from '../../src/main/core/core';
import { handlers, dispatch, ApiError } from '../../src/main/core/api';
import { writePhenixPlate, writeImageXpressPlate, writeJumpMetadata, block, COMPOUNDS, writeTiff } from '../fixtures/import/plates';

const root = mkdtempSync(join(tmpdir(), 'stainless-import-'));
const ALL8 = [1, 2, 3, 4, 5, 6, 7, 8];
const CELL_PAINTING = ['AGP', 'BF', 'BFHigh', 'BFLow', 'DNA', 'ER', 'Mito', 'RNA'];

/** Every catalog table's rows, to show that a refused import changed nothing. */
function snapshot(db: Db): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const t of ['plates', 'compounds', 'wells', 'sites', 'images', 'runs', 'run_sites', 'segmentations', 'models'])
    out[t] = db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all();
  return out;
}

const JUMP_MAP = [
  { well: 'A1', broad_sample: '' },
  { well: 'A02', broad_sample: COMPOUNDS[0].broad_sample, mmoles_per_liter: 10 },
  { well: 'A3', broad_sample: COMPOUNDS[1].broad_sample, mmoles_per_liter: 2.5 },
  { well: 'B01', broad_sample: COMPOUNDS[2].broad_sample, mmoles_per_liter: 1 },
  { well: 'B2', broad_sample: '' },
];

/** A 2×3-well, 2-site, 8-channel Phenix plate with JUMP metadata beside its Images folder. */
function phenixPlate(name: string, barcode = name): string {
  const dir = join(root, name);
  writePhenixPlate(dir, { wells: block(2, 3), fields: 2, channels: ALL8 });
  writeJumpMetadata(dir, barcode, `${barcode}-map`, JUMP_MAP, COMPOUNDS);
  return dir;
}

function freshDb(name: string): Db {
  return openCatalog(join(root, `${name}.sqlite`));
}

test('Phenix plate with JUMP metadata: exact counts and per-well annotation', async () => {
  const db = freshDb('phenix');
  const dir = phenixPlate('PH1');
  const seen: string[] = [];
  const scanDone: number[] = [];
  const r = await importPlate(db, { dir }, (p) => {
    seen.push(p.phase);
    if (p.phase === 'scan') scanDone.push(p.done);
  });
  assert.deepEqual(scanDone, [96], 'progress: files scanned, once per 200 and at the end');
  assert.ok(r.ok);
  assert.deepEqual(
    [r.barcode, r.format, r.naming, r.wells, r.sites, r.images, r.annotatedWells, r.unannotatedWells, r.compounds],
    ['PH1', 96, 'phenix', 6, 12, 96, 5, 1, 4],
  );
  assert.deepEqual(r.inserted, { wells: 6, sites: 12, images: 96, compounds: 4 });
  assert.deepEqual(r.channels, CELL_PAINTING);
  assert.deepEqual(r.problems, []);
  assert.ok(seen.includes('scan') && seen.includes('write'));
  const [plate] = listPlates(db);
  assert.deepEqual([plate.barcode, plate.wells, plate.sites, plate.images, plate.annotatedWells, plate.platemapName], ['PH1', 6, 12, 96, 5, 'PH1-map']);
  assert.deepEqual(plate.channels, CELL_PAINTING);
  const layout = getPlate(db, 'PH1').wells.map((w) => [w.name, w.compound, w.moa, w.target, w.controlType, w.concentration, w.sites]);
  assert.deepEqual(layout, [
    ['A01', 'DMSO', null, null, 'negcon', null, 2],
    ['A02', 'aloxistatin', 'cathepsin inhibitor', 'CTSB', 'trt', 10, 2],
    ['A03', 'dexamethasone', 'glucocorticoid receptor agonist', 'NR3C1', 'poscon', 2.5, 2],
    ['B01', 'AMG900', 'Aurora kinase inhibitor', 'AURKA|AURKB', 'trt', 1, 2],
    ['B02', 'DMSO', null, null, 'negcon', null, 2],
    ['B03', null, null, null, null, null, 2],
  ]);
  const well = getWell(db, findWellId(db, 'PH1', 0, 1));
  assert.equal(well.well.concentrationUnit, 'mM');
  assert.deepEqual(well.sites.map((s) => s.field), [1, 2]);
  assert.deepEqual(well.sites[1].images.map((i) => [i.channel, i.kind, i.width, i.height, i.bitDepth, i.runId]), CELL_PAINTING.map((c) => [c, 'acquired', 8, 8, 16, null]));
  assert.ok(well.sites[1].images.find((i) => i.channel === 'DNA')!.path.endsWith('r01c02f02p01-ch5sk1fk1fl1.tiff'));
  const cmp = listCompounds(db, { search: 'kinase', limit: 10, offset: 0 });
  assert.deepEqual(cmp.items.map((c) => [c.name, c.wells]), [['AMG900', 1]]);
  assert.equal(listCompounds(db, { limit: 2, offset: 0 }).total, 4);
  assert.deepEqual(listCompounds(db, { limit: 2, offset: 2 }).items.map((c) => c.name), ['dexamethasone', 'DMSO']);
  db.close();
});

test('re-importing the same folder is idempotent; an updated plate map changes annotations only', async () => {
  const db = freshDb('reimport');
  const dir = phenixPlate('PH2');
  await importPlate(db, { dir, cellLine: 'U2OS' });
  const first = snapshot(db);
  const again = await importPlate(db, { dir });
  assert.deepEqual(again.inserted, { wells: 0, sites: 0, images: 0, compounds: 0 });
  assert.deepEqual(snapshot(db), first, 'a second import of the same folder changes nothing');
  assert.equal(listPlates(db)[0].cellLine, 'U2OS');

  // New plate map: A02 now holds AMG900, B02 is dropped, B03 gains dexamethasone.
  const updated = [
    { well: 'A1', broad_sample: '' },
    { well: 'A2', broad_sample: COMPOUNDS[2].broad_sample, mmoles_per_liter: 3 },
    { well: 'A3', broad_sample: COMPOUNDS[1].broad_sample, mmoles_per_liter: 2.5 },
    { well: 'B1', broad_sample: COMPOUNDS[2].broad_sample, mmoles_per_liter: 1 },
    { well: 'B3', broad_sample: COMPOUNDS[1].broad_sample, mmoles_per_liter: 7 },
  ];
  writeJumpMetadata(dir, 'PH2', 'PH2-map', updated, COMPOUNDS);
  const r = await importPlate(db, { dir });
  assert.equal(r.inserted.images, 0);
  const after = snapshot(db);
  assert.deepEqual(after.images, first.images, 'images untouched');
  assert.deepEqual(after.sites, first.sites, 'sites untouched');
  const layout = getPlate(db, 'PH2').wells.map((w) => [w.name, w.compound, w.controlType, w.concentration, w.annotated]);
  assert.deepEqual(layout, [
    ['A01', 'DMSO', 'negcon', null, true],
    ['A02', 'AMG900', 'trt', 3, true],
    ['A03', 'dexamethasone', 'poscon', 2.5, true],
    ['B01', 'AMG900', 'trt', 1, true],
    ['B02', null, null, null, false],
    ['B03', 'dexamethasone', 'poscon', 7, true],
  ]);
  // The same barcode from a copy of the folder: merged into the plate, with a warning.
  const copy = join(root, 'PH2-copy');
  writePhenixPlate(copy, { wells: block(2, 3), fields: 2, channels: ALL8 });
  const merged = await importPlate(db, { dir: copy, barcode: 'PH2' });
  assert.equal(merged.inserted.images, 0);
  assert.match(merged.problems.find((p) => p.code === 'plate_exists')!.message, /plate PH2 was imported before from .*\/PH2; images at the same well, site and channel now point to .*\/PH2-copy/);
  assert.ok(getWell(db, findWellId(db, 'PH2', 0, 0)).sites[0].images.every((i) => i.path.includes('PH2-copy')));
  await importPlate(db, { dir });
  // Another channel map renames the channel of the same files; it does not add images.
  const renamed = await importPlate(db, { dir, channelMap: 'ch5=Hoechst' });
  assert.equal(renamed.inserted.images, 0);
  const plate = listPlates(db)[0];
  assert.equal(plate.images, 96);
  assert.deepEqual(plate.channels, ['AGP', 'BF', 'BFHigh', 'BFLow', 'ER', 'Hoechst', 'Mito', 'RNA']);
  assert.deepEqual(renamed.platemap?.columns, { well: 'well_position', compound: 'broad_sample', concentration: 'mmoles_per_liter', solvent: 'solvent' });
  db.close();
});

test('ImageXpress plate: plate token as barcode, thumbnails ignored, channel map applied', async () => {
  const db = freshDb('ixm');
  const dir = join(root, 'IXM');
  writeImageXpressPlate(dir, 'IXP-7', { wells: [[0, 0], [0, 1], [2, 5], [7, 11]], fields: 3, channels: [1, 2, 3, 4, 5], size: 12, bitDepth: 8 });
  const r = await importPlate(db, { dir, channelMap: 'w1=DNA,w2=ER,w3=RNA,w4=AGP,w5=Mito' });
  assert.deepEqual([r.barcode, r.naming, r.format, r.wells, r.sites, r.images, r.unannotatedWells], ['IXP-7', 'imagexpress', 96, 4, 12, 60, 4]);
  assert.equal(r.ignoredFiles, 60, 'thumbnails');
  assert.deepEqual(r.channels, ['AGP', 'DNA', 'ER', 'Mito', 'RNA']);
  assert.deepEqual(r.problems, []);
  const w = getWell(db, findWellId(db, 'IXP-7', 7, 11));
  assert.deepEqual(w.sites.map((s) => s.images.length), [5, 5, 5]);
  assert.deepEqual([w.sites[0].images[0].width, w.sites[0].images[0].bitDepth], [12, 8]);
  // Without a channel map the wavelengths keep their names and the report says so.
  const db2 = freshDb('ixm2');
  const r2 = await importPlate(db2, { dir });
  assert.deepEqual(r2.channels, ['w1', 'w2', 'w3', 'w4', 'w5']);
  assert.match(r2.problems.find((p) => p.code === 'channel_unmapped')!.message, /channels w1, w2, w3, w4, w5 have no name/);
  db.close();
  db2.close();
});

test('custom pattern (PNG files) with a generic CSV plate map through a column mapping', async () => {
  const db = freshDb('pattern');
  const dir = join(root, 'CUSTOM');
  mkdirSync(dir, { recursive: true });
  const png = await sharp(Buffer.alloc(10 * 6, 5), { raw: { width: 10, height: 6, channels: 1 } }).toColourspace('b-w').png().toBuffer();
  for (const well of ['C05', 'C06', 'D05'])
    for (const site of [1, 2]) for (const ch of ['hoechst', 'phalloidin']) writeFileSync(join(dir, `scan_${well}_pos${site}_${ch}.png`), png);
  const map = join(root, 'custom-map.csv');
  writeFileSync(map, 'Pos,Drug,Mechanism,Dose,Kind\nC5,staurosporine,PKC inhibitor,1,positive\nC6,,,,negative\n');
  const opts: ImportOptions = {
    dir,
    barcode: 'CUST-1',
    pattern: '^scan_(?<well>[A-P]\\d{2})_pos(?<site>\\d+)_(?<channel>\\w+)\\.png$',
    channelMap: { hoechst: 'DNA', phalloidin: 'AGP' },
    platemap: map,
    columns: { well: 'Pos', compound: 'Drug', moa: 'Mechanism', concentration: 'Dose', controlType: 'Kind' },
  };
  const r = await importPlate(db, opts);
  assert.deepEqual([r.barcode, r.naming, r.wells, r.sites, r.images, r.annotatedWells, r.unannotatedWells], ['CUST-1', 'pattern', 3, 6, 12, 2, 1]);
  assert.deepEqual(r.channels, ['AGP', 'DNA']);
  const layout = getPlate(db, 'CUST-1').wells.map((w) => [w.name, w.compound, w.moa, w.controlType]);
  assert.deepEqual(layout, [
    ['C05', 'staurosporine', 'PKC inhibitor', 'poscon'],
    ['C06', 'DMSO', null, 'negcon'],
    ['D05', null, null, null],
  ]);
  const img = getWell(db, findWellId(db, 'CUST-1', 2, 4)).sites[0].images[0];
  assert.deepEqual([img.width, img.height, img.bitDepth], [10, 6, 8]);
  db.close();
});

test('missing channels at some sites and unknown files are reported by name, the rest is imported', async () => {
  const db = freshDb('missing');
  const dir = join(root, 'MISSING');
  const files = writePhenixPlate(dir, { wells: block(1, 2), fields: 2, channels: ALL8 });
  rmSync(files.find((f) => f.endsWith('r01c02f02p01-ch5sk1fk1fl1.tiff'))!);
  rmSync(files.find((f) => f.endsWith('r01c02f02p01-ch4sk1fk1fl1.tiff'))!);
  writeFileSync(join(dir, 'Images', 'overview.tiff'), readFileSync(files[0]));
  await writeTiff(files[0], { width: 9, height: 8, bitDepth: 16, data: new Uint16Array(72) });
  const r = await importPlate(db, { dir, barcode: 'MISS' });
  const size = r.problems.filter((p) => p.code === 'size_mismatch');
  assert.equal(size.length, 1);
  assert.match(size[0].message, /^well A01 site 1: r01c01f01p01-ch1sk1fk1fl1\.tiff is 9×8; the site's other images are 8×8$/);
  assert.deepEqual([r.wells, r.sites, r.images], [2, 4, 30]);
  const missing = r.problems.filter((p) => p.code === 'missing_channels');
  assert.equal(missing.length, 1);
  assert.match(missing[0].message, /^missing channels DNA, ER in 1 of 4 sites \(well A02 site 2, expected r01c02f02p01-ch5sk1fk1fl1\.tiff\)$/);
  const unknown = r.problems.filter((p) => p.code === 'unknown_file');
  assert.equal(unknown.length, 1);
  assert.match(unknown[0].message, /Images\/overview\.tiff: name does not follow the phenix naming; skipped/);
  assert.ok(r.problems.every((p) => p.severity === 'warning'));
  db.close();
});

// ---- bad input: each refused with a message naming the file/row, the catalog unchanged ----

interface BadCase {
  name: string;
  make(): ImportOptions;
  message: RegExp;
  code: string;
}

function badPhenix(name: string, edit: (dir: string, files: string[]) => void): string {
  const dir = join(root, 'bad', name);
  const files = writePhenixPlate(dir, { wells: block(1, 2), fields: 1, channels: [1, 5, 8] });
  edit(dir, files);
  return dir;
}

const BAD: BadCase[] = [
  {
    name: 'truncated TIFF',
    make: () => ({ dir: badPhenix('trunc', (_d, f) => writeFileSync(f[1], readFileSync(f[1]).subarray(0, 150))), barcode: 'GOOD' }),
    message: /r01c01f01p01-ch5sk1fk1fl1\.tiff: truncated: pixel data runs to byte 274, file has 150/,
    code: 'unreadable_image',
  },
  {
    name: 'non-image file with an image name',
    make: () => ({ dir: badPhenix('text', (_d, f) => writeFileSync(f[2], 'Plate notes: re-image row A\n')), barcode: 'GOOD' }),
    message: /r01c01f01p01-ch8sk1fk1fl1\.tiff: not an image \(no TIFF\/PNG\/JPEG signature\)/,
    code: 'unreadable_image',
  },
  {
    name: 'duplicate (well, site, channel)',
    make: () => ({ dir: badPhenix('dup', (d, f) => copyFileSync(f[0], join(d, 'Images', 'r01c01f01p01-ch1sk2fk1fl1.tiff'))) }),
    message: /r01c01f01p01-ch1sk2fk1fl1\.tiff: same well A01, site 1, channel Mito as .*r01c01f01p01-ch1sk1fk1fl1\.tiff/,
    code: 'duplicate_image',
  },
  {
    name: 'unknown naming',
    make: () => ({
      dir: badPhenix('naming', (d, f) => {
        f.forEach((x, i) => renameSync(x, join(d, 'Images', `IMG_${String(i).padStart(4, '0')}.tif`)));
      }),
    }),
    message: /no known file naming: names like IMG_0000\.tif, IMG_0001\.tif, IMG_0002\.tif are neither Phenix/,
    code: 'unknown_naming',
  },
  {
    name: 'well outside the plate format',
    make: () => ({ dir: badPhenix('outside', (d, f) => copyFileSync(f[0], join(d, 'Images', 'r09c01f01p01-ch1sk1fk1fl1.tiff'))), format: 96 }),
    message: /r09c01f01p01-ch1sk1fk1fl1\.tiff: well I01 \(row 9, column 1\) lies outside the 96-well format given \(8×12\)/,
    code: 'well_outside_format',
  },
  {
    name: 'well beyond any plate format',
    make: () => ({ dir: badPhenix('beyond', (d, f) => copyFileSync(f[0], join(d, 'Images', 'r01c49f01p01-ch1sk1fk1fl1.tiff'))) }),
    message: /r01c49f01p01-ch1sk1fk1fl1\.tiff: well A49 \(row 1, column 49\) lies outside every plate format \(the largest, 1536-well, is 32×48\)/,
    code: 'well_outside_format',
  },
  {
    name: 'plate map with a well outside the plate',
    make: () => {
      const dir = badPhenix('mapwell', () => {});
      writeJumpMetadata(dir, 'GOOD', 'm', [{ well: 'A01', broad_sample: '' }, { well: 'I01', broad_sample: 'BRD-K00000001-001-01-1' }], COMPOUNDS);
      return { dir, format: 96 };
    },
    message: /platemap\/m\.txt:3: well I01 lies outside the 96-well format given/,
    code: 'platemap_unknown_well',
  },
  {
    name: 'plate map with an unknown well name',
    make: () => {
      const dir = badPhenix('mapname', () => {});
      writeJumpMetadata(dir, 'GOOD', 'm', [{ well: 'A01', broad_sample: '' }, { well: 'well-7', broad_sample: '' }], COMPOUNDS);
      return { dir };
    },
    message: /platemap\/m\.txt:3: "well-7" is not a well name/,
    code: 'platemap',
  },
  {
    name: 'plate map with missing columns',
    make: () => {
      const dir = badPhenix('mapcols', () => {});
      const map = join(dir, 'map.csv');
      writeFileSync(map, 'Well,Treatment Name\nA1,x\n');
      return { dir, platemap: map };
    },
    message: /map\.csv: missing column compound \(broad_sample or Metadata_broad_sample\); the plate map has columns: Well, Treatment Name/,
    code: 'platemap',
  },
  {
    name: 'compound table with missing columns',
    make: () => {
      const dir = badPhenix('cmpcols', () => {});
      writeJumpMetadata(dir, 'GOOD', 'm', [{ well: 'A01', broad_sample: '' }], COMPOUNDS);
      writeFileSync(join(dir, 'metadata', 'external_metadata', 'compound_metadata.tsv'), 'broad_sample\tsmiles\nBRD-1\tCC\n');
      return { dir };
    },
    message: /compound_metadata\.tsv: missing column name \(pert_iname or Metadata_pert_iname\)/,
    code: 'platemap',
  },
  {
    name: 'images of several plates in one folder',
    make: () => {
      const dir = join(root, 'bad', 'twoplates');
      writeImageXpressPlate(dir, 'PA', { wells: [[0, 0]], fields: 1, channels: [1] });
      writeImageXpressPlate(dir, 'PB', { wells: [[0, 0]], fields: 1, channels: [1] });
      return { dir };
    },
    message: /bad\/twoplates: holds images of 2 plates \(PA, PB\); import one at a time with --barcode/,
    code: 'several_plates',
  },
  {
    name: 'empty folder',
    make: () => {
      const dir = join(root, 'bad', 'empty');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'readme.txt'), 'nothing here');
      return { dir };
    },
    message: /bad\/empty: no image files \(\.tif\/\.tiff\/\.png\) found among 1 files/,
    code: 'empty_folder',
  },
  {
    name: 'path that does not exist',
    make: () => ({ dir: join(root, 'bad', 'nowhere') }),
    message: /bad\/nowhere: folder does not exist/,
    code: 'not_found',
  },
  {
    name: 'a file instead of a folder',
    make: () => ({ dir: join(root, 'custom-map.csv') }),
    message: /custom-map\.csv: is a file, not a folder of images/,
    code: 'not_directory',
  },
  {
    name: 'plate map file that does not exist',
    make: () => ({ dir: badPhenix('nomap', () => {}), platemap: join(root, 'bad', 'no-such-map.txt') }),
    message: /--platemap .*no-such-map\.txt: file does not exist/,
    code: 'platemap',
  },
];

test('bad input is refused with a message naming the file or row; nothing in the catalog changes', async (t) => {
  const db = freshDb('bad');
  // A catalog that already holds a plate, barcode GOOD: a refused re-import must not touch it either.
  const good = join(root, 'bad', 'good');
  writePhenixPlate(good, { wells: block(1, 2), fields: 1, channels: [1, 5, 8] });
  await importPlate(db, { dir: good, barcode: 'GOOD' });
  const before = snapshot(db);
  for (const c of BAD) {
    await t.test(c.name, async () => {
      const opts = c.make();
      await assert.rejects(importPlate(db, opts), (e: unknown) => {
        assert.ok(e instanceof ImportFailed, String(e));
        assert.match(e.message, c.message);
        assert.match(e.message, /refused, nothing was written/);
        assert.ok(e.report.problems.some((p) => p.severity === 'error' && p.code === c.code && c.message.test(p.message)), JSON.stringify(e.report.problems));
        return true;
      });
      assert.deepEqual(snapshot(db), before);
      const preview = await previewImport(opts);
      assert.equal(preview.ok, false);
    });
  }
  db.close();
});

test('a folder with several plates imports the one --barcode names', async () => {
  const db = freshDb('twoplates');
  const dir = join(root, 'TWO');
  writeImageXpressPlate(dir, 'PA', { wells: [[0, 0]], fields: 1, channels: [1] });
  writeImageXpressPlate(dir, 'PB', { wells: [[0, 0]], fields: 1, channels: [1] });
  const r = await importPlate(db, { dir, barcode: 'PB' });
  assert.deepEqual([r.barcode, r.wells, r.images], ['PB', 1, 1]);
  assert.ok(getWell(db, findWellId(db, 'PB', 0, 0)).sites[0].images[0].path.includes('PB_A01_s1_w1'));
  db.close();
});

test('contract: preview writes nothing, import.start runs the import job, views answer', async () => {
  const ws = join(root, 'ws-contract');
  const core = createCore({ workspace: ws, transport: 'inprocess' });
  try {
    const dir = phenixPlate('PH3');
    const before = snapshot(core.db);
    const preview = (await dispatch(core, handlers, 'import.preview', { dir })) as Awaited<ReturnType<typeof previewImport>>;
    assert.deepEqual([preview.ok, preview.barcode, preview.wells, preview.sites, preview.images, preview.naming], [true, 'PH3', 6, 12, 96, 'phenix']);
    assert.deepEqual(preview.channelMap.ch5, 'DNA');
    assert.deepEqual(snapshot(core.db), before);

    const events: string[] = [];
    core.events.on((e) => events.push(e.type === 'catalog' ? `catalog:${e.what}` : e.type));
    const job = (await dispatch(core, handlers, 'import.start', { dir, cellLine: 'A549' })) as { id: number; kind: string };
    assert.equal(job.kind, 'import');
    const done = await core.jobs.wait(job.id);
    assert.equal(done.status, 'done', done.error ?? '');
    assert.equal(done.done, done.total);
    assert.deepEqual((done.result as { images: number }).images, 96);
    assert.ok(events.includes('catalog:plates'), 'the UI is told the plates changed');

    const plates = (await dispatch(core, handlers, 'plates.list', {})) as Array<{ barcode: string; cellLine: string; images: number }>;
    assert.deepEqual(plates.map((p) => [p.barcode, p.cellLine, p.images]), [['PH3', 'A549', 96]]);
    const detail = (await dispatch(core, handlers, 'plates.get', { plate: 'PH3' })) as ReturnType<typeof getPlate>;
    assert.deepEqual(detail.wells.map((w) => w.controlType), ['negcon', 'trt', 'poscon', 'trt', 'negcon', null]);
    const well = (await dispatch(core, handlers, 'wells.get', { plate: 'PH3', well: 'A3' })) as ReturnType<typeof getWell>;
    assert.deepEqual([well.well.name, well.well.compound, well.well.smiles, well.sites.length, well.sites[0].images.length], ['A03', 'dexamethasone', 'CCO', 2, 8]);
    const byId = (await dispatch(core, handlers, 'wells.get', { id: well.well.id })) as ReturnType<typeof getWell>;
    assert.deepEqual(byId, well);
    const wells = (await dispatch(core, handlers, 'wells.list', { plate: detail.plate.id })) as unknown[];
    assert.equal(wells.length, 6);
    const cmp = (await dispatch(core, handlers, 'compounds.list', { moa: 'cathepsin inhibitor' })) as ReturnType<typeof listCompounds>;
    assert.deepEqual(cmp.items.map((c) => c.broadSample), ['BRD-K00000001-001-01-1']);
    const onPlate = (await dispatch(core, handlers, 'compounds.list', { plate: detail.plate.id, search: 'dms' })) as ReturnType<typeof listCompounds>;
    assert.deepEqual(onPlate.items.map((c) => [c.name, c.controlType, c.wells]), [['DMSO', 'negcon', 2]]);
    await assert.rejects(dispatch(core, handlers, 'compounds.list', { limit: 5000 }), (e: unknown) => e instanceof ApiError && e.code === 'bad_request');

    await assert.rejects(dispatch(core, handlers, 'import.start', { dir: join(root, 'nope') }), (e: unknown) => e instanceof ApiError && e.code === 'bad_request' && /nope: does not exist/.test(e.message));
    await assert.rejects(dispatch(core, handlers, 'import.preview', { dir: 'relative/dir' }), (e: unknown) => e instanceof ApiError && /must be an absolute path/.test(e.message));
    await assert.rejects(dispatch(core, handlers, 'plates.get', { plate: 'NOPE' }), (e: unknown) => e instanceof ApiError && e.code === 'not_found');
    await assert.rejects(dispatch(core, handlers, 'wells.get', { plate: 'PH3', well: 'H12' }), (e: unknown) => e instanceof ApiError && e.code === 'not_found');

    // A refused import job fails with the problems in its error, and writes no catalog rows.
    const bad = (await dispatch(core, handlers, 'import.start', { dir: badPhenix('job', (_d, f) => writeFileSync(f[0], 'x')), barcode: 'JOBBAD' })) as { id: number };
    const failed = await core.jobs.wait(bad.id);
    assert.equal(failed.status, 'failed');
    assert.match(failed.error ?? '', /r01c01f01p01-ch1sk1fk1fl1\.tiff: not an image/);
    assert.deepEqual(listPlates(core.db).map((p) => p.barcode), ['PH3']);

    // Cancelling while the job scans (at its first progress report) stops it; nothing is written.
    const many = join(root, 'CANCEL');
    writePhenixPlate(many, { wells: block(4, 6), fields: 3, channels: ALL8 });
    const off = core.events.on((e) => {
      if (e.type === 'job' && e.job.kind === 'import' && e.job.status === 'running' && e.job.done > 0) core.jobs.cancel(e.job.id);
    });
    const cj = (await dispatch(core, handlers, 'import.start', { dir: many })) as { id: number };
    const cancelled = await core.jobs.wait(cj.id);
    off();
    assert.equal(cancelled.status, 'cancelled');
    assert.ok(cancelled.done < cancelled.total, `stopped at ${cancelled.done} of ${cancelled.total}`);
    assert.deepEqual(listPlates(core.db).map((p) => p.barcode), ['PH3']);
  } finally {
    core.close();
  }
});

test('plate-map wells without images and compounds missing from the compound table are reported', async () => {
  const db = freshDb('extra');
  const dir = join(root, 'EXTRA');
  writePhenixPlate(dir, { wells: block(1, 2), fields: 1, channels: [5] });
  writeJumpMetadata(dir, 'EXTRA', 'extra-map', [{ well: 'A1', broad_sample: '' }, { well: 'A2', broad_sample: 'BRD-UNLISTED' }, { well: 'H12', broad_sample: COMPOUNDS[0].broad_sample }], COMPOUNDS);
  const r = await importPlate(db, { dir });
  assert.deepEqual([r.wells, r.sites, r.images, r.annotatedWells, r.unannotatedWells], [3, 2, 2, 3, 0]);
  assert.deepEqual(
    r.problems.map((p) => [p.severity, p.code]),
    [
      ['warning', 'unimaged_wells'],
      ['warning', 'unknown_compound'],
    ],
  );
  assert.match(r.problems[0].message, /^1 plate-map wells have no images \(e\.g\. H12\)/);
  assert.match(r.problems[1].message, /platemap\/extra-map\.txt:3: compound BRD-UNLISTED is not in .*compound_metadata\.tsv/);
  const h12 = getPlate(db, 'EXTRA').wells.find((w) => w.name === 'H12')!;
  assert.deepEqual([h12.compound, h12.sites], ['aloxistatin', 0]);
  const a2 = getPlate(db, 'EXTRA').wells.find((w) => w.name === 'A02')!;
  assert.deepEqual([a2.broadSample, a2.compound, a2.controlType], ['BRD-UNLISTED', 'BRD-UNLISTED', 'trt']);
  db.close();
});
