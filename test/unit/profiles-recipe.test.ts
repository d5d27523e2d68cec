import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { columnMedians } from '../../src/main/core/features/profiles';
import { readPlatemap } from '../../src/main/core/io/platemap';
import { wellName } from '../../src/shared/channels';
import { isProfileFeature, runRecipe, type RecipeResult } from '../../src/main/core/profiles/recipe';
import { blocklisted } from '../../src/main/core/profiles/blocklist';
import { selectFeatures } from '../../src/main/core/profiles/select';
import { defaultRng, integers, shuffleRow } from '../../src/main/core/profiles/numpyRandom';
import { randomAp } from '../../src/main/core/profiles/copairs';

// References from pycytominer v1.6.1 and copairs v0.4.5 themselves, run on the demo plate's
// per-cell export by test/fixtures/profiles/make_profiles_reference.py (its header: how to rerun).
const fx = (name: string) => fileURLToPath(new URL(`../fixtures/profiles/${name}`, import.meta.url));
const ref = JSON.parse(gunzipSync(readFileSync(fx('reference.json.gz'))).toString('utf8')) as {
  params: { null_size: number; seed: number; threshold: number };
  numpy: Record<string, unknown>;
  edge: { features: string[]; columns: Record<string, Array<number | null>>; excluded: Record<string, string[]>; selected: string[] };
  subset_columns: string[];
  wells: string[];
  annotation: Record<string, Array<string | null>>;
  normalized: Record<string, Array<number | null>>;
  excluded: Record<string, string[]>;
  selected: string[];
  average_precision: Array<{ well: string; broad_sample: string; ap: number | null; n_pos: number; n_total: number }>;
  map: Array<{ broad_sample: string; mAP: number; p_value: number; corrected_p_value: number; below_corrected_p: boolean }>;
};

