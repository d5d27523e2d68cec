// Biology metrics on plain matrices: feature-name parsing, group × channel correlation table,
// cross-validated separation, phenotypic activity with permutation p-values, plate QC.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFeatureName } from '../../src/main/core/metrics/featureNames';
import { featureAgreement, type WellProfiles } from '../../src/main/core/metrics/agreement';
import { crossValidatedF1, stratifiedFolds, macroF1 } from '../../src/main/core/metrics/classify';
import { phenotypicActivity } from '../../src/main/core/metrics/activity';
import { randomAp } from '../../src/main/core/profiles/copairs';
import { computeBiology, controlsQc } from '../../src/main/core/metrics/biology';
import { linearSumAssignment } from '../../src/main/core/metrics/hungarian';
import { symmetricEigen } from '../../src/main/core/metrics/linalg';
import { pearson } from '../../src/shared/stats';
import { frechetDistance } from '../../src/main/core/metrics/frechet';
import { mulberry32 } from '../../src/main/core/metrics/rng';

const gauss = (rnd: () => number) => Math.sqrt(-2 * Math.log(rnd() || 1e-12)) * Math.cos(2 * Math.PI * rnd());

test('CellProfiler column names map to the papers’ feature groups and channels', () => {
  assert.deepEqual(parseFeatureName('Cells_Texture_Contrast_ER_3_00_256'), { name: 'Cells_Texture_Contrast_ER_3_00_256', compartment: 'Cells', group: 'Texture', channels: ['ER'] });
  assert.deepEqual(parseFeatureName('Cells_Correlation_Correlation_DNA_ER')?.channels, ['DNA', 'ER']);
  assert.equal(parseFeatureName('Nuclei_Intensity_MeanIntensity_RNA')?.channels[0], 'RNA');
  assert.equal(parseFeatureName('Cytoplasm_Granularity_3_Mito')?.group, 'Granularity');
  assert.equal(parseFeatureName('Cells_RadialDistribution_FracAtD_AGP_2of4')?.group, 'RadialDistribution');
  assert.deepEqual(parseFeatureName('Cells_AreaShape_Area')?.channels, []);
  assert.equal(parseFeatureName('Nuclei_Location_Center_X')?.group, 'AreaShape');
  assert.equal(parseFeatureName('Cells_Neighbors_NumberOfNeighbors_Adjacent')?.group, 'Neighbors');
  assert.equal(parseFeatureName('Count_Cells')?.group, 'Count');
  assert.equal(parseFeatureName('Metadata_Well'), null);
  assert.equal(parseFeatureName('Cells_Unknown_Thing'), null);
});

/** wells × features profiles; synthetic = acquired + noise of a given size per feature. */
function profiles(nWells: number, features: string[], noise: number[], seed: number): { acq: WellProfiles; syn: WellProfiles } {
  const rnd = mulberry32(seed);
  const wells = Array.from({ length: nWells }, (_, i) => `W${String(i).padStart(2, '0')}`);
  const a = new Float64Array(nWells * features.length);
  const s = new Float64Array(nWells * features.length);
  for (let i = 0; i < nWells; i++)
    features.forEach((_, j) => {
      const v = gauss(rnd);
      a[i * features.length + j] = v;
      s[i * features.length + j] = v + noise[j] * gauss(rnd);
    });
  return { acq: { wells, features, data: a }, syn: { wells, features, data: s } };
}

test('feature agreement: per-feature Pearson r, summarised by group × channel', () => {
  const features = ['Cells_Intensity_MeanIntensity_DNA', 'Nuclei_Intensity_MeanIntensity_DNA', 'Cells_Texture_Contrast_ER_3_00_256', 'Cells_AreaShape_Area', 'Cells_Correlation_Correlation_DNA_ER', 'Metadata_Plate'];
  const { acq, syn } = profiles(40, features, [0.1, 0.1, 3, 0, 0.5, 0], 3);
  const r = featureAgreement(acq, syn);
  assert.equal(r.wells, 40);
  const byName = new Map(r.features.map((f) => [f.feature, f.r]));
  for (const f of features.slice(0, 5)) {
    const c = features.indexOf(f);
    const col = (p: WellProfiles) => Array.from({ length: 40 }, (_, i) => p.data[i * features.length + c]);
    assert.equal(byName.get(f), pearson(col(acq), col(syn)), f);
  }
  assert.equal(byName.get('Cells_AreaShape_Area'), 1);
  const cell = (g: string, ch: string) => r.table.find((c) => c.group === g && c.channel === ch);
  assert.equal(cell('Intensity', 'DNA')!.n, 2);
  assert.ok(cell('Intensity', 'DNA')!.meanR > 0.9);
  assert.ok(cell('Texture', 'ER')!.meanR < 0.7, 'noisy texture agrees less');
  // a Correlation feature counts under both its channels
  assert.equal(cell('Correlation', 'DNA')!.n, 1);
  assert.equal(cell('Correlation', 'ER')!.n, 1);
  assert.equal(cell('AreaShape', '')!.meanR, 1);
  assert.equal(r.skipped, 1, 'the metadata column is skipped');
});

