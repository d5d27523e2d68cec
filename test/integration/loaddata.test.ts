import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { join, relative, dirname, resolve } from 'node:path';
import { registerBundledModels } from '../../src/main/core/inference';
import type { InferSummary } from '../../src/shared/contract/inference';
import type { JobInfo } from '../../src/shared/contract/jobs';
import { openCatalog, type Db } from '../../src/main/core/catalog/db';
import { importPlate, ImportFailed } from '../../src/main/core/catalog/importPlate';
import { createCore } from '../../src/main/core/core';
import { dispatch, handlers } from '../../src/main/core/api';
import { simulatePlate } from '../../src/main/core/simulate';
import { writePhenixPlate } from '../fixtures/import/plates';
import { pathToFileURL } from 'node:url';
import { csvRecords, readLoadData, writeLoadData } from '../../src/main/core/io/loaddata';
import type { LoadDataExport } from '../../src/shared/contract/features';

const repo = resolve(import.meta.dirname, '../..');
const root = mkdtempSync(join(tmpdir(), 'stainless-loaddata-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

/** The catalog as a scientist sees it: plate, wells with annotation, sites, images (not ids or import details). */
function catalogView(db: Db) {
  return {
    plates: db.prepare(`SELECT barcode, format, platemap_name, cell_line FROM plates ORDER BY barcode`).all(),
    wells: db
      .prepare(
        `SELECT w.row, w.col, w.name, c.broad_sample, w.concentration, w.concentration_unit, w.control_type, w.annotated, w.metadata
         FROM wells w LEFT JOIN compounds c ON c.id = w.compound_id ORDER BY w.row, w.col`,
      )
      .all(),
    sites: db.prepare(`SELECT w.name, s.field, s.metadata FROM sites s JOIN wells w ON w.id = s.well_id ORDER BY w.row, w.col, s.field`).all(),
    images: db
      .prepare(
        `SELECT w.name, s.field, i.channel, i.kind, i.path, i.width, i.height, i.bit_depth FROM images i JOIN sites s ON s.id = i.site_id JOIN wells w ON w.id = s.well_id
         WHERE i.kind = 'acquired' ORDER BY w.row, w.col, s.field, i.channel`,
      )
      .all(),
    truth: db.prepare(`SELECT count(*) FROM segmentations WHERE source = 'truth'`).pluck().get(),
  };
}

async function demoPlate(name: string) {
  const out = join(root, name);
  const sim = await simulatePlate({ out, format: 96, sites: 2, size: 64, seed: 3, wells: ['A01', 'A02', 'B05', 'H12'], workers: 0 });
  return { out, sim };
}

test('a LoadData CSV written by export --load-data imports to the same catalog as the folder import', { timeout: 300_000 }, async () => {
  const { out } = await demoPlate('demo');
  const core = createCore({ workspace: join(root, 'ws-a'), transport: 'inprocess' });
  const folder = await importPlate(core.db, { dir: out });
  assert.ok(folder.ok);
  // a real run of a model: its synthetic channels go into the CSV beside the acquired ones
  await registerBundledModels(core, join(repo, 'test/fixtures/models'));
  const job = (await dispatch(core, handlers, 'infer.start', { plate: folder.barcode, model: 'fixture-direct' })) as JobInfo;
  const done = await core.jobs.wait(job.id);
  assert.equal(done.status, 'done', done.error ?? '');
  const runId = (done.result as InferSummary).runId;
  const csv = join(root, 'demo-loaddata.csv');
  const ex = (await dispatch(core, handlers, 'export.loadData', { plate: folder.barcode, out: csv })) as LoadDataExport;
  assert.equal(ex.rows, folder.sites);
  assert.equal(ex.runId, runId);
  assert.deepEqual(ex.acquired, ['AGP', 'BF', 'BFHigh', 'BFLow', 'DNA', 'ER', 'Mito', 'RNA']);
  assert.deepEqual(ex.synthetic, ['AGP', 'CellBoundary', 'DNA', 'ER', 'Mito', 'NucleiBoundary', 'RNA']);
  const header = readFileSync(csv, 'utf8').split('\n')[0].split(',');
  for (const c of ['Metadata_Plate', 'Metadata_Well', 'Metadata_Site', 'FileName_OrigDNA', 'PathName_OrigDNA', 'FileName_OrigBrightfield', 'FileName_OrigHighZBF', 'FileName_OrigLowZBF', 'FileName_SynthDNA', 'PathName_SynthMito', 'FileName_SynthNucleiBoundary'])
    assert.ok(header.includes(c), `${c} in ${header.join(',')}`);
  // every synthetic file named in the CSV is the run's image of that site and channel
  const synth = core.db
    .prepare(`SELECT w.name, s.field, i.channel, i.path FROM images i JOIN sites s ON s.id = i.site_id JOIN wells w ON w.id = s.well_id WHERE i.run_id = ?`)
    .all(runId) as Array<{ name: string; field: number; channel: string; path: string }>;
  const csvRows: string[][] = [];
  for await (const r of csvRecords(csv)) csvRows.push(r.fields);
  const col = (n: string) => header.indexOf(n);
  for (const im of synth) {
    const row: string[] = csvRows.find((f) => f[col('Metadata_Well')] === im.name && f[col('Metadata_Site')] === String(im.field))!;
    assert.equal(join(row[col(`PathName_Synth${im.channel}`)], row[col(`FileName_Synth${im.channel}`)]), im.path);
    assert.ok(existsSync(im.path));
  }
  assert.equal(synth.length, folder.sites * 7);
  // a second export to the same file is refused unless overwrite
  await assert.rejects(dispatch(core, handlers, 'export.loadData', { plate: folder.barcode, out: csv }), /already exists/);

  // imported into a fresh catalog from the CSV alone (metadata/ is found beside the plate folder as before)
  const db = openCatalog(join(root, 'from-csv.sqlite'));
  const fromCsv = await importPlate(db, { dir: out, loadData: csv });
  assert.ok(fromCsv.ok, JSON.stringify(fromCsv.problems));
  assert.equal(fromCsv.naming, 'loaddata');
  assert.ok(fromCsv.problems.some((p) => p.code === 'loaddata' && /FileName_SynthDNA/.test(p.message)), 'synthetic columns are not imported as acquired images');
  assert.deepEqual([fromCsv.barcode, fromCsv.wells, fromCsv.sites, fromCsv.images, fromCsv.annotatedWells], [folder.barcode, folder.wells, folder.sites, folder.images, folder.annotatedWells]);
  assert.deepEqual(catalogView(db), catalogView(core.db));
  assert.ok((catalogView(db).images as unknown[]).length > 0);
  db.close();
});

test('a LoadData CSV with other channel names, relative paths and extra Metadata_* imports through the channel map', { timeout: 300_000 }, async () => {
  const { out } = await demoPlate('renamed');
  const ref = openCatalog(join(root, 'renamed-folder.sqlite'));
  const folder = await importPlate(ref, { dir: out });
  const images = ref
    .prepare(`SELECT w.name AS well, s.field, i.channel, i.path FROM images i JOIN sites s ON s.id = i.site_id JOIN wells w ON w.id = s.well_id ORDER BY s.id, i.channel`)
    .all() as Array<{ well: string; field: number; channel: string; path: string }>;
  const ours: Record<string, string> = { DNA: 'Hoechst', ER: 'ConA', RNA: 'Syto14', AGP: 'Phalloidin', Mito: 'MitoTracker', BF: 'TL', BFHigh: 'TLHigh', BFLow: 'TLLow' };
  const sites = new Map<string, Record<string, string | number>>();
  const csvDir = join(out, 'loaddata');
  for (const im of images) {
    const k = `${im.well},${im.field}`;
    const r = sites.get(k) ?? { Metadata_Plate: folder.barcode, Metadata_Well: im.well.replace(/^([A-Z])0/, '$1'), Metadata_Site: im.field, Metadata_Batch: 'B1', Metadata_Focus: `${im.field * 10}` };
    sites.set(k, r);
    r[`FileName_Orig${ours[im.channel]}`] = im.path.split('/').pop()!;
    r[`PathName_Orig${ours[im.channel]}`] = relative(csvDir, dirname(im.path)); // relative to the CSV
    r.FileName_IllumHoechst = 'illum.npy';
    r.PathName_IllumHoechst = '/nowhere';
  }
  const cols = ['Metadata_Plate', 'Metadata_Well', 'Metadata_Site', 'Metadata_Batch', 'Metadata_Focus', 'FileName_IllumHoechst', 'PathName_IllumHoechst', ...Object.values(ours).flatMap((n) => [`FileName_Orig${n}`, `PathName_Orig${n}`])];
  const csv = join(csvDir, 'load_data.csv');
  await writeLoadData(csv, cols, sites.values());

  const db = openCatalog(join(root, 'renamed-csv.sqlite'));
  // without the map the names are imported as they are, with a warning naming them
  const unmapped = await importPlate(openCatalog(join(root, 'renamed-unmapped.sqlite')), { dir: out, loadData: csv });
  assert.ok(unmapped.problems.some((p) => p.code === 'channel_unmapped' && /ConA, Hoechst/.test(p.message)), JSON.stringify(unmapped.problems));
  const map = Object.entries(ours).map(([ch, n]) => `${n}=${ch}`).join(',');
  const r = await importPlate(db, { dir: out, loadData: csv, channelMap: map });
  assert.ok(r.ok, JSON.stringify(r.problems));
  assert.ok(r.problems.some((p) => p.code === 'loaddata' && /FileName_IllumHoechst/.test(p.message)), 'illumination columns named as not imported');
  assert.deepEqual(r.channels, folder.channels);
  const a = catalogView(ref);
  const b = catalogView(db);
  assert.deepEqual(b.images, a.images);
  // Metadata_* kept: Batch is the same over a well → the well's; Focus differs by site → the site's
  assert.ok((b.wells as Array<{ metadata: string | null; name: string }>).filter((w) => w.metadata).every((w) => w.metadata === '{"Batch":"B1"}'));
  assert.deepEqual(
    (b.sites as Array<{ field: number; metadata: string }>).map((s) => JSON.parse(s.metadata)),
    (b.sites as Array<{ field: number }>).map((s) => ({ Focus: `${s.field * 10}` })),
  );
  db.close();
  ref.close();
});

test('a bad LoadData row is refused in one line naming the file and line; nothing is written', async () => {
  const csv = join(root, 'bad.csv');
  writeFileSync(csv, 'Metadata_Plate,Metadata_Well,Metadata_Site,FileName_OrigDNA,PathName_OrigDNA\nP1,A01,1,a.tif,/x\nP1,Z99x,1,b.tif,/x\n');
  const db = openCatalog(join(root, 'bad.sqlite'));
  await assert.rejects(importPlate(db, { dir: root, loadData: csv }), (e: unknown) => e instanceof ImportFailed && e.message.includes(`${csv}:3: Metadata_Well "Z99x" is not a well name`));
  writeFileSync(csv, 'Metadata_Well,FileName_DNA\nA01,a.tif\n');
  await assert.rejects(importPlate(db, { dir: root, loadData: csv }), (e: unknown) => e instanceof ImportFailed && e.message.includes(`${csv}:1: no FileName_Orig<Channel> (or URL_Orig<Channel>) column`));
  assert.equal(db.prepare(`SELECT count(*) FROM plates`).pluck().get(), 0);
  db.close();
});

test('quoted CSV fields (commas, "" and line breaks) across stream chunks', async () => {
  const csv = join(root, 'quoted.csv');
  const long = 'x'.repeat(70_000); // crosses the 64 KiB read chunk
  writeFileSync(csv, `\ufeffa,b\r\n"1,2","say ""hi"""\r\n"${long}""q","two\nlines"\n\nlast,`);
  const recs = [];
  for await (const r of csvRecords(csv)) recs.push(r);
  assert.deepEqual(recs.map((r) => r.line), [1, 2, 3, 6]);
  assert.deepEqual(recs[1].fields, ['1,2', 'say "hi"']);
  assert.deepEqual(recs[2].fields, [`${long}"q`, 'two\nlines']);
  assert.deepEqual(recs[3].fields, ['last', '']);
});

test('100 000 LoadData rows stream with bounded memory', { timeout: 120_000 }, async (t) => {
  const csv = join(root, 'big.csv');
  const chans = ['DNA', 'ER', 'RNA', 'AGP', 'Mito', 'Brightfield'];
  const cols = ['Metadata_Plate', 'Metadata_Well', 'Metadata_Site', ...chans.flatMap((c) => [`FileName_Orig${c}`, `PathName_Orig${c}`])];
  function* rows() {
    for (let i = 0; i < 100_000; i++) {
      const r: Record<string, string | number> = { Metadata_Plate: 'BIG', Metadata_Well: `A${(i % 48) + 1}`, Metadata_Site: Math.floor(i / 48) + 1 };
      for (const c of chans) (r[`FileName_Orig${c}`] = `r${i}-${c}.tiff`), (r[`PathName_Orig${c}`] = `/data/plates/BIG/Images/deep/folder/${c}`);
      yield r;
    }
  }
  assert.equal(await writeLoadData(csv, cols, rows()), 100_000);
  // live heap after a collection, at checkpoints: what the reader keeps, not garbage waiting to go
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  const before = process.memoryUsage().heapUsed;
  let n = 0;
  let peak = 0;
  let last = 0;
  for await (const s of readLoadData(csv)) {
    n++;
    last = s.field;
    if (n % 10_000 === 0) (gc(), (peak = Math.max(peak, process.memoryUsage().heapUsed - before)));
  }
  assert.equal(n, 100_000);
  assert.equal(last, Math.floor(99_999 / 48) + 1);
  const size = readFileSync(csv).length;
  // the file is ~ 36 MB of text; the reader holds a chunk and a row at a time
  assert.ok(size > 30e6, `${size}`);
  t.diagnostic(`read ${n} rows of a ${(size / 1e6).toFixed(1)} MB CSV; live heap grew at most ${(peak / 1e6).toFixed(2)} MB`);
  assert.ok(peak < 5e6, `heap grew by ${(peak / 1e6).toFixed(1)} MB while reading a ${(size / 1e6).toFixed(0)} MB CSV`);
});

test("LoadData's URL_Orig<Ch> form (file:// URLs) imports the same images; other URLs are refused naming the line", async () => {
  const dir = join(root, 'urls');
  const files = writePhenixPlate(dir, { wells: [[0, 0], [1, 2]], fields: 1, channels: [5, 8] });
  const rows = [0, 1].map((i) => ({
    Metadata_Plate: 'URLS',
    Metadata_Well: i ? 'B03' : 'A01',
    Metadata_Site: 1,
    URL_OrigDNA: pathToFileURL(files[i * 2]).href,
    URL_OrigBrightfield: pathToFileURL(files[i * 2 + 1]).href,
  }));
  const csv = join(dir, 'urls.csv');
  await writeLoadData(csv, ['Metadata_Plate', 'Metadata_Well', 'Metadata_Site', 'URL_OrigDNA', 'URL_OrigBrightfield'], rows);
  const db = openCatalog(join(root, 'urls.sqlite'));
  const r = await importPlate(db, { dir, loadData: csv });
  assert.ok(r.ok, JSON.stringify(r.problems));
  assert.deepEqual([r.barcode, r.sites, r.images, r.channels], ['URLS', 2, 4, ['BF', 'DNA']]);
  assert.deepEqual(db.prepare(`SELECT path FROM images ORDER BY path`).pluck().all(), [...files].sort());
  await writeLoadData(csv, ['Metadata_Well', 'URL_OrigDNA'], [{ Metadata_Well: 'A01', URL_OrigDNA: 's3://bucket/a.tif' }]);
  await assert.rejects(importPlate(db, { dir, loadData: csv }), (e: unknown) => e instanceof ImportFailed && e.message.includes(`${csv}:2: URL_OrigDNA "s3://bucket/a.tif" is not a file:// URL`));
  db.close();
});