/** A pandas-written CSV (no quoting in these files; empty = NaN). */
function readCsv(name: string): { header: string[]; rows: string[][] } {
  const lines = gunzipSync(readFileSync(fx(name))).toString('utf8').trimEnd().split('\n');
  return { header: lines[0].split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}
const num = (s: string) => (s === '' ? NaN : Number(s));

/** |a − b| ≤ 1e-6, relative to |b| beyond 1 (z-scores over a zero MAD are ~1e18). */
function close(a: number, b: number | null, what: string) {
  if (b === null) return assert.ok(!Number.isFinite(a), `${what}: ${a} vs missing`);
  assert.ok(Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
}

const agg = readCsv('aggregated.csv.gz');
const wellCol = agg.header.indexOf('Metadata_Well');
const names = agg.header.filter((h) => isProfileFeature(h));
const columns = names.map((n) => {
  const j = agg.header.indexOf(n);
  return Float64Array.from(agg.rows, (r) => num(r[j]));
});
const wells = agg.rows.map((r) => r[wellCol]);

const annotation = readPlatemap(fx('platemap/STAINLESS-DEMO-96.txt'), { compoundFile: fx('compound_metadata.tsv') });
const byWell = new Map(annotation.wells.map((w) => [wellName(w.row, w.col), w]));

test('per-well medians equal pycytominer.aggregate(operation="median") of the cells CellProfiler keeps', () => {
  const cells = readCsv('cells-subset.csv.gz');
  const w = cells.header.indexOf('Metadata_Well');
  const border = cells.header.indexOf('Metadata_TouchesBorder');
  const cols = ref.subset_columns.map((n) => cells.header.indexOf(n));
  const rowsOf = new Map<string, Float64Array[]>();
  for (const r of cells.rows) if (r[border] === '0') rowsOf.set(r[w], [...(rowsOf.get(r[w]) ?? []), Float64Array.from(cols, (j) => num(r[j]))]);
  assert.equal(rowsOf.size, 96);
  for (const [well, rows] of rowsOf) {
    const med = columnMedians(rows, cols.length);
    const i = wells.indexOf(well);
    ref.subset_columns.forEach((n, k) => close(med[k], columns[names.indexOf(n)][i], `${well} ${n}`));
  }
});

test("the plate map reader annotates the wells as pycytominer.annotate does (compound, control type)", () => {
  assert.deepEqual(ref.wells, wells);
  wells.forEach((well, i) => {
    const a = byWell.get(well)!;
    assert.equal(a.controlType === 'negcon' ? 'negcon' : a.controlType === 'poscon' ? 'poscon' : 'trt', ref.annotation.Metadata_control_type[i] ?? 'trt', `${well} control type`);
    assert.equal(a.controlType === 'negcon' ? null : a.compound.broadSample, ref.annotation.Metadata_broad_sample[i], `${well} compound`);
  });
});

let result: RecipeResult | null = null;
const recipe = () =>
  (result ??= runRecipe(
    {
      wells,
      names,
      columns,
      negcon: wells.map((w) => byWell.get(w)!.controlType === 'negcon'),
      group: wells.map((w) => (byWell.get(w)!.controlType === 'negcon' ? null : byWell.get(w)!.compound.broadSample)),
    },
    {
      select: { operations: ['variance_threshold', 'correlation_threshold', 'drop_na_columns', 'blocklist'], freqCut: 0.05, uniqueCut: 0.01, corrThreshold: 0.9, naCutoff: 0.05 },
      activity: { nullSize: ref.params.null_size, threshold: ref.params.threshold, seed: ref.params.seed },
    },
  ));

test('mad_robustize against the DMSO wells equals pycytominer.normalize', () => {
  const { normalized } = recipe();
  const checked = Object.keys(ref.normalized);
  assert.ok(checked.length > 1000, `${checked.length} features checked`);
  for (const n of checked) {
    const got = normalized[names.indexOf(n)];
    ref.normalized[n].forEach((v, i) => close(got[i], v, `${wells[i]} ${n}`));
  }
});

test('feature selection excludes what each of pycytominer\'s operations excludes, in order', () => {
  const { selection } = recipe();
  for (const op of ['variance_threshold', 'correlation_threshold', 'drop_na_columns', 'blocklist'] as const)
    assert.deepEqual([...selection.excluded[op]].sort(), ref.excluded[op], op);
  assert.deepEqual(
    selection.kept.map((j) => names[j]),
    ref.selected,
  );
  assert.ok(ref.selected.length > 100 && ref.selected.length < names.length / 2, `${ref.selected.length} of ${names.length} kept`);
});

test("the blocklist rule is pycytominer's default blocklist on these columns", () => {
  // what variance and correlation left: blocklist saw exactly these names
  const left = new Set(ref.selected.concat(ref.excluded.blocklist));
  assert.deepEqual(names.filter((n) => left.has(n) && blocklisted(n)).sort(), ref.excluded.blocklist);
  assert.ok(ref.excluded.blocklist.length > 0);
});

test("average precision and mAP with p- and q-values equal copairs'", () => {
  const { aps, compounds } = recipe();
  assert.equal(aps.length, ref.average_precision.length);
  aps.forEach((a, k) => {
    const want = ref.average_precision[k];
    assert.equal(wells[a.index], want.well);
    assert.equal(a.group, want.broad_sample);
    assert.deepEqual([a.nPos, a.nTotal], [want.n_pos, want.n_total], `${want.well} pairs`);
    close(a.ap, want.ap, `${want.well} AP`);
  });
  assert.deepEqual(compounds.map((c) => c.group), ref.map.map((m) => m.broad_sample));
  compounds.forEach((c, k) => {
    const want = ref.map[k];
    close(c.mAP, want.mAP, `${c.group} mAP`);
    close(c.pValue, want.p_value, `${c.group} p`);
    close(c.correctedP, want.corrected_p_value, `${c.group} q`);
    assert.equal(c.active, want.below_corrected_p, `${c.group} active`);
  });
  assert.ok(compounds.some((c) => c.active) && compounds.some((c) => !c.active), 'both active and inactive compounds');
});

test("numpy's default_rng (SeedSequence + PCG64), integers and permuted, bit for bit", () => {
  const np = ref.numpy as { random_raw_12345: string[]; integers_8096_seed0: number[]; permuted_37_seed2p40p7: number[][] };
  const r = defaultRng(12345);
  assert.deepEqual(np.random_raw_12345.map(() => r.next64().toString()), np.random_raw_12345);
  assert.deepEqual(integers(defaultRng(0), 8096, 50), np.integers_8096_seed0);
  const g = defaultRng(2 ** 40 + 7);
  const rows = np.permuted_37_seed2p40p7.map(() => {
    const row = Uint16Array.from({ length: 37 }, (_, i) => i);
    shuffleRow(g, row);
    return Array.from(row);
  });
  assert.deepEqual(rows, np.permuted_37_seed2p40p7);
});

test("copairs' random_ap null distributions, float32 for float32", () => {
  const np = ref.numpy as Record<string, number[]>;
  assert.deepEqual(Array.from(randomAp(1000, 3, 11, 77)), np.random_ap_1000_3_11_seed77);
  assert.deepEqual(Array.from(randomAp(200, 9, 150, 5)), np.random_ap_200_9_150_seed5);
});

test('feature selection with missing values, anti-correlated and duplicate features equals pycytominer', () => {
  const e = ref.edge;
  const cols = e.features.map((f) => Float64Array.from(e.columns[f], (v) => (v === null ? NaN : v)));
  const s = selectFeatures(e.features, cols, { operations: ['variance_threshold', 'correlation_threshold', 'drop_na_columns'], freqCut: 0.05, uniqueCut: 0.01, corrThreshold: 0.9, naCutoff: 0.05 });
  for (const op of ['variance_threshold', 'correlation_threshold', 'drop_na_columns'] as const) assert.deepEqual([...s.excluded[op]].sort(), e.excluded[op], op);
  assert.deepEqual(
    s.kept.map((j) => e.features[j]),
    e.selected,
  );
  // the cases are there: something goes for each reason, and the anti-correlated feature stays
  assert.ok(e.excluded.variance_threshold.length && e.excluded.correlation_threshold.length && e.excluded.drop_na_columns.length, JSON.stringify(e.excluded));
  assert.ok(e.selected.includes('Cells_Anti0'), 'correlation_threshold compares signed r');
});
