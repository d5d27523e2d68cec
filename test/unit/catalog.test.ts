import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openCatalog, schemaVersion, CatalogVersionError } from '../../src/main/core/catalog/db';
import { LATEST_VERSION, MIGRATIONS } from '../../src/main/core/catalog/migrations';
import { phenixNaming, imageXpressNaming, patternNaming, parseChannelMap, NamingError } from '../../src/main/core/io/naming';
import { readTable } from '../../src/main/core/io/table';
import { readPlatemap, normaliseControl, PlatemapError, parseColumnMapping } from '../../src/main/core/io/platemap';
import { probeImage } from '../../src/main/core/io/probe';
import { writeTiff, encodeTiff, ImageReadError } from '../../src/main/core/io/tiff';
import sharp from 'sharp';

const dir = mkdtempSync(join(tmpdir(), 'stainless-catalog-'));

test('a new catalog is migrated to the latest schema with WAL and foreign keys', () => {
  const db = openCatalog(join(dir, 'new.sqlite'));
  assert.equal(schemaVersion(db), LATEST_VERSION);
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
  const cols = (db.prepare(`PRAGMA table_info(compounds)`).all() as Array<{ name: string }>).map((c) => c.name);
  assert.ok(cols.includes('control_type'), 'migration 2 adds compounds.control_type');
  db.close();
});

test('migrations are numbered 1..N without gaps, in order', () => {
  assert.deepEqual(
    MIGRATIONS.map((m) => m.version),
    MIGRATIONS.map((_, i) => i + 1),
  );
  assert.equal(LATEST_VERSION, MIGRATIONS.length);
});

test('a catalog written by a newer Stainless is refused and left unchanged', () => {
  const file = join(dir, 'newer.sqlite');
  const raw = new Database(file);
  raw.exec(`CREATE TABLE future (x INTEGER); INSERT INTO future VALUES (42);`);
  raw.pragma(`user_version = ${LATEST_VERSION + 7}`);
  raw.close();
  const bytes = readFileSync(file);
  assert.throws(() => openCatalog(file), (e: unknown) => e instanceof CatalogVersionError && e.message.includes(`schema version ${LATEST_VERSION + 7}`) && e.message.includes('newer Stainless'));
  assert.deepEqual(readFileSync(file), bytes);
});

test('Phenix names: rows, columns, sites beyond f16, channels and planes', () => {
  assert.deepEqual(phenixNaming.parse('r01c01f01p01-ch1sk1fk1fl1.tiff'), { row: 0, col: 0, field: 1, plane: 1, channelKey: 'ch1' });
  assert.deepEqual(phenixNaming.parse('r16c24f25p02-ch8sk1fk1fl1.tif'), { row: 15, col: 23, field: 25, plane: 2, channelKey: 'ch8' });
  assert.equal(phenixNaming.parse('r01c01f01-nuclei.tiff'), null);
  assert.throws(() => phenixNaming.parse('r00c01f01p01-ch1sk1fk1fl1.tiff'), NamingError);
  assert.equal(phenixNaming.defaultChannels.ch5, 'DNA');
  assert.equal(phenixNaming.defaultChannels.ch8, 'BF');
});

test('ImageXpress names: with and without site and GUID; thumbnails are ignored', () => {
  assert.deepEqual(imageXpressNaming.parse('PLATE-1_B03_s2_w1.tif'), { row: 1, col: 2, field: 2, channelKey: 'w1', plate: 'PLATE-1' });
  assert.deepEqual(imageXpressNaming.parse('P_2_A1_w3A1B2C3D4-E5F6-0718-293A-4B5C6D7E8F90.TIF'), { row: 0, col: 0, field: 1, channelKey: 'w3', plate: 'P_2' });
  assert.equal(imageXpressNaming.ignore!('PLATE_B03_s2_w1_thumb0000.tif'), true);
  assert.equal(imageXpressNaming.parse('r01c01f01p01-ch1sk1fk1fl1.tiff'), null);
});

