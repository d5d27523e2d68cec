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
  const cross = (o: number, a: number, b: number) => (xs[a] - xs[o]) * (ys[b] - ys[o]) - (ys[a] - ys[o]) * (xs[b] - xs[o]);
  const chain = (order: number[]) => {
    const h: number[] = [];
    for (const i of order) {
      while (h.length >= 2 && cross(h[h.length - 2], h[h.length - 1], i) <= 0) h.pop();
      h.push(i);
    }
    return h.slice(0, -1);
  };
  const idx = [...Array(n).keys()];
  const hull = chain(idx).concat(chain(idx.reverse()));
  return { hx: hull.map((i) => xs[i]), hy: hull.map((i) => ys[i]) };
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
