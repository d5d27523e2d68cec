// Issue 16: bad input and failures as a user meets them through the CLI. Every refusal gives one
// line naming the file/well and the problem, a non-zero exit, and leaves the catalog (row counts,
// integrity) and the acquired files (sha256) exactly as they were.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { writePhenixPlate, writeJumpMetadata, block, COMPOUNDS } from '../fixtures/import/plates';
import { floatTiff, rgb16Tiff } from '../fixtures/reliability/oddTiffs';
import { catalogState, treeHashes } from './guard';
import { encodeTiff, readGray } from '../../src/main/core/io/tiff';

const repo = resolve(import.meta.dirname, '../..');
const root = mkdtempSync(join(tmpdir(), 'stainless-reliability-'));
const ws = join(root, 'ws');
const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/stainless.mjs', ...args, '--workspace', ws], { cwd: repo, encoding: 'utf8' });
// progress notes ("scanned 4/4 files") are not messages
const lines = (s: string) => s.split('\n').filter((l) => l.trim() && !/^(scanned|writing) \d+\/\d+ /.test(l));

// A catalogued plate, so that "unchanged" is checked against a catalog with rows in it.
const base = join(root, 'BASE');
writePhenixPlate(base, { wells: block(1, 2), fields: 1, channels: [5] });
const first = cli('import', base);
assert.equal(first.status, 0, first.stderr);

/** Runs a CLI command that must fail and checks that nothing changed; returns its stderr lines. */
function refused(plateDir: string, expectStatus: number, ...args: string[]): string[] {
  const before = catalogState(ws);
  const files = treeHashes(plateDir);
  const r = cli(...args);
  assert.equal(r.status, expectStatus, `exit ${r.status}; stderr: ${r.stderr}`);
  assert.deepEqual(catalogState(ws), before);
  assert.equal(before.integrity, 'ok');
  assert.deepEqual(treeHashes(plateDir), files);
  return lines(r.stderr);
}

test('case 2: a 32-bit float TIFF is refused by import and by the reader, naming the file', async () => {
  const dir = join(root, 'FLOAT');
  const files = writePhenixPlate(dir, { wells: block(2, 2), fields: 1, channels: [5] });
  writeFileSync(files[2], floatTiff(8));
  // libvips reads it as the float image it is meant to be
  const meta = await sharp(files[2]).metadata();
  assert.deepEqual([meta.depth, meta.channels], ['float', 1]);
  const err = refused(dir, 1, 'import', dir);
  assert.equal(err.length, 1, err.join('\n'));
  assert.match(err[0], new RegExp(`refused, nothing was written \\(1 error\\): .*${files[2].replace(/[.]/g, '\\.')}: 32-bit floating-point pixels; Stainless reads 8- or 16-bit unsigned integer images`));
  await assert.rejects(readGray(files[2]), /32-bit floating-point pixels/);
  // through the commands that read files directly, too
  const m = cli('metrics', 'image', '--ref', files[0], '--pred', files[2]);
  assert.equal(m.status, 1);
  assert.match(lines(m.stderr)[0], /r02c01f01p01-ch5sk1fk1fl1\.tiff: 32-bit floating-point pixels/);
});

test('case 2: a 16-bit RGB TIFF is refused; an 8-bit image in a 16-bit plate is a warning naming it', async () => {
  const dir = join(root, 'RGB');
  const files = writePhenixPlate(dir, { wells: block(2, 2), fields: 1, channels: [5] });
  writeFileSync(files[1], rgb16Tiff(8));
  const meta = await sharp(files[1]).metadata();
  assert.deepEqual([meta.depth, meta.channels], ['ushort', 3]);
  const err = refused(dir, 1, 'import', dir);
  assert.equal(err.length, 1, err.join('\n'));
  assert.match(err[0], /r01c02f01p01-ch5sk1fk1fl1\.tiff: 3 samples per pixel \(colour\/RGB\)/);
  await assert.rejects(readGray(files[1]), /3 samples per pixel/);

  const dir8 = join(root, 'MIXED');
  const f8 = writePhenixPlate(dir8, { wells: block(2, 2), fields: 1, channels: [5] });
  writeFileSync(f8[3], encodeTiff({ width: 8, height: 8, bitDepth: 8, data: new Uint8Array(64).fill(7) }));
  const ok = cli('import', dir8, '--json');
  assert.equal(ok.status, 0, ok.stderr);
  const report = JSON.parse(ok.stdout);
  const warn = report.problems.filter((p: { code: string }) => p.code === 'bit_depth_mismatch');
  assert.equal(warn.length, 1);
  assert.equal(warn[0].message, `1 image is 8-bit while the plate's other 3 are 16-bit (e.g. ${f8[3]}); intensities are compared on different scales`);
  assert.match(ok.stderr, /warning: 1 image is 8-bit while the plate's other 3 are 16-bit/);
});

test('case 3: one stray file or plate-map well outside a 96-well plate is an error naming it, unless --format', () => {
  const dir = join(root, 'STRAY');
  const files = writePhenixPlate(dir, { wells: block(2, 3), fields: 1, channels: [5] });
  const stray = join(dir, 'Images', 'r17c01f01p01-ch5sk1fk1fl1.tiff');
  writeFileSync(stray, readFileSync(files[0]));
  const err = refused(dir, 1, 'import', dir);
  assert.equal(err.length, 1, err.join('\n'));
  assert.ok(
    err[0].endsWith(`${stray}: well Q01 (row 17, column 1) lies outside the 96-well plate (8×12) that the other 6 wells make up; give --format 1536 if the plate is 1536-well`),
    err[0],
  );
  // a plate-map well beyond the plate the images make up
  const mapDir = join(root, 'MAPQ30');
  writePhenixPlate(mapDir, { wells: block(2, 3), fields: 1, channels: [5] });
  writeJumpMetadata(mapDir, 'MAPQ30', 'm30', [{ well: 'A01', broad_sample: '' }, { well: 'Q30', broad_sample: COMPOUNDS[0].broad_sample }], COMPOUNDS);
  const err2 = refused(mapDir, 1, 'import', mapDir);
  assert.equal(err2.length, 1, err2.join('\n'));
  assert.match(err2[0], /refused, nothing was written \(1 error\): .*metadata\/platemap\/m30\.txt:3: well Q30 lies outside the 96-well plate \(8×12\) that the other 6 wells make up; give --format 1536 if the plate is 1536-well$/);
  // --format says what the plate is
  const ok = cli('import', dir, '--format', '1536', '--json');
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).format, 1536);
});