test('user patterns: named groups row/col or well; bad patterns are explained', () => {
  const p = patternNaming('^(?<plate>\\w+)-(?<row>[A-P])(?<col>\\d+)-site(?<site>\\d+)-(?<channel>\\w+)\\.png$');
  assert.deepEqual(p.parse('X1-C07-site3-DNA.png'), { row: 2, col: 6, field: 3, channelKey: 'DNA', plate: 'X1' });
  const q = patternNaming('^(?<well>[A-Z]\\d+)_(?<channel>c\\d)\\.tif$');
  assert.deepEqual(q.parse('H12_c2.tif'), { row: 7, col: 11, field: 1, channelKey: 'c2', plate: undefined });
  assert.throws(() => patternNaming('^(?<site>\\d+)_(?<channel>\\w+)$'), /needs named groups \(\?<well>…\) or both/);
  assert.throws(() => patternNaming('^(?<well>\\w+$'), /not a valid regular expression/);
});

test('user patterns run in linear time: a catastrophic pattern answers at once; lookaround is refused by name', () => {
  // With RegExp this pattern took 6.6 s on one 25-character name (exponential backtracking).
  const p = patternNaming('^(?<well>(a|a)*)(?<channel>!)');
  const t0 = performance.now();
  for (let n = 20; n <= 40; n++) assert.equal(p.parse('a'.repeat(n) + 'x'), null);
  assert.ok(performance.now() - t0 < 500, `21 names took ${performance.now() - t0} ms`);
  assert.throws(() => patternNaming('^(?=r)(?<well>\\w+)_(?<channel>\\w+)$'), /not a valid regular expression: .*lookaround and backreferences are not supported/);
  assert.throws(() => patternNaming('^(?<well>\\w+)_\\1(?<channel>\\w+)$'), /lookaround and backreferences are not supported/);
});

test('channel maps: Phenix and ImageXpress keys normalised', () => {
  assert.deepEqual(parseChannelMap('ch1=Mito, 2=AGP,CH05=DNA', 'phenix'), { ch1: 'Mito', ch2: 'AGP', ch5: 'DNA' });
  assert.deepEqual(parseChannelMap('w1=DNA,2=ER', 'imagexpress'), { w1: 'DNA', w2: 'ER' });
  assert.throws(() => parseChannelMap('ch1', 'phenix'), /"ch1" is not KEY=NAME/);
});

test('tables: CSV quoting, TSV, BOM, CRLF and line numbers', () => {
  const f = join(dir, 't.csv');
  writeFileSync(f, '\ufeffWell,Compound,Note\r\nA1,"x, y","say ""hi"""\r\n\r\nB2,z\r\n');
  const t = readTable(f);
  assert.deepEqual(t.header, ['Well', 'Compound', 'Note']);
  assert.deepEqual(t.rows, [
    { line: 2, cells: { Well: 'A1', Compound: 'x, y', Note: 'say "hi"' } },
    { line: 4, cells: { Well: 'B2', Compound: 'z', Note: '' } },
  ]);
  writeFileSync(f, 'a\tb\n1\t2\t3\n');
  assert.throws(() => readTable(f), /t\.csv:2: 3 cells but the header has 2 columns/);
});

test('plate maps: A1 and A01 are one well; empty broad_sample is DMSO; compound table joins', () => {
  const pm = join(dir, 'map.txt');
  const ct = join(dir, 'cmp.tsv');
  writeFileSync(pm, 'well_position\tbroad_sample\tmmoles_per_liter\tsolvent\nA1\t\t\tDMSO\nA02\tBRD-1\t10\tDMSO\nb03\tBRD-2\t0.5\tDMSO\n');
  writeFileSync(ct, 'broad_sample\tpert_iname\tpert_type\tcontrol_type\tsmiles\ttarget\tmoa\nBRD-1\tfoo\ttrt\t\tCC\tT1\tmoa one\nBRD-2\tbar\ttrt\tposcon_orf\tCN\tT2\t\n');
  const a = readPlatemap(pm, { compoundFile: ct });
  assert.equal(a.platemapName, 'map');
  assert.deepEqual(
    a.wells.map((w) => [w.row, w.col, w.compound.broadSample, w.compound.name, w.compound.moa, w.controlType, w.concentration, w.concentrationUnit]),
    [
      [0, 0, 'DMSO', 'DMSO', null, 'negcon', null, null],
      [0, 1, 'BRD-1', 'foo', 'moa one', 'trt', 10, 'mM'],
      [1, 2, 'BRD-2', 'bar', null, 'poscon', 0.5, 'mM'],
    ],
  );
  assert.equal(normaliseControl('negcon', false), 'negcon');
  assert.equal(normaliseControl('poscon_diverse', false), 'poscon');
  assert.equal(normaliseControl(null, false), 'trt');
});

