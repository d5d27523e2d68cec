import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { readGray, type Gray } from '../../src/main/core/io/tiff';
import { readNpy } from '../../src/main/core/io/npy';
import { divideByIllum } from '../../src/main/core/illumination/apply';
import { grayToLabels } from '../../src/main/core/segment/labels';
import { measureSite, tableToObjects, COMPARTMENTS, type SiteMeasurements } from '../../src/main/core/features/measure';
import { measureObjectSkeleton } from '../../src/main/core/features/objectSkeleton';
import { indexObjects } from '../../src/main/core/features/objects';
import { centrosomeCircle, centrosomeHullOrder } from '../../src/main/core/features/zernike';

// Reference values computed by CellProfiler's own measurement code (cp_measure on centrosome and
// mahotas; CellProfiler 4.2.8's source where cp_measure departs from it), made by
// test/fixtures/features/make_cellprofiler_reference.py. Every column Stainless produces is
// compared on every object of every site: 1e-6 relative (absolute below 1e-6), NaN where
// CellProfiler gives NaN. MeasureObjectSizeShape decides a few exact ties by the machine's
// round-off (Zernike's enclosing circle, Orientation of symmetric objects): the script runs it
// again in a second valid floating-point environment and records that run's value where the two
// differ ("alternatives"); a value equal to either run is CellProfiler's. The illum site is the
// demo site after CorrectIlluminationApply: its channels divided by an illumination function and
// measured as float64 images, as JUMP_analysis_v3 measures them.

interface Reference {
  site: string;
  channels: string[];
  /** the channel standing in for JUMP's Mito (tubeness steps) */
  mito: string;
  /** channel images, labels, mito_skel, and for the illum site its illumination function (illum) */
  files: Record<string, string>;
  reference: Record<string, Record<string, Record<string, number | null>>>;
  /** whole-image measurements (Image_… without the prefix) */
  image: Record<string, number | null>;
  /** compartment → object → column: CellProfiler's value in the second floating-point environment, where it differs */
  alternatives?: Record<string, Record<string, Record<string, { value: number | null; reason: string; by?: string }>>>;
  alternative_reasons?: Record<string, string>;
}

// illum: the demo site measured after CorrectIlluminationApply (float64 corrected images; ImageQuality on the Orig ones)
const SITES = ['demo', 'examplehuman', 'edge', 'illum'];
const FIXTURES = new URL('../fixtures/features/', import.meta.url);
const SHARED = new URL('../../../shared/data/', import.meta.url);

function load(site: string): Reference {
  return JSON.parse(gunzipSync(readFileSync(new URL(`cp-reference-${site}.json.gz`, FIXTURES))).toString('utf8')) as Reference;
}

function fileUrl(f: string): URL {
  // "shared:" files are the repository's shared real data (../shared/data beside the checkout)
  return f.startsWith('shared:') ? new URL(f.slice(7), SHARED) : new URL(f, FIXTURES);
}

const measured = new Map<string, Promise<{ ref: Reference; m: SiteMeasurements }>>();
function site(name: string) {
  if (!measured.has(name))
    measured.set(
      name,
      (async () => {
        const ref = load(name);
        const images: Record<string, Gray> = {};
        for (const c of ref.channels) images[c] = await readGray(fileUrl(ref.files[c]).pathname);
        const nuclei = grayToLabels(await readGray(fileUrl(ref.files.nuclei).pathname));
        const cells = grayToLabels(await readGray(fileUrl(ref.files.cells).pathname));
        // the illum site: every channel divided by the function (Stainless' CorrectIlluminationApply)
        const fn = ref.files.illum ? await readNpy(fileUrl(ref.files.illum).pathname) : null;
        const corrected = fn ? Object.fromEntries(ref.channels.map((c) => [c, divideByIllum(images[c], fn, ref.files[c])])) : undefined;
        return { ref, m: measureSite(images, nuclei, cells, { channels: ref.channels, mito: ref.mito, corrected }) };
      })(),
    );
  return measured.get(name)!;
}

