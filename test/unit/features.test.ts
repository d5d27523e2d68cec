import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGray, writeTiff, type Gray } from '../../src/main/core/io/tiff';
import { grayToLabels } from '../../src/main/core/segment/labels';
import { measureSite, tableToObjects, COMPARTMENTS } from '../../src/main/core/features/measure';

// Reference values from test/fixtures/features/make_reference.py (scikit-image regionprops,
// numpy/scipy re-implementations of CellProfiler 4.2's modules).
const fixture = JSON.parse(readFileSync(new URL('../fixtures/features/fixture.json', import.meta.url), 'utf8')) as {
  width: number;
  height: number;
  channels: string[];
  nuclei: number[];
  cells: number[];
  images: Record<string, number[]>;
  reference: Record<string, Record<string, Record<string, number>>>;
};

const dir = mkdtempSync(join(tmpdir(), 'stainless-features-'));
const { width, height } = fixture;

async function roundTrip(name: string, data: number[]): Promise<Gray> {
  const file = join(dir, `${name}.tiff`);
  await writeTiff(file, { width, height, bitDepth: 16, data: Uint16Array.from(data) });
  return readGray(file);
}

const site = (async () => {
  const images: Record<string, Gray> = {};
  for (const c of fixture.channels) images[c] = await roundTrip(c, fixture.images[c]);
  const nuclei = grayToLabels(await roundTrip('nuclei', fixture.nuclei));
  const cells = grayToLabels(await roundTrip('cells', fixture.cells));
  return measureSite(images, nuclei, cells);
})();

const TOLERANCE: Array<[RegExp, number]> = [
  [/^(AreaShape|Location|Intensity|Neighbors)_/, 1e-6],
  [/^(Granularity|Texture|RadialDistribution|Correlation)_/, 1e-6],
];

function compare(comp: string, group: RegExp) {
  return async () => {
    const m = await site;
    const rows = tableToObjects(m[comp as (typeof COMPARTMENTS)[number]]);
    const ref = fixture.reference[comp];
    assert.equal(rows.length, Object.keys(ref).length, `${comp}: object count`);
    let checked = 0;
    const bad: string[] = [];
    for (const row of rows) {
      const want = ref[String(row.ObjectNumber)];
      assert.ok(want, `${comp} object ${row.ObjectNumber} missing from the reference`);
      for (const [name, expected] of Object.entries(want)) {
        if (!group.test(name)) continue;
        const tol = TOLERANCE.find(([re]) => re.test(name))![1];
        assert.ok(name in row, `${comp}: Stainless has no ${name}`);
        const got = row[name];
        checked++;
        if (expected === null || !Number.isFinite(expected)) {
          if (got !== null) bad.push(`${name}#${row.ObjectNumber}: ${got} vs ${expected}`);
          continue;
        }
        const err = Math.abs((got ?? NaN) - expected) / Math.max(1e-12, Math.abs(expected));
        if (!(err <= tol || Math.abs((got ?? NaN) - expected) <= 1e-12)) bad.push(`${name}#${row.ObjectNumber}: ${got} vs ${expected}`);
      }
    }
    assert.ok(checked > 0, `${comp}: nothing checked for ${group}`);
    assert.deepEqual(bad.slice(0, 15), [], `${bad.length} of ${checked} values differ`);
  };
}

for (const comp of ['Nuclei', 'Cells', 'Cytoplasm']) {
  test(`${comp}: AreaShape and Location match skimage regionprops`, compare(comp, /^(AreaShape|Location_Center)_/));
  test(`${comp}: Intensity matches MeasureObjectIntensity`, compare(comp, /^(Intensity_|Location_(CenterMass|Max)Intensity)/));
  test(`${comp}: Granularity matches MeasureGranularity`, compare(comp, /^Granularity_/));
  test(`${comp}: Texture matches MeasureTexture (mahotas Haralick)`, compare(comp, /^Texture_/));
  test(`${comp}: RadialDistribution matches`, compare(comp, /^RadialDistribution_/));
  test(`${comp}: Correlation matches MeasureColocalization`, compare(comp, /^Correlation_/));
  if (comp !== 'Cytoplasm') test(`${comp}: Neighbors matches MeasureObjectNeighbors`, compare(comp, /^Neighbors_/));
}