test('k-NN separation: folds are stratified and deterministic; separable classes give F1 1, shuffled labels do not', () => {
  const labels = ['a', 'b', 'a', 'a', 'b', 'c', 'a', 'b', 'c', 'c'];
  assert.deepEqual(Array.from(stratifiedFolds(labels, 5)), [0, 0, 1, 2, 1, 0, 3, 2, 1, 2]);
  assert.equal(macroF1(['x', 'x', 'y', 'y'], ['x', 'y', 'y', 'y']).f1, (2 / 3 + 0.8) / 2);
  const rnd = mulberry32(5);
  const n = 60;
  const d = 8;
  const lab = Array.from({ length: n }, (_, i) => ['DMSO', 'treatment', 'other'][i % 3]);
  const data = new Float64Array(n * d).map((_, k) => gauss(rnd) + (Math.floor(k / d) % 3) * 6 * (k % d < 4 ? 1 : 0));
  const r = crossValidatedF1({ data, features: d, labels: lab });
  assert.equal(r.f1, 1);
  assert.deepEqual([r.samples, r.classes, r.folds, r.k], [60, 3, 5, 5]);
  const again = crossValidatedF1({ data, features: d, labels: lab });
  assert.deepEqual(again, r);
  const noise = crossValidatedF1({ data: new Float64Array(n * d).map(() => gauss(rnd)), features: d, labels: lab });
  assert.ok(noise.f1 < 0.7, `random features should not separate (F1 ${noise.f1})`);
  assert.throws(() => crossValidatedF1({ data: new Float64Array(4), features: 1, labels: ['a', 'a', 'a', 'a'] }), /at least 2 classes/);
});

test("copairs' permutation null: APs of random rankings, bounded by the worst and best ranking, seeded", () => {
  const nd = randomAp(500, 3, 10, 1);
  assert.equal(nd.length, 500);
  const worst = Math.fround((1 / 8 + 2 / 9 + 3 / 10) / 3);
  for (const v of nd) assert.ok(v >= worst - 1e-7 && v <= 1, `null value ${v}`);
  assert.ok(nd.some((v) => v === 1) && nd.some((v) => v < 0.5), 'both good and bad random rankings');
  assert.deepEqual(randomAp(50, 3, 10, 7), randomAp(50, 3, 10, 7));
});

test('phenotypic activity: a compound far from DMSO is active after BH, a DMSO-like one is not', () => {
  const rnd = mulberry32(11);
  const d = 20;
  const group: Array<string | null> = [];
  const negcon: boolean[] = [];
  const rows: number[][] = [];
  const shift = Array.from({ length: d }, () => gauss(rnd) * 2);
  for (let i = 0; i < 16; i++) {
    rows.push(Array.from({ length: d }, () => gauss(rnd)));
    group.push(null);
    negcon.push(true);
  }
  for (let i = 0; i < 4; i++) {
    rows.push(shift.map((s) => s + gauss(rnd) * 0.5));
    group.push('ACTIVE');
    negcon.push(false);
  }
  for (let i = 0; i < 4; i++) {
    rows.push(Array.from({ length: d }, () => gauss(rnd)));
    group.push('INERT');
    negcon.push(false);
  }
  const r = phenotypicActivity({ data: Float64Array.from(rows.flat()), features: d, group, negcon }, { nullSize: 2000 });
  const a = r.compounds.find((c) => c.group === 'ACTIVE')!;
  const b = r.compounds.find((c) => c.group === 'INERT')!;
  assert.equal(a.mAP, 1);
  assert.equal(a.pValue, 1 / 2001);
  assert.ok(a.active && a.correctedP < 0.05, JSON.stringify(a));
  assert.ok(!b.active && b.mAP < 0.6, JSON.stringify(b));
  assert.equal(r.fractionActive, 0.5);
});

