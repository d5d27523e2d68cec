import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writePhenixPlate, writeJumpMetadata, block, COMPOUNDS } from '../fixtures/import/plates';

const repo = resolve(import.meta.dirname, '../..');
const root = mkdtempSync(join(tmpdir(), 'stainless-import-cli-'));
const ws = join(root, 'ws');
const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/stainless.mjs', ...args, '--workspace', ws], { cwd: repo, encoding: 'utf8' });

test('stainless import / plates / wells, with --json, and a refused import exits 1 naming the file', () => {
  const dir = join(root, 'CLI1');
  writePhenixPlate(dir, { wells: block(1, 3), fields: 1, channels: [5, 8] });
  writeJumpMetadata(dir, 'CLI1', 'cli-map', [{ well: 'A1', broad_sample: '' }, { well: 'A2', broad_sample: COMPOUNDS[1].broad_sample, mmoles_per_liter: 1 }], COMPOUNDS);

  const imp = cli('import', join(dir, 'Images'), '--cell-line', 'U2OS', '--channel-map', 'ch8=BF,ch5=Hoechst', '--json');
  assert.equal(imp.status, 0, imp.stderr);
  const report = JSON.parse(imp.stdout);
  assert.deepEqual([report.barcode, report.wells, report.sites, report.images, report.annotatedWells, report.unannotatedWells], ['CLI1', 3, 3, 6, 2, 1]);
  assert.deepEqual(report.channels, ['BF', 'Hoechst']);

  const plates = cli('plates', '--json');
  assert.equal(plates.status, 0, plates.stderr);
  assert.deepEqual(
    JSON.parse(plates.stdout).map((p: { barcode: string; cellLine: string; images: number }) => [p.barcode, p.cellLine, p.images]),
    [['CLI1', 'U2OS', 6]],
  );
  const wells = cli('wells', '--plate', 'CLI1');
  assert.equal(wells.status, 0, wells.stderr);
  assert.deepEqual(wells.stdout.trim().split('\n'), ['A01  1 sites  DMSO  negcon', 'A02  1 sites  dexamethasone 1 mM  poscon  glucocorticoid receptor agonist', 'A03  1 sites  unannotated']);

  writeFileSync(join(dir, 'Images', 'r01c02f01p01-ch5sk1fk1fl1.tiff'), 'truncated');
  const bad = cli('import', dir);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /refused, nothing was written .*r01c02f01p01-ch5sk1fk1fl1\.tiff: not an image/);
  // Several folders: each its own plate and transaction; the refused one does not stop the other.
  const two = join(root, 'CLI2');
  writePhenixPlate(two, { wells: block(2, 2), fields: 2, channels: [5] });
  const multi = cli('import', two, dir, '--json');
  assert.equal(multi.status, 1);
  const reports = JSON.parse(multi.stdout);
  assert.deepEqual(reports.map((r: { barcode: string; ok: boolean; images: number }) => [r.barcode, r.ok, r.images]), [['CLI2', true, 8], ['CLI1', false, 5]]);
  assert.match(multi.stderr, /1 of 2 plates refused \(nothing written for them\): .*CLI1/);
  const after = JSON.parse(cli('plates', '--json').stdout);
  assert.deepEqual(after.map((p: { barcode: string; images: number }) => [p.barcode, p.images]), [['CLI1', 6], ['CLI2', 8]]);

  const usage = cli('wells');
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /wells needs --plate BARCODE/);
});
