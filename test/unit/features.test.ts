import { test } from 'node:test';
import assert from 'node:assert/strict';

// Per-object measurements are compared with CellProfiler's own code in features-cellprofiler.test.ts.

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