test('plate maps: a generic CSV through a column mapping', () => {
  const f = join(dir, 'generic.csv');
  writeFileSync(f, 'Pos,Drug,Mechanism,Dose (uM),Kind\nC5,staurosporine,PKC inhibitor,1,positive\nC6,,,,negative\n');
  const a = readPlatemap(f, { columns: parseColumnMapping('well=Pos,compound=Drug,moa=Mechanism,concentration=Dose (uM),controlType=Kind') });
  assert.deepEqual(
    a.wells.map((w) => [w.row, w.col, w.compound.broadSample, w.compound.moa, w.controlType, w.concentration]),
    [
      [2, 4, 'staurosporine', 'PKC inhibitor', 'poscon', 1],
      [2, 5, 'DMSO', null, 'negcon', null],
    ],
  );
  assert.throws(() => parseColumnMapping('wel=Pos'), /"wel=Pos" is not KEY=COLUMN/);
});

test('plate maps: missing columns, bad well names and repeated wells name the file and line', () => {
  const f = join(dir, 'bad.txt');
  writeFileSync(f, 'well\tsomething\nA1\tx\n');
  assert.throws(() => readPlatemap(f), (e: unknown) => e instanceof PlatemapError && /bad\.txt: missing column compound \(broad_sample or Metadata_broad_sample\); the plate map has columns: well, something/.test(e.message));
  writeFileSync(f, 'well_position\tbroad_sample\nA1\tx\nZZ9\ty\n');
  assert.throws(() => readPlatemap(f), /bad\.txt:3: "ZZ9" is not a well name/);
  writeFileSync(f, 'well_position\tbroad_sample\nA1\tx\nA01\ty\n');
  assert.throws(() => readPlatemap(f), /bad\.txt:3: well A01 is listed twice \(first on line 2\)/);
  writeFileSync(f, 'well_position\tbroad_sample\tmmoles_per_liter\nA1\tx\tlots\n');
  assert.throws(() => readPlatemap(f), /bad\.txt:2: concentration "lots" is not a number/);
});

test('image probe: size and depth from the header; truncation and non-images are caught', async () => {
  const t16 = join(dir, 'a.tiff');
  await writeTiff(t16, { width: 40, height: 30, bitDepth: 16, data: new Uint16Array(1200) });
  assert.deepEqual(await probeImage(t16), { width: 40, height: 30, bitDepth: 16, channels: 1, sampleFormat: 'uint', format: 'tiff' });
  // A compressed, tiled TIFF from libvips goes through the same parser (tile offsets, not strips).
  const lzw = join(dir, 'b.tif');
  await sharp(Buffer.alloc(64 * 50, 9), { raw: { width: 64, height: 50, channels: 1 } }).toColourspace('b-w').tiff({ compression: 'lzw', tile: true, tileWidth: 16, tileHeight: 16 }).toFile(lzw);
  assert.deepEqual(await probeImage(lzw), { width: 64, height: 50, bitDepth: 8, channels: 1, sampleFormat: 'uint', format: 'tiff' });
  const png = join(dir, 'c.png');
  await sharp(Buffer.alloc(20 * 10, 1), { raw: { width: 20, height: 10, channels: 1 } }).png().toFile(png);
  assert.equal((await probeImage(png)).width, 20);
  const cut = join(dir, 'cut.tiff');
  writeFileSync(cut, encodeTiff({ width: 64, height: 64, bitDepth: 16, data: new Uint16Array(4096) }).subarray(0, 5000));
  await assert.rejects(probeImage(cut), (e: unknown) => e instanceof ImageReadError && /cut\.tiff: truncated: pixel data runs to byte 8338, file has 5000/.test(e.message));
  const badIfd = join(dir, 'ifd.tif');
  const hdr = Buffer.alloc(16);
  hdr.write('II', 0, 'latin1');
  hdr.writeUInt16LE(42, 2);
  hdr.writeUInt32LE(99999, 4);
  writeFileSync(badIfd, hdr);
  await assert.rejects(probeImage(badIfd), /ifd\.tif: truncated: header points to byte 100001, file has 16/);
  const txt = join(dir, 'notes.tif');
  writeFileSync(txt, 'hello, not an image');
  await assert.rejects(probeImage(txt), /notes\.tif: not an image \(no TIFF\/PNG\/JPEG signature\)/);
  const empty = join(dir, 'empty.tif');
  writeFileSync(empty, '');
  await assert.rejects(probeImage(empty), /empty\.tif: empty file/);
});