test('case 7: import --dry-run exits 1 on errors, 0 without; an empty well selection is an error', () => {
  const dir = join(root, 'DRY');
  const files = writePhenixPlate(dir, { wells: block(2, 2), fields: 1, channels: [5] });
  const clean = cli('import', dir, '--dry-run');
  assert.equal(clean.status, 0, clean.stderr);
  assert.match(clean.stdout, /dry run: nothing was written/);
  writeFileSync(files[3], '');
  const err = refused(dir, 1, 'import', dir, '--dry-run');
  assert.equal(err.length, 1, err.join('\n'));
  assert.match(err[0], /refused, nothing was written \(1 error\): .*r02c02f01p01-ch5sk1fk1fl1\.tiff: empty file$/);
  assert.doesNotMatch(cli('plates').stdout, /DRY/, 'the dry run catalogued nothing');

  const q30 = refused(base, 1, 'wells', '--plate', 'BASE', '--well', 'Q30');
  assert.deepEqual(q30, ['stainless wells: plate BASE (96-well) has no well Q30: it lies outside the plate']);
  const h12 = refused(base, 1, 'wells', '--plate', 'BASE', '--well', 'H12');
  assert.deepEqual(h12, ['stainless wells: plate BASE (96-well) has no well H12 in the catalog']);
  const a2 = cli('wells', '--plate', 'BASE', '--well', 'A2');
  assert.equal(a2.status, 0, a2.stderr);
  assert.equal(a2.stdout.trim(), 'A02  1 sites  unannotated');
});

test('case 7: error counts count every error; repeated warnings are grouped into one line', () => {
  const dir = join(root, 'MANY');
  const files = writePhenixPlate(dir, { wells: block(8, 12), fields: 8, channels: [5] });
  for (const f of files) writeFileSync(f, '');
  const err = refused(dir, 1, 'import', dir);
  assert.equal(err.length, 1, err.slice(0, 3).join('\n'));
  assert.match(err[0], /refused, nothing was written \(768 errors\): .*empty file .* … 758 more$/);
  const json = cli('import', dir, '--json');
  const report = JSON.parse(json.stdout);
  assert.deepEqual(report.problemCounts, { errors: 768, warnings: 0 });
  assert.equal(report.problems.at(-1).message, '718 more problems of this kind (unreadable_image) not listed: 768 in all');

  // one stray channel: one grouped warning for the 23 sites without it, not 23 lines
  const stray = join(root, 'STRAYCH');
  const sf = writePhenixPlate(stray, { wells: block(2, 3), fields: 4, channels: [5] });
  writeFileSync(join(stray, 'Images', 'r01c01f01p01-ch9sk1fk1fl1.tiff'), readFileSync(sf[0]));
  const ok = cli('import', stray, '--json');
  assert.equal(ok.status, 0, ok.stderr);
  const warnings = lines(ok.stderr);
  assert.ok(warnings.length <= 2, warnings.join('\n'));
  assert.ok(warnings.includes('warning: missing channel ch9 in 23 of 24 sites (e.g. well A01 site 2, expected r01c01f02p01-ch9sk1fk1fl1.tiff)'), warnings.join('\n'));
});

