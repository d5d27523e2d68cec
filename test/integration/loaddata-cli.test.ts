import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writePhenixPlate, writeJumpMetadata, block, COMPOUNDS } from '../fixtures/import/plates';

const repo = resolve(import.meta.dirname, '../..');
const root = mkdtempSync(join(tmpdir(), 'stainless-loaddata-cli-'));
test.after(() => rmSync(root, { recursive: true, force: true }));
const cli = (ws: string, ...args: string[]) => spawnSync(process.execPath, ['bin/stainless.mjs', ...args, '--workspace', ws], { cwd: repo, encoding: 'utf8' });

test('stainless export --load-data, then stainless import --load-data into another workspace: same plate', () => {
  const dir = join(root, 'LD1');
  writePhenixPlate(dir, { wells: block(2, 2), fields: 2, channels: [5, 8] });
  writeJumpMetadata(dir, 'LD1', 'ld-map', [{ well: 'A1', broad_sample: '' }, { well: 'A2', broad_sample: COMPOUNDS[1].broad_sample, mmoles_per_liter: 1 }], COMPOUNDS);
  const a = join(root, 'ws-a');
  const b = join(root, 'ws-b');
  assert.equal(cli(a, 'import', dir).status, 0);
  const csv = join(dir, 'load_data.csv'); // beside metadata/: the import finds the plate map there
  const ex = cli(a, 'export', '--plate', 'LD1', '--load-data', '--out', csv);
  assert.equal(ex.status, 0, ex.stderr);
  assert.match(ex.stdout, /8 sites of LD1; acquired BF, DNA as FileName_Orig\*, no synthetic channels/);
  assert.equal(readFileSync(csv, 'utf8').split('\n')[0], 'Metadata_Plate,Metadata_Well,Metadata_Site,FileName_OrigBrightfield,PathName_OrigBrightfield,FileName_OrigDNA,PathName_OrigDNA');
  const again = cli(a, 'export', '--plate', 'LD1', '--load-data', '--out', csv);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /load_data\.csv: already exists/);

  const imp = cli(b, 'import', '--load-data', csv, '--json');
  assert.equal(imp.status, 0, imp.stderr);
  const r = JSON.parse(imp.stdout);
  assert.deepEqual([r.barcode, r.naming, r.wells, r.sites, r.images, r.annotatedWells], ['LD1', 'loaddata', 4, 8, 16, 2]);
  const wellsA = cli(a, 'wells', '--plate', 'LD1').stdout;
  const wellsB = cli(b, 'wells', '--plate', 'LD1').stdout;
  assert.equal(wellsB, wellsA);
  assert.match(wellsB, /A02  2 sites  dexamethasone 1 mM/);
});