export const MODULES: Array<[string, RegExp]> = [
  ['MeasureObjectSizeShape', /^(AreaShape_|Location_Center_)/],
  ['MeasureObjectIntensity', /^(Intensity_|Location_(CenterMass|Max)Intensity_)/],
  ['MeasureGranularity', /^Granularity_/],
  ['MeasureTexture', /^Texture_/],
  ['MeasureObjectIntensityDistribution', /^RadialDistribution_(?!.*mito_tubeness)/],
  ['MeasureObjectIntensityDistribution (mito_tubeness around Nuclei)', /^RadialDistribution_.*mito_tubeness/],
  ['MeasureColocalization', /^Correlation_/],
  ['MeasureObjectNeighbors', /^Neighbors_/],
  ['Identify (object numbers)', /^Number_Object_Number$/],
];

function equal(got: number | null, want: number | null): boolean {
  if (want === null) return got === null;
  if (got === null) return false;
  const d = Math.abs(got - want);
  return d <= 1e-6 * Math.abs(want) || d <= 1e-6;
}

/** Columns of one module on one site: produced, equal on every object, and the first differences. */
export async function compareModule(siteName: string, re: RegExp) {
  const { ref, m } = await site(siteName);
  let produced = 0, equalCols = 0, values = 0, second = 0;
  const bad: string[] = [];
  const missing: string[] = [];
  for (const comp of COMPARTMENTS) {
    const rows = tableToObjects(m[comp]);
    const want = ref.reference[comp];
    assert.deepEqual(rows.map((r) => String(r.ObjectNumber)), Object.keys(want).sort((a, b) => +a - +b), `${siteName} ${comp}: object numbers`);
    for (const name of m[comp].names) {
      if (!re.test(name)) continue;
      produced++;
      if (!(name in (Object.values(want)[0] ?? { [name]: 0 }))) {
        missing.push(`${comp}_${name}`);
        continue;
      }
      let ok = true;
      for (const row of rows) {
        const w = want[String(row.ObjectNumber)][name];
        const alt = ref.alternatives?.[comp]?.[String(row.ObjectNumber)]?.[name];
        values++;
        if (equal(row[name], w)) continue;
        if (alt && equal(row[name], alt.value)) second++;
        else {
          ok = false;
          if (bad.length < 12) bad.push(`${comp}_${name}#${row.ObjectNumber}: ${row[name]} vs ${w}${alt ? ` or ${alt.value}` : ''}`);
        }
      }
      if (ok) equalCols++;
    }
  }
  return { produced, equalCols, values, second, bad, missing };
}

const IMAGE_MODULES: Array<[string, RegExp]> = [
  ['MeasureGranularity (image)', /^Granularity_/],
  ['MeasureTexture (image)', /^Texture_/],
  ['MeasureImageIntensity', /^Intensity_/],
  ['MeasureImageQuality', /^ImageQuality_/],
  ['Threshold steps (Identify…Objects, Threshold)', /^Threshold_/],
];

/** Image_… columns of one module on one site */
export async function compareImage(siteName: string, re: RegExp) {
  const { ref, m } = await site(siteName);
  const img = m.Image!;
  let produced = 0, equalCols = 0;
  const bad: string[] = [];
  const missing: string[] = [];
  img.names.forEach((name, j) => {
    if (!re.test(name)) return;
    produced++;
    if (!(name in ref.image)) return void missing.push(`Image_${name}`);
    const got = Number.isFinite(img.values[j]) ? img.values[j] : null;
    if (equal(got, ref.image[name])) equalCols++;
    else if (bad.length < 12) bad.push(`Image_${name}: ${got} vs ${ref.image[name]}`);
  });
  return { produced, equalCols, values: produced, second: 0, bad, missing };
}

