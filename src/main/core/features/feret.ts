/**
 * Convex hull of an object's pixel centres, from the first and last pixel column of each of its
 * rows (−1 where a row has none; rows 0..fh − 1), counter-clockwise in image orientation, collinear
 * points dropped; fewer than 3 vertices when the centres are collinear.
 */
export function pixelHull(rowFirst: Int32Array, rowLast: Int32Array, fh: number): { hx: number[]; hy: number[] } {
  // hull candidates: the first and last pixel centre of each row, in (y, x) order
  const xs: number[] = [];
  const ys: number[] = [];
  for (let y = 0; y < fh; y++) {
    const first = rowFirst[y], last = rowLast[y];
    if (first < 0) continue;
    xs.push(first);
    ys.push(y);
    if (last !== first) {
      xs.push(last);
      ys.push(y);
    }
  }
  const n = xs.length;
  if (n < 2) return { hx: xs, hy: ys };
  // monotone chain over the (y, x)-sorted points; collinear points are dropped
  // (no closures made per call: tsx's keepNames makes each one a call more)
  const hull = monotoneChain(xs, ys, 0, n, 1);
  hull.pop();
  const back = monotoneChain(xs, ys, n - 1, -1, -1);
  back.pop();
  const hx: number[] = [], hy: number[] = [];
  for (const i of hull.concat(back)) {
    hx.push(xs[i]);
    hy.push(ys[i]);
  }
  return { hx, hy };
}

/**
 * One monotone chain over points from, from + step, … (to excluded), right turns and collinear
 * points dropped: half of a convex hull when the points are sorted (the last index starts the other half).
 */
export function monotoneChain(xs: ArrayLike<number>, ys: ArrayLike<number>, from: number, to: number, step: number): number[] {
  const h: number[] = [];
  for (let i = from; i !== to; i += step) {
    while (h.length >= 2) {
      const o = h[h.length - 2], a = h[h.length - 1];
      if (!((xs[a] - xs[o]) * (ys[i] - ys[o]) - (ys[a] - ys[o]) * (xs[i] - xs[o]) <= 0)) break;
      h.pop();
    }
    h.push(i);
  }
  return h;
}

/**
 * CellProfiler's Min/MaxFeretDiameter (MeasureObjectSizeShape, via centrosome's convex_hull_ijv and
 * feret_diameter): the convex hull of the object's pixel centres; the maximum Feret diameter is the
 * largest distance between two hull vertices, the minimum the narrowest caliper width, which for a
 * convex polygon is attained with one caliper flush on an edge. Objects whose centres are collinear
 * (one row or column) have minimum 0. Takes the object's pixelHull.
 */
export function feretDiameters({ hx, hy }: { hx: number[]; hy: number[] }): [number, number] {
  const h = hx.length;
  if (h < 2) return [0, 0];
  let max2 = 0;
  for (let i = 0; i < h; i++) for (let j = i + 1; j < h; j++) max2 = Math.max(max2, (hx[i] - hx[j]) ** 2 + (hy[i] - hy[j]) ** 2);
  if (h < 3) return [0, Math.sqrt(max2)];
  let min = Infinity;
  for (let e = 0; e < h; e++) {
    const f = (e + 1) % h;
    const ex = hx[f] - hx[e], ey = hy[f] - hy[e];
    let far = 0;
    for (let v = 0; v < h; v++) far = Math.max(far, Math.abs(ex * (hy[v] - hy[e]) - ey * (hx[v] - hx[e])));
    min = Math.min(min, far / Math.hypot(ex, ey));
  }
  return [min, Math.sqrt(max2)];
}
