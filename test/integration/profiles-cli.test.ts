import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { createCore } from '../../src/main/core/core';
import { main } from '../../src/main/cli';
import { readPlatemap } from '../../src/main/core/io/platemap';
import { openFeatureSet, saveWellProfiles } from '../../src/main/core/features/store';
import { wellName } from '../../src/shared/channels';
import { openParquet, rowGroups } from '../../src/main/core/io/parquetRead';

// The demo plate's well profiles (pycytominer.aggregate of the CLI's per-cell export) in a real
// catalog, then `stainless profile` end to end; references from pycytominer and copairs
// (test/fixtures/profiles/make_profiles_reference.py).
const dir = mkdtempSync(join(tmpdir(), 'stainless-profiles-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const fx = (name: string) => fileURLToPath(new URL(`../fixtures/profiles/${name}`, import.meta.url));
const ref = JSON.parse(gunzipSync(readFileSync(fx('reference.json.gz'))).toString('utf8')) as {
  selected: string[];
  normalized: Record<string, Array<number | null>>;
  map: Array<{ broad_sample: string; mAP: number; p_value: number; corrected_p_value: number; below_corrected_p: boolean }>;
};

function csv(text: string): { header: string[]; rows: string[][] } {
  const lines = text.trimEnd().split('\n');
  return { header: lines[0].split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

function close(a: number, b: number, what: string) {
  assert.ok(Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
}

/** A workspace holding plate SIM-A549-96-1's plate map and a finished acquired feature set. */
function workspace(name: string, opts: { withDmso: boolean }): string {
  const ws = join(dir, name);
  const core = createCore({ workspace: ws, transport: 'inprocess' });
  const db = core.db;
  const agg = csv(gunzipSync(readFileSync(fx('aggregated.csv.gz'))).toString('utf8'));
  const pm = readPlatemap(fx('platemap/STAINLESS-DEMO-96.txt'), { compoundFile: fx('compound_metadata.tsv') });
  const plateId = (db.prepare(`INSERT INTO plates (barcode, format) VALUES ('SIM-A549-96-1', 96) RETURNING id`).get() as { id: number }).id;
  const addCompound = db.prepare(`INSERT INTO compounds (broad_sample, name, moa, target) VALUES (?, ?, ?, ?) ON CONFLICT (broad_sample) DO UPDATE SET name = excluded.name RETURNING id`);
  const addWell = db.prepare(`INSERT INTO wells (plate_id, row, col, name, compound_id, concentration, control_type, annotated) VALUES (?, ?, ?, ?, ?, ?, ?, 1) RETURNING id`);
  const idOf = new Map<string, number>();
  for (const w of pm.wells) {
    const c = addCompound.get(w.compound.broadSample || 'DMSO', w.compound.name, w.compound.moa, w.compound.target) as { id: number };
    const control = !opts.withDmso && w.controlType === 'negcon' ? 'trt' : w.controlType;
    idOf.set(wellName(w.row, w.col), (addWell.get(plateId, w.row, w.col, wellName(w.row, w.col), c.id, w.concentration, control) as { id: number }).id);
  }
  const wells = agg.rows.map((r) => r[agg.header.indexOf('Metadata_Well')]);
  const features = agg.header.filter((h) => !h.startsWith('Metadata_'));
  const setId = openFeatureSet(db, { plateId, source: 'acquired', runId: null, method: 'classical', modelName: null });
  const negcon = Uint8Array.from(wells, (w) => (pm.wells.find((x) => wellName(x.row, x.col) === w)!.controlType === 'negcon' ? 1 : 0));
  saveWellProfiles(db, setId, {
    wellIds: Int32Array.from(wells, (w) => idOf.get(w)!),
    negcon,
    names: ['Count_Cells', ...features],
    columns: [Float64Array.from(wells, () => 1), ...features.map((f) => Float64Array.from(agg.rows, (r) => (r[agg.header.indexOf(f)] === '' ? NaN : Number(r[agg.header.indexOf(f)]))))],
    nSites: 96,
    nCells: 96,
    cellsPath: null,
    seconds: 0,
  });
  db.close();
  return ws;
}

test('`stainless profile` writes pycytominer\'s processed profiles and copairs\' mAP table for a plate in the catalog', async () => {
  const ws = workspace('ws', { withDmso: true });
  const out = join(dir, 'profiles.csv');
  const mapOut = join(dir, 'map.csv');
  assert.equal(await main(['--workspace', ws, 'profile', '--plate', 'SIM-A549-96-1', '--source', 'acquired', '--out', out, '--map', mapOut]), 0);
  const prof = csv(readFileSync(out, 'utf8'));
  const feats = prof.header.filter((h) => !h.startsWith('Metadata_'));
  assert.deepEqual(feats, ref.selected, 'the selected features, in pycytominer\'s order');
  assert.equal(prof.rows.length, 96);
  for (const f of feats.slice(0, 200)) {
    const j = prof.header.indexOf(f);
    prof.rows.forEach((r, i) => close(Number(r[j]), ref.normalized[f][i]!, `${r[1]} ${f}`));
  }
  const m = csv(readFileSync(mapOut, 'utf8'));
  assert.deepEqual(m.header, ['Metadata_broad_sample', 'n_replicates', 'mean_average_precision', 'p_value', 'corrected_p_value', 'below_corrected_p']);
  assert.deepEqual(m.rows.map((r) => r[0]), ref.map.map((x) => x.broad_sample));
  m.rows.forEach((r, k) => {
    close(Number(r[2]), ref.map[k].mAP, `${r[0]} mAP`);
    close(Number(r[3]), ref.map[k].p_value, `${r[0]} p`);
    close(Number(r[4]), ref.map[k].corrected_p_value, `${r[0]} q`);
    assert.equal(r[5], ref.map[k].below_corrected_p ? 'True' : 'False');
  });

  // the same profiles as Parquet (pycytominer's load_profiles and pandas read either)
  const pq = join(dir, 'profiles.parquet');
  assert.equal(await main(['--workspace', ws, 'profile', '--plate', 'SIM-A549-96-1', '--out', pq]), 0);
  const pf = await openParquet(pq);
  assert.equal(pf.rows, 96);
  assert.deepEqual(pf.columns.filter((c) => !c.startsWith('Metadata_')), ref.selected);
  for await (const g of rowGroups(pf, ['Metadata_Well', ref.selected[0], ref.selected[500]]))
    for (let i = 0; i < g.rows; i++)
      for (const f of [ref.selected[0], ref.selected[500]]) close(g.columns.get(f)![i] as number, ref.normalized[f][g.rowStart + i]!, `${g.columns.get('Metadata_Well')![i]} ${f}`);

  // usage errors exit 2: a flag that is not a number, a null below copairs' useful size
  assert.equal(await main(['--workspace', ws, 'profile', '--plate', 'SIM-A549-96-1', '--out', join(dir, 'u.csv'), '--null-size', 'many']), 2);
  assert.equal(await main(['--workspace', ws, 'profile', '--plate', 'SIM-A549-96-1', '--out', join(dir, 'u.csv'), '--null-size', '10']), 2);
  assert.ok(!existsSync(join(dir, 'u.csv')));

  // an existing file is refused without --force, and nothing is rewritten
  const before = readFileSync(out, 'utf8');
  assert.equal(await main(['--workspace', ws, 'profile', '--plate', 'SIM-A549-96-1', '--out', out]), 1);
  assert.equal(readFileSync(out, 'utf8'), before);
});

test('a plate without DMSO wells is refused in one line naming the plate, and no file is written', async () => {
  const ws = workspace('ws-nodmso', { withDmso: false });
  const out = join(dir, 'none.csv');
  const errs: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => (errs.push(String(chunk)), true)) as typeof process.stderr.write;
  let code: number;
  try {
    code = await main(['--workspace', ws, 'profile', '--plate', 'SIM-A549-96-1', '--out', out]);
  } finally {
    process.stderr.write = write;
  }
  assert.equal(code, 1);
  const line = errs.join('').split('\n').find((l) => l.includes('negative-control'));
  assert.ok(line && line.includes('SIM-A549-96-1'), `message: ${errs.join('')}`);
  assert.ok(!existsSync(out) && !existsSync(`${out}.partial`));
});