for (const s of SITES)
  for (const [module, re] of IMAGE_MODULES)
    test(`${s} site: ${module} equals CellProfiler's code`, async () => {
      const r = await compareImage(s, re);
      assert.ok(r.produced > 0, `${module}: no column produced`);
      assert.deepEqual(r.missing, [], `${module}: columns without a CellProfiler reference`);
      assert.deepEqual(r.bad, [], `${module}: ${r.produced - r.equalCols} of ${r.produced} columns differ`);
    });

for (const s of SITES)
  for (const [module, re] of MODULES)
    test(`${s} site: ${module} equals CellProfiler's code on every object`, async () => {
      const r = await compareModule(s, re);
      assert.ok(r.produced > 0, `${module}: no column produced`);
      assert.deepEqual(r.missing, [], `${module}: columns without a CellProfiler reference`);
      assert.deepEqual(r.bad, [], `${module}: ${r.produced - r.equalCols} of ${r.produced} columns differ`);
    });

/** Points a–d on one circle: the in-circle determinant, exact in BigInt. */
function concyclic(xs: number[], ys: number[]): boolean {
  const [a, ...rest] = xs.map((x, i) => [BigInt(x), BigInt(ys[i])]);
  const [m0, m1, m2] = rest.map(([x, y]) => {
    const dx = x - a[0], dy = y - a[1];
    return [dx, dy, dx * dx + dy * dy];
  });
  return m0[0] * (m1[1] * m2[2] - m1[2] * m2[1]) - m0[1] * (m1[0] * m2[2] - m1[2] * m2[0]) + m0[2] * (m1[0] * m2[1] - m1[1] * m2[0]) === 0n;
}

// The second environment's values are CellProfiler's only where its code meets an exact tie, so
// each recorded alternative is checked against the object's own pixels: Orientation of an object
// with mu20 = mu02 or mu11 = 0 exactly (integer sums), Zernike of an object whose enclosing circle
// passes through four or more hull points; every one differs from the first run and names its reason.
for (const s of SITES)
  test(`${s} site: the recorded alternatives of MeasureObjectSizeShape are exact ties`, async () => {
    const ref = load(s);
    const nuclei = grayToLabels(await readGray(fileUrl(ref.files.nuclei).pathname));
    const cells = grayToLabels(await readGray(fileUrl(ref.files.cells).pathname));
    const cyto = Int32Array.from(cells.data, (v, i) => (nuclei.data[i] ? 0 : v));
    const label: Record<string, Int32Array> = { Nuclei: nuclei.data, Cells: cells.data, Cytoplasm: cyto };
    let entries = 0;
    for (const [comp, objects] of Object.entries(ref.alternatives ?? {}))
      for (const [obj, cols] of Object.entries(objects)) {
        const xs: number[] = [], ys: number[] = [];
        label[comp].forEach((v, i) => {
          if (v === +obj) xs.push(i % cells.width), ys.push(Math.floor(i / cells.width));
        });
        for (const [col, alt] of Object.entries(cols)) {
          entries++;
          const where = `${comp} ${obj} ${col}`;
          assert.ok(ref.alternative_reasons?.[alt.reason], `${where}: reason "${alt.reason}" is described`);
          assert.ok(!equal(alt.value, ref.reference[comp][obj][col]), `${where}: the alternative differs from the first run`);
          if (col === 'AreaShape_Orientation') {
            const n = BigInt(xs.length);
            const sum = (f: (k: number) => number) => xs.reduce((acc, _, k) => acc + BigInt(f(k)), 0n);
            const sx = sum((k) => xs[k]), sy = sum((k) => ys[k]);
            const cxx = n * sum((k) => xs[k] * xs[k]) - sx * sx, cyy = n * sum((k) => ys[k] * ys[k]) - sy * sy;
            const cxy = n * sum((k) => xs[k] * ys[k]) - sx * sy;
            assert.equal(alt.reason, 'moments tie', where);
            assert.ok(cxx === cyy || cxy === 0n, `${where}: second moments not tied (${cxx} ${cyy} ${cxy})`);
          } else {
            assert.match(col, /^AreaShape_Zernike_\d_\d$/, `${where}: only SizeShape's tie columns have alternatives`);
            assert.equal(alt.reason, 'enclosing-circle tie', where);
            // the enclosing circle passes through four or more hull points (exactly cocircular), so
            // which three of them define it is a tie
            const h = centrosomeHullOrder(xs, ys);
            const c = centrosomeCircle(h.hx, h.hy);
            const on = h.hx.map((_, k) => k).filter((k) => Math.abs(Math.hypot(h.hx[k] - c.cx, h.hy[k] - c.cy) - c.r) <= 1e-9 * c.r);
            assert.ok(on.length >= 4, `${where}: ${on.length} hull points on the enclosing circle`);
            assert.ok(concyclic(on.slice(0, 4).map((k) => h.hx[k]), on.slice(0, 4).map((k) => h.hy[k])), `${where}: not exactly cocircular`);
          }
        }
      }
    // each site has such ties (demo and illum: 2 nuclei; ExampleHuman: 2 nuclei; edge: a cell and a cytoplasm)
    assert.ok(entries > 0, `${s}: no alternative recorded`);
  });