test('computeBiology ties it together; QC gives Z′ and SSMD of controls', () => {
  const features = ['Cells_Intensity_MeanIntensity_DNA', 'Cells_Intensity_MeanIntensity_Mito', 'Cells_AreaShape_Area', 'Cells_Texture_Contrast_ER_3_00_256'];
  const { acq, syn } = profiles(30, features, [0.2, 0.2, 0.2, 0.2], 9);
  // wells 0–9 DMSO, 10–14 poscon, 15–29 five compounds × 3 replicates with MoAs; shift compounds away from DMSO
  const labels = acq.wells.map((w, i) => ({
    well: w,
    controlType: i < 10 ? 'negcon' : i < 15 ? 'poscon' : 'trt',
    compound: i < 15 ? null : `C${Math.floor((i - 15) / 3)}`,
    moa: i < 15 ? null : ['moaA', 'moaB'][Math.floor((i - 15) / 3) % 2],
  }));
  for (const p of [acq, syn])
    labels.forEach((l, i) => {
      if (l.controlType === 'poscon') p.data[i * features.length] += 6;
      if (l.controlType === 'trt') p.data[i * features.length + 1 + (Number(l.compound!.slice(1)) % 2)] += 6;
    });
  const b = computeBiology({ acquired: acq, synthetic: syn, labels, qcFeature: 'Cells_Intensity_MeanIntensity_DNA', nullSize: 1000 });
  assert.equal(b.features.wells, 30);
  assert.equal(b.features.features, 4);
  assert.deepEqual(b.separation.map((s) => `${s.task}/${s.source}`), ['treatment-vs-dmso/acquired', 'treatment-vs-dmso/synthetic', 'moa/acquired', 'moa/synthetic']);
  assert.ok(b.separation.every((s) => s.f1 !== null && s.f1 > 0.8), JSON.stringify(b.separation));
  assert.equal(b.activity.length, 2);
  assert.equal(b.activity[0].compounds, 5);
  assert.ok(b.notes.some((n) => /per-cell features not available/.test(n)), b.notes.join('; '));
  const q = b.qc.find((x) => x.source === 'acquired')!;
  assert.deepEqual([q.positive, q.negative], [5, 10]);
  assert.ok(q.zPrime! > 0 && q.ssmd! > 3, JSON.stringify(q));
  const lab = new Map(labels.map((l) => [l.well, l]));
  const few = controlsQc('x', 'acquired', [{ well: 'W10', value: 1 }, { well: 'W00', value: 2 }], lab);
  assert.equal(few.zPrime, null, 'fewer than 2 wells per control: undefined');
});

test('Hungarian assignment equals brute force on small random rectangular matrices', () => {
  const rnd = mulberry32(3);
  const perms = (n: number, k: number): number[][] => (k === 0 ? [[]] : perms(n, k - 1).flatMap((p) => [...Array(n).keys()].filter((j) => !p.includes(j)).map((j) => [...p, j])));
  for (let trial = 0; trial < 60; trial++) {
    const rows = 1 + Math.floor(rnd() * 5);
    const cols = 1 + Math.floor(rnd() * 5);
    const cost = new Float64Array(rows * cols).map(() => Math.round(rnd() * 20) / 4 - 2);
    const a = linearSumAssignment(cost, rows, cols);
    const got = Array.from(a).reduce((s, j, i) => s + (j >= 0 ? cost[i * cols + j] : 0), 0);
    let best = Infinity;
    if (rows <= cols) for (const p of perms(cols, rows)) best = Math.min(best, p.reduce((s, j, i) => s + cost[i * cols + j], 0));
    else for (const p of perms(rows, cols)) best = Math.min(best, p.reduce((s, i, j) => s + cost[i * cols + j], 0));
    assert.ok(Math.abs(got - best) < 1e-12, `trial ${trial}: ${got} vs optimum ${best}`);
    assert.equal(new Set(Array.from(a).filter((j) => j >= 0)).size, Math.min(rows, cols));
  }
});

test('Jacobi eigensolver: A·v = λ·v and orthonormal vectors', () => {
  const rnd = mulberry32(4);
  const n = 7;
  const b = new Float64Array(n * n).map(() => gauss(rnd));
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) a[i * n + j] += b[i * n + k] * b[j * n + k];
  const { values, vectors: V } = symmetricEigen(a, n);
  for (let k = 0; k < n; k++)
    for (let i = 0; i < n; i++) {
      let av = 0;
      for (let j = 0; j < n; j++) av += a[i * n + j] * V[j * n + k];
      assert.ok(Math.abs(av - values[k] * V[i * n + k]) < 1e-9, `A·v ≠ λ·v for eigenpair ${k}`);
    }
  for (let p = 0; p < n; p++)
    for (let q = 0; q < n; q++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += V[i * n + p] * V[i * n + q];
      assert.ok(Math.abs(dot - (p === q ? 1 : 0)) < 1e-12, `vectors ${p}, ${q} not orthonormal`);
    }
});

test('standardised Fréchet distance: 0 for identical samples, unchanged by a feature’s unit, grows with a shift', () => {
  const rnd = mulberry32(8);
  const rows = 400;
  const cols = 5;
  const a = new Float64Array(rows * cols).map(() => gauss(rnd));
  const b = new Float64Array(rows * cols).map((_, k) => gauss(rnd) + (k % cols === 0 ? 0.5 : 0));
  const M = (data: Float64Array) => ({ rows, cols, data });
  assert.ok(Math.abs(frechetDistance(M(a), M(a)).fd) < 1e-9, 'identical samples');
  const base = frechetDistance(M(a), M(b)).fd;
  const unit = (x: Float64Array) => x.map((v, k) => (k % cols === 2 ? v * 1000 + 7 : v));
  assert.ok(Math.abs(frechetDistance(M(unit(a)), M(unit(b))).fd - base) < 1e-9 * Math.max(1, base), 'unit-free');
  const far = b.map((v, k) => (k % cols === 0 ? v + 2 : v));
  assert.ok(frechetDistance(M(a), M(far)).fd > base, 'a larger shift is a larger distance');
});
