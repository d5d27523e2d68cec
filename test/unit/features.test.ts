import { test } from 'node:test';
import assert from 'node:assert/strict';

// Per-object measurements are compared with CellProfiler's own code in features-cellprofiler.test.ts.

test('Feret diameters and minimum enclosing circles of simple shapes: square, line, single pixel, triangle', async () => {
  const { feretDiameters, pixelHull } = await import('../../src/main/core/features/feret');
  const { minimumEnclosingCircle } = await import('../../src/main/core/features/zernike');
  // each row's first and last pixel column, on the rows framed by an empty row and column each side
  const framed = (rows: string[]) => {
    const fh = rows.length + 2;
    const first = new Int32Array(fh).fill(-1), last = new Int32Array(fh).fill(-1);
    rows.forEach((r, y) => {
      first[y + 1] = r.indexOf('#') < 0 ? -1 : r.indexOf('#') + 1;
      last[y + 1] = r.lastIndexOf('#') + 1;
    });
    return [first, last, fh] as const;
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

test('MedianRadius is the median of the distances to the edge, whether or not they are square roots of whole numbers', async () => {
  const { measureAreaShape } = await import('../../src/main/core/features/areaShape');
  const { indexObjects } = await import('../../src/main/core/features/objects');
  const { distanceToEdge } = await import('../../src/main/core/features/edgeDistance');
  // two objects: a 6×5 block (even area) and a 3×3 block (odd area)
  const w = 12, h = 7, data = new Int32Array(w * h);
  for (let y = 1; y < 6; y++) for (let x = 1; x < 7; x++) data[y * w + x] = 1;
  for (let y = 2; y < 5; y++) for (let x = 8; x < 11; x++) data[y * w + x] = 2;
  const ix = indexObjects({ width: w, height: h, data });
  const median = (v: number[]) => {
    const s = [...v].sort((a, b) => a - b), m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  const medians = (edge: Float32Array) => {
    const b = measureAreaShape(ix, edge);
    return b.values[b.names.indexOf('AreaShape_MedianRadius')];
  };
  const expected = (edge: Float32Array) => [0, 1].map((k) => median(Array.from(ix.pixels.subarray(ix.start[k], ix.start[k + 1]), (i) => edge[i])));
  const edge = distanceToEdge(ix);
  assert.deepEqual(Array.from(medians(edge)), expected(edge));
  // distances that are not square roots of whole numbers (a counting pass cannot rank them)
  const odd = Float32Array.from(edge, (v, i) => v + ((i * 7) % 5) * 0.1);
  assert.deepEqual(Array.from(medians(odd)), expected(odd));
});

test('a site task counts the nuclei CellProfiler keeps (not touching the border) apart from the cells', async () => {
  const { processSite } = await import('../../src/main/core/features/siteTask');
  const { readGray } = await import('../../src/main/core/io/tiff');
  const f = (n: string) => new URL(`../fixtures/features/edge-site/${n}.tiff`, import.meta.url).pathname;
  const r = await processSite({ images: { DNA: f('DNA'), ER: f('ER'), RNA: f('RNA') }, method: 'classical', nucleiPath: f('nuclei'), cellsPath: f('cells'), reuseLabels: true, measure: true });
  const nuc = await readGray(f('nuclei'));
  const onBorder = new Set<number>();
  for (let y = 0; y < nuc.height; y++)
    for (let x = 0; x < nuc.width; x++)
      if (x === 0 || y === 0 || x === nuc.width - 1 || y === nuc.height - 1) onBorder.add(nuc.data[y * nuc.width + x]);
  const ids = new Set(Array.from(nuc.data).filter((v) => v > 0));
  const kept = [...ids].filter((v) => !onBorder.has(v)).length;
  assert.equal(r.nucleiKept, kept);
  const cellsKept = r.table!.touchesBorder.reduce((n, t) => n + (t ? 0 : 1), 0);
  assert.notEqual(r.nucleiKept, cellsKept, 'this site has nuclei whose cell touches the border');
});