// MeasureObjectSkeleton of the Nuclei on CellProfiler's mito_skel (skimage's skeletonize of
// mito_bw, written by the reference script): Stainless' module is checked on the same skeleton.
for (const s of SITES)
  test(`${s} site: MeasureObjectSkeleton (Nuclei on mito_skel) equals CellProfiler's code on every nucleus`, async () => {
    const ref = load(s);
    const nuclei = grayToLabels(await readGray(fileUrl(ref.files.nuclei).pathname));
    const skel = await readGray(fileUrl(ref.files.mito_skel).pathname);
    const ids = indexObjects(nuclei).ids;
    const b = measureObjectSkeleton(nuclei.data, Uint8Array.from(skel.data, (v) => (v ? 1 : 0)), nuclei.width, nuclei.height, ids, 'mito_skel');
    const want = ref.reference.Nuclei;
    assert.deepEqual(Array.from(ids, String), Object.keys(want).sort((a, c) => +a - +c), `${s}: nucleus numbers`);
    const bad: string[] = [];
    let nonzero = 0;
    b.names.forEach((name, j) =>
      ids.forEach((id, k) => {
        const w = want[String(id)][name];
        if (w) nonzero++;
        if (!equal(b.values[j][k], w) && bad.length < 12) bad.push(`Nuclei_${name}#${id}: ${b.values[j][k]} vs ${w}`);
      }),
    );
    assert.equal(b.names.length, 4);
    assert.deepEqual(bad, []);
    // the sites' skeletons reach their nuclei: not a comparison of zeros only
    assert.ok(nonzero > 0, `${s}: every reference value is 0`);
  });

test('summary: columns equal to CellProfiler per module and site', async (t) => {
  for (const s of SITES)
    for (const [module, re] of MODULES) {
      const r = await compareModule(s, re);
      t.diagnostic(`${s} ${module}: ${r.equalCols} of ${r.produced} columns equal${r.second ? ` (${r.second} values equal to the second floating-point environment's)` : ''}${r.bad.length ? `; e.g. ${r.bad.slice(0, 3).join('; ')}` : ''}${r.missing.length ? `; no reference: ${r.missing.slice(0, 3).join(' ')}` : ''}`);
    }
  for (const s of SITES)
    for (const [module, re] of IMAGE_MODULES) {
      const r = await compareImage(s, re);
      t.diagnostic(`${s} ${module}: ${r.equalCols} of ${r.produced} columns equal${r.bad.length ? `; e.g. ${r.bad.slice(0, 3).join('; ')}` : ''}${r.missing.length ? `; no reference: ${r.missing.slice(0, 3).join(' ')}` : ''}`);
    }
});
