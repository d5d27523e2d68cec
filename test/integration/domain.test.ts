import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../support/cli';
import { openCatalog } from '../../src/main/core/catalog/db';
import type { RunInfo } from '../../src/shared/contract/inference';

/**
 * The domain check on real images nobody here made: Google's phase-contrast field of rat cortical
 * neurons (three z planes + real DAPI), imported as a plate and run through the bundled direct
 * model, is flagged out of range with reasons — in the CLI output, the catalog and the export —
 * while a held-out simulator plate (seed never trained on) is in range.
 */
const DATA = resolve(import.meta.dirname, '../../../shared/data/isl-rat-cortex-phase-left');
const root = mkdtempSync(join(tmpdir(), 'stainless-domain-'));
const ws = join(root, 'ws');
test.after(() => rmSync(root, { recursive: true, force: true }));

const cli = (...args: string[]) => runCli([...args, '--workspace', ws]);

test('the real phase-contrast field is flagged out of range by the bundled model, with reasons, in the CLI, the catalog and the export', { timeout: 600_000 }, async () => {
  // a plate folder of copies named with a well (the import scan does not follow links; the
  // originals stay untouched)
  const dir = join(root, 'isl');
  mkdirSync(dir);
  for (const f of ['phase_z00', 'phase_z06', 'phase_z12', 'DAPI']) copyFileSync(join(DATA, `${f}.png`), join(dir, `ISL_A04_${f}.png`));
  const imp = await cli('import', dir, '--barcode', 'ISL-A4', '--format', '96', '--pattern', '^ISL_(?<well>[A-H]\\d+)_(?<channel>\\w+)\\.png$', '--channel-map', 'phase_z00=BFLow,phase_z06=BF,phase_z12=BFHigh,DAPI=DNA');
  assert.equal(imp.code, 0, imp.err + imp.out);

  const inf = await cli('infer', '--plate', 'ISL-A4', '--model', 'stainless-unet-direct');
  assert.equal(inf.code, 0, inf.err);
  assert.match(inf.out, /domain check: OUT OF RANGE \(1 site sampled/);
  const reasons = inf.out.split('\n').filter((l) => /^\s+out of range: /.test(l));
  assert.ok(reasons.length >= 1, inf.out);
  assert.ok(reasons.some((l) => /vs training .* spreads outside/.test(l)), 'a reason names the statistic, its value and the training range');

  const runs = JSON.parse((await cli('runs', '--json')).out) as RunInfo[];
  const run = runs[0];
  assert.equal(run.domain?.verdict, 'out of range');
  assert.ok(run.domain!.reasons.length > 0);
  assert.ok(run.domain!.plate.BF.focus > 0, 'the plate statistics are kept with the verdict');
  const db = openCatalog(join(ws, 'catalog.sqlite'));
  try {
    const row = db.prepare(`SELECT domain, status FROM runs WHERE id = ?`).get(run.id) as { domain: string; status: string };
    assert.equal(row.status, 'done', 'an out-of-range plate still runs');
    assert.equal(JSON.parse(row.domain).verdict, 'out of range');
  } finally {
    db.close();
  }

  assert.equal((await cli('segment', '--plate', 'ISL-A4', '--source', 'synthetic', '--run', String(run.id))).code, 0);
  const csv = join(root, 'isl-wells.csv');
  const ex = await cli('export', '--plate', 'ISL-A4', '--level', 'well', '--format', 'csv', '--source', 'synthetic', '--run', String(run.id), '--out', csv);
  assert.equal(ex.code, 0, ex.err);
  const [header, first] = readFileSync(csv, 'utf8').trim().split('\n');
  const col = header.split(',').indexOf('Metadata_DomainVerdict');
  assert.ok(col > 0, 'the export carries the verdict as a Metadata_ column');
  assert.equal(first.split(',')[col].replace(/"/g, ''), 'out of range');

  // per cell too: every row of the run's cells carries the run's verdict
  const cellsCsv = join(root, 'isl-cells.csv');
  const exc = await cli('export', '--plate', 'ISL-A4', '--level', 'cell', '--format', 'csv', '--source', 'synthetic', '--run', String(run.id), '--out', cellsCsv);
  assert.equal(exc.code, 0, exc.err);
  const [cellHeader, ...cellRows] = readFileSync(cellsCsv, 'utf8').trim().split('\n');
  assert.equal(cellHeader.split(',').at(-1), 'Metadata_DomainVerdict', 'the per-cell export carries the verdict (last column)');
  assert.ok(cellRows.length > 0);
  for (const r of cellRows) assert.equal(r.slice(r.lastIndexOf(',') + 1).replace(/"/g, ''), 'out of range');
});

test('a held-out simulator plate (seed 21, never trained on) is in range for the same model', { timeout: 300_000 }, async () => {
  const plate = join(root, 'heldout');
  assert.equal((await cli('demo', '--out', plate, '--format', '96', '--sites', '1', '--size', '512', '--cell-line', 'A549', '--seed', '21', '--wells', 'A03,D03,H03', '--workers', '1')).code, 0);
  assert.equal((await cli('import', plate)).code, 0);
  const inf = await cli('infer', '--plate', 'SIM-A549-96-21', '--model', 'stainless-unet-direct', '--json');
  assert.equal(inf.code, 0, inf.err);
  const s = JSON.parse(inf.out);
  assert.equal(s.domain.verdict, 'in range', JSON.stringify(s.domain.reasons));
  assert.equal(s.domain.sites, 3);
});