test('case 7: a symlinked image inside the plate folder is followed; one pointing outside is reported by name', () => {
  const dir = join(root, 'LINKS');
  const files = writePhenixPlate(dir, { wells: block(1, 3), fields: 1, channels: [5] });
  // A03 is a link to a copy kept in the plate folder; A02 links to a file outside it
  const keep = join(dir, 'originals');
  mkdirSync(keep);
  renameSync(files[2], join(keep, 'a03.tiff'));
  symlinkSync(join(keep, 'a03.tiff'), files[2]);
  const outside = join(root, 'elsewhere.tiff');
  renameSync(files[1], outside);
  symlinkSync(outside, files[1]);
  const r = cli('import', dir, '--json');
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.images, 2, 'A01 and the followed link A03');
  const link = report.problems.find((p: { code: string }) => p.code === 'symlink');
  assert.equal(link.message, `${files[1]}: symbolic link to ${outside}, outside the plate folder ${dir}; skipped (copy the image or import its own folder)`);
});

test('case 4: a Latin-1 compound table is refused with its line and byte, read with --encoding latin1; a BOM is fine', () => {
  const dir = join(root, 'LATIN');
  writePhenixPlate(dir, { wells: block(1, 2), fields: 1, channels: [5] });
  const cpds = [{ ...COMPOUNDS[0], pert_iname: 'Müllerin' }, COMPOUNDS[1]];
  writeJumpMetadata(dir, 'LATIN', 'lat', [{ well: 'A01', broad_sample: '' }, { well: 'A02', broad_sample: COMPOUNDS[0].broad_sample, mmoles_per_liter: 1 }], cpds);
  const table = join(dir, 'metadata', 'external_metadata', 'compound_metadata.tsv');
  const text = readFileSync(table, 'utf8');
  writeFileSync(table, Buffer.from(text, 'latin1'));
  const col = text.split('\n')[1].indexOf('ü') + 1;
  const err = refused(dir, 1, 'import', dir);
  assert.equal(err.length, 1, err.join('\n'));
  assert.match(err[0], new RegExp(`compound_metadata\\.tsv:2: byte 0xFC at column ${col} \\(offset \\d+\\) is not UTF-8; save the table as UTF-8, or give --encoding latin1`));
  const ok = cli('import', dir, '--encoding', 'latin1');
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(cli('wells', '--plate', 'LATIN', '--well', 'A02').stdout, /^A02 {2}1 sites {2}Müllerin 1 mM/);

  const bom = join(root, 'BOM');
  writePhenixPlate(bom, { wells: block(1, 2), fields: 1, channels: [5] });
  writeJumpMetadata(bom, 'BOM', 'bom', [{ well: 'A01', broad_sample: '' }, { well: 'A02', broad_sample: COMPOUNDS[2].broad_sample }], [{ ...COMPOUNDS[2], pert_iname: 'AMG900-β' }]);
  const t2 = join(bom, 'metadata', 'external_metadata', 'compound_metadata.tsv');
  writeFileSync(t2, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(t2)]));
  const okBom = cli('import', bom);
  assert.equal(okBom.status, 0, okBom.stderr);
  assert.match(cli('wells', '--plate', 'BOM', '--well', 'A02').stdout, /AMG900-β/);
});

test('case 4: a compound re-imported with other metadata is a reported conflict, never a rename of another plate\'s compound', () => {
  const a = join(root, 'CONFA');
  writePhenixPlate(a, { wells: block(1, 2), fields: 1, channels: [5] });
  writeJumpMetadata(a, 'CONFA', 'ca', [{ well: 'A01', broad_sample: '' }, { well: 'A02', broad_sample: COMPOUNDS[1].broad_sample, mmoles_per_liter: 1 }], COMPOUNDS);
  assert.equal(cli('import', a).status, 0);
  const b = join(root, 'CONFB');
  writePhenixPlate(b, { wells: block(1, 2), fields: 1, channels: [5] });
  writeJumpMetadata(b, 'CONFB', 'cb', [{ well: 'A01', broad_sample: '' }, { well: 'A02', broad_sample: COMPOUNDS[1].broad_sample, mmoles_per_liter: 1 }], [{ ...COMPOUNDS[1], pert_iname: 'dexamethason\uFFFD' }]);
  const r = cli('import', b);
  assert.equal(r.status, 0, r.stderr);
  const warn = lines(r.stderr).filter((l) => l.startsWith('warning:'));
  assert.deepEqual(warn, [
    `warning: ${join(b, 'metadata', 'platemap', 'cb.txt')}:3: compound ${COMPOUNDS[1].broad_sample} has name "dexamethason\uFFFD" here but "dexamethasone" in the catalog, where plate CONFA uses it; the catalogued values are kept`,
  ]);
  for (const p of ['CONFA', 'CONFB']) assert.match(cli('wells', '--plate', p, '--well', 'A02').stdout, /^A02 {2}1 sites {2}dexamethasone 1 mM/);
  assert.equal(catalogState(ws).integrity, 'ok');
});
