// Biology metrics of a run read from the features store: per-well profiles written with the features
// pipeline's own store functions (feature_sets / well_features) and per-cell Parquet files written
// with its Parquet sink, then `metrics.start` → correlation table, separation, mAP, Fréchet, QC.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from '../../src/main/core/core';
import { dispatch, handlers } from '../../src/main/core/api';
import { openFeatureSet, saveWellProfiles } from '../../src/main/core/features/store';
import { parquetSink } from '../../src/main/core/export/parquet';
import { cellFeatureSpecs } from '../../src/main/core/features/cellStore';
import { mulberry32 } from '../../src/main/core/metrics/rng';
import { pearson } from '../../src/shared/stats';
import { frechetDistance } from '../../src/main/core/metrics/frechet';
import type { RunMetrics, WellValues } from '../../src/shared/contract/metrics';
import type { JobInfo } from '../../src/shared/contract/jobs';

const dir = mkdtempSync(join(tmpdir(), 'stainless-metrics-bio-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const gauss = (rnd: () => number) => Math.sqrt(-2 * Math.log(rnd() || 1e-12)) * Math.cos(2 * Math.PI * rnd());

const FEATURES = [
  'Cells_AreaShape_Area',
  'Nuclei_Intensity_MeanIntensity_DNA',
  'Cells_Intensity_MeanIntensity_Mito',
  'Cells_Texture_Contrast_ER_3_00_256',
  'Cytoplasm_Granularity_3_RNA',
  'Cells_RadialDistribution_FracAtD_AGP_2of4',
  'Cells_Correlation_Correlation_DNA_ER',
  'Cells_Neighbors_NumberOfNeighbors_Adjacent',
];

test('run metrics read profiles and per-cell features from the features store', async () => {
  const ws = join(dir, 'ws');
  const core = createCore({ workspace: ws, transport: 'inprocess' });
  const db = core.db;
  const plateId = (db.prepare(`INSERT INTO plates (barcode, format) VALUES ('BIO', 96) RETURNING id`).get() as { id: number }).id;
  const runId = (db.prepare(`INSERT INTO runs (plate_id, model_name, status) VALUES (?, 'm', 'done') RETURNING id`).get(plateId) as { id: number }).id;
  // 8 DMSO, 4 poscon, 6 compounds × 3 replicates (3 MoAs)
  const insCpd = db.prepare(`INSERT INTO compounds (broad_sample, moa) VALUES (?, ?) RETURNING id`);
  const cpd = Array.from({ length: 6 }, (_, k) => (insCpd.get(`BRD-${k}`, `moa${k % 3}`) as { id: number }).id);
  const layout: Array<{ control: string; compound: number | null; unimaged?: boolean }> = [
    ...Array.from({ length: 8 }, () => ({ control: 'negcon', compound: null })),
    ...Array.from({ length: 4 }, () => ({ control: 'poscon', compound: null })),
    ...Array.from({ length: 18 }, (_, i) => ({ control: 'trt', compound: Math.floor(i / 3) })),
    // plate-map wells never imaged: the feature sets hold NaN for them (as the pipeline stores them)
    ...Array.from({ length: 6 }, (_, i) => ({ control: i < 3 ? 'negcon' : 'trt', compound: i < 3 ? null : 0, unimaged: true })),
  ];
  const IMAGED = 30;
  const insWell = db.prepare(`INSERT INTO wells (plate_id, row, col, name, control_type, compound_id) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`);
  const wellIds = Int32Array.from(
    layout.map((l, i) => {
      const row = Math.floor(i / 12);
      const col = i % 12;
      const name = `${String.fromCharCode(65 + row)}${String(col + 1).padStart(2, '0')}`;
      return (insWell.get(plateId, row, col, name, l.control, l.compound === null ? null : cpd[l.compound]) as { id: number }).id;
    }),
  );
  const negcon = Uint8Array.from(layout, (l) => (l.control === 'negcon' ? 1 : 0));
  // acquired profiles: treated wells shifted along a MoA-specific feature, poscon along the DNA intensity
  const rnd = mulberry32(21);
  const acq = FEATURES.map(() => new Float64Array(layout.length));
  layout.forEach((l, i) =>
    FEATURES.forEach((_, j) => {
      let v = gauss(rnd);
      if (l.control === 'poscon' && j === 1) v += 8;
      if (l.control === 'trt' && j === 2 + (l.compound! % 3)) v += 10;
      acq[j][i] = l.unimaged ? NaN : 100 + 10 * v;
    }),
  );
  // synthetic: the same biology plus noise; the texture feature is pure noise (a model that misses ER texture)
  const syn = acq.map((col, j) => col.map((v) => (Number.isNaN(v) ? NaN : j === 3 ? 100 + 10 * gauss(rnd) : v + 3 * gauss(rnd))));
  // and one feature the synthetic side could not measure in one imaged well (no cells there, say)
  syn[7][IMAGED - 1] = NaN;
  const cellsFile = async (name: string, shift: number) => {
    const file = join(ws, 'features', `${name}.cells.parquet`);
    // the pipeline's per-cell layout (float32 features, zstd, statistics)
    const sink = await parquetSink(file, [{ name: 'Metadata_Well', kind: 'string' }, ...cellFeatureSpecs(FEATURES)]);
    for (let chunk = 0; chunk < 3; chunk++) {
      const n = 400;
      await sink.write([Array.from({ length: n }, () => 'A01'), ...FEATURES.map((_, j) => Float64Array.from({ length: n }, () => 50 + j + shift * (j % 2) + gauss(rnd) * (1 + j / 4)))]);
    }
    await sink.finish();
    return file;
  };
  const acqCells = await cellsFile('acquired', 0);
  const synCells = await cellsFile('synthetic', 0.5);
  const save = (source: string, run: number | null, cols: Float64Array[], cellsPath: string) =>
    saveWellProfiles(db, openFeatureSet(db, { plateId, source, runId: run, method: 'classical', modelName: null }), {
      wellIds,
      negcon,
      names: FEATURES,
      columns: cols,
      nSites: IMAGED,
      nCells: 1200,
      cellsPath,
      seconds: 1,
    });

  // before any feature set: the note, no biology
  let job = (await dispatch(core, handlers, 'metrics.start', { runId })) as JobInfo;
  assert.equal((await core.jobs.wait(job.id)).status, 'done');
  let m = (await dispatch(core, handlers, 'metrics.run', { runId })) as RunMetrics;
  assert.equal(m.features, null);
  assert.ok(m.notes.some((n) => n.startsWith('features not computed yet for this run')), m.notes.join('; '));

  save('acquired', null, acq, acqCells);
  save('synthetic', runId, syn, synCells);
  job = (await dispatch(core, handlers, 'metrics.start', { runId, qcFeature: 'Nuclei_Intensity_MeanIntensity_DNA' })) as JobInfo;
  const done = await core.jobs.wait(job.id);
  assert.equal(done.status, 'done', done.error ?? '');
  m = (await dispatch(core, handlers, 'metrics.run', { runId })) as RunMetrics;

  assert.equal(m.features!.wells, IMAGED, 'unimaged wells are no samples');
  assert.equal(m.features!.features, FEATURES.length);
  const cell = (g: string, ch: string) => m.features!.table.find((c) => c.group === g && c.channel === ch);
  assert.ok(Math.abs(cell('Intensity', 'Mito')!.meanR! - pearson(acq[2].subarray(0, IMAGED), syn[2].subarray(0, IMAGED))) < 1e-12, 'Intensity × Mito is the Mito feature’s r');
  const nb = pearson(acq[7].subarray(0, IMAGED - 1), syn[7].subarray(0, IMAGED - 1));
  assert.ok(Math.abs(cell('Neighbors', '')!.meanR! - nb) < 1e-12, 'a feature missing in one well is correlated over the wells that have it');
  assert.ok(cell('Texture', 'ER')!.meanR! < 0.6, `texture was replaced by noise: r ${cell('Texture', 'ER')!.meanR}`);
  assert.equal(cell('Correlation', 'DNA')!.n, 1);
  assert.equal(cell('Correlation', 'ER')!.n, 1);
  assert.ok(cell('Neighbors', '') && cell('AreaShape', ''), 'shape and neighbour features sit in the no-channel column');

  const sep = (task: string, source: string) => m.separation.find((s) => s.task === task && s.source === source)!;
  assert.equal(sep('treatment-vs-dmso', 'acquired').samples, 26);
  assert.equal(sep('moa', 'acquired').classes, 3);
  assert.ok(sep('moa', 'acquired').f1! > 0.8, JSON.stringify(m.separation));

  const act = m.activity.find((a) => a.source === 'acquired')!;
  assert.equal(act.compounds, 6);
  assert.ok(act.meanMAP! > 0.8 && act.fractionActive === 1, JSON.stringify(act));
  assert.ok(act.perCompound.every((c) => c.correctedP >= c.pValue), 'BH never lowers a p-value');
  assert.ok(act.features && act.features.selected > 0 && act.features.selected <= act.features.profile, `mAP on pycytominer's selected features: ${JSON.stringify(act.features)}`);

  const want = frechetDistance(
    await (async () => ({ rows: 1200, cols: FEATURES.length, data: await readAll(acqCells) }))(),
    await (async () => ({ rows: 1200, cols: FEATURES.length, data: await readAll(synCells) }))(),
  );
  assert.ok(Math.abs(m.frechet!.value - want.fd) < 1e-9 * Math.max(1, want.fd), `Fréchet ${m.frechet!.value} vs ${want.fd}`);
  assert.deepEqual([m.frechet!.cellsAcquired, m.frechet!.cellsSynthetic, m.frechet!.features], [1200, 1200, FEATURES.length]);

  const qc = m.qc.find((q) => q.value === 'Nuclei_Intensity_MeanIntensity_DNA' && q.source === 'acquired')!;
  assert.deepEqual([qc.positive, qc.negative], [4, 8]);
  assert.ok(qc.zPrime! > 0 && qc.ssmd! > 3, JSON.stringify(qc));
  assert.ok(m.wellKeys.some((k) => k.key === 'profile_r'), JSON.stringify(m.wellKeys));
  const pr = (await dispatch(core, handlers, 'metrics.wellValues', { runId, key: 'profile_r' })) as WellValues;
  assert.equal(pr.values.length, layout.length, 'every well of the plate, empty where there is no value');
  // the synthetic profiles are the acquired ones plus noise: every imaged well agrees positively; unimaged ones have no value
  const imagedR = pr.values.filter((v) => v.value !== null);
  assert.equal(imagedR.length, IMAGED);
  assert.ok(imagedR.every((v) => v.value! > 0 && v.value! <= 1), JSON.stringify(pr.values.map((v) => v.value)));
  const wv = (await dispatch(core, handlers, 'metrics.wellValues', { runId, key: 'nope' })) as WellValues;
  assert.equal(wv.values.length, layout.length);
  assert.ok(wv.values.every((v) => v.value === null), 'unknown key: every well empty');
  core.close();
});

/** The feature columns of a per-cell Parquet file, row-major, read by arrow-rs (parquet-wasm): the independent reading for the Fréchet check. */
async function readAll(file: string): Promise<Float64Array> {
  const { readFileSync } = await import('node:fs');
  const { readParquet } = await import('parquet-wasm');
  const { tableFromIPC } = await import('apache-arrow');
  const t = tableFromIPC(readParquet(new Uint8Array(readFileSync(file))).intoIPCStream());
  const cols = FEATURES.map((n) => t.getChild(n)!.toArray() as ArrayLike<number>);
  const out = new Float64Array(t.numRows * FEATURES.length);
  for (let r = 0; r < t.numRows; r++) for (let j = 0; j < FEATURES.length; j++) out[r * FEATURES.length + j] = cols[j][r];
  return out;
}