test('every reference feature has a Stainless column and vice versa', async () => {
  const m = await site;
  for (const comp of COMPARTMENTS) {
    const ours = new Set(m[comp].names);
    const theirs = new Set(Object.keys(Object.values(fixture.reference[comp])[0]));
    assert.deepEqual([...theirs].filter((n) => !ours.has(n)), [], `${comp}: reference names missing`);
    assert.deepEqual([...ours].filter((n) => !theirs.has(n)), [], `${comp}: names without a reference`);
  }
});

test('simulated demo site, ground-truth masks: every measurement of every object matches the references', async () => {
  const demo = JSON.parse(readFileSync(new URL('../fixtures/features/demo-reference.json', import.meta.url), 'utf8')) as {
    channels: string[];
    reference: Record<string, Record<string, Record<string, number | null>>>;
  };
  const file = (n: string) => new URL(`../fixtures/features/demo-site/${n}.tiff`, import.meta.url).pathname;
  const images: Record<string, Gray> = {};
  for (const c of demo.channels) images[c] = await readGray(file(c));
  const m = measureSite(images, grayToLabels(await readGray(file('nuclei'))), grayToLabels(await readGray(file('cells'))));
  let checked = 0;
  const bad: string[] = [];
  for (const comp of COMPARTMENTS) {
    const rows = tableToObjects(m[comp]);
    assert.equal(rows.length, Object.keys(demo.reference[comp]).length, `${comp}: object count`);
    for (const row of rows) {
      for (const [name, want] of Object.entries(demo.reference[comp][String(row.ObjectNumber)])) {
        const got = row[name];
        checked++;
        if (want === null || !Number.isFinite(want)) {
          if (got !== null) bad.push(`${comp} ${name}#${row.ObjectNumber}: ${got} vs ${want}`);
        } else if (!(Math.abs((got ?? NaN) - want) <= Math.max(1e-6 * Math.abs(want), 1e-12))) bad.push(`${comp} ${name}#${row.ObjectNumber}: ${got} vs ${want}`);
      }
    }
  }
  assert.ok(checked > 40000, `${checked} values checked`);
  assert.deepEqual(bad.slice(0, 15), [], `${bad.length} of ${checked} values differ`);
});

test('Feret diameters and minimum enclosing circles of simple shapes: square, line, single pixel, triangle', async () => {
  const { feretDiameters, pixelHull } = await import('../../src/main/core/features/feret');
  const { minimumEnclosingCircle } = await import('../../src/main/core/features/zernike');
  const framed = (rows: string[]) => {
    const fw = rows[0].length + 2, fh = rows.length + 2;
    const m = new Uint8Array(fw * fh);
    rows.forEach((r, y) => [...r].forEach((c, x) => (m[(y + 1) * fw + x + 1] = c === '#' ? 1 : 0)));
    return [m, fw, fh] as const;
  };
  const near = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]) < 1e-12);
  const hullOf = (rows: string[]) => pixelHull(...framed(rows));
  assert.ok(near(feretDiameters(hullOf(['###', '###', '###'])), [2, 2 * Math.SQRT2]));
  assert.ok(near(feretDiameters(hullOf(['#####'])), [0, 4]));
  assert.ok(near(feretDiameters(hullOf(['#'])), [0, 0]));
  // a right triangle with legs 4: the narrowest caliper is its height onto the hypotenuse, 4/√2
  assert.ok(near(feretDiameters(hullOf(['#....', '##...', '###..', '####.', '#####'])), [4 / Math.SQRT2, 4 * Math.SQRT2]));
  // circles in frame coordinates (the frame shifts everything by one pixel)
  const circle = (rows: string[]) => {
    const h = hullOf(rows);
    const c = minimumEnclosingCircle(h.hx, h.hy);
    return [c.cx, c.cy, c.r];
  };
  assert.ok(near(circle(['###', '###', '###']), [2, 2, Math.SQRT2]));
  assert.ok(near(circle(['#####']), [3, 1, 2]));
  assert.ok(near(circle(['#']), [1, 1, 0]));
  // right triangle: the hypotenuse is the diameter
  assert.ok(near(circle(['#....', '##...', '###..', '####.', '#####']), [3, 3, 2 * Math.SQRT2]));
});
