/**
 * CellProfiler's AreaShape_Zernike_n_m (MeasureObjectSizeShape, centrosome's zernike): every pixel
 * centre of the object is mapped into the unit disc of the object's minimum enclosing circle (centre
 * c, radius R, over the pixel centres); Z_nm = |Σ R_nm(ρ)·e^{imθ}| / (π R²) over the pixels with
 * ρ² ≤ 1 as computed in floating point (centrosome drops the circle's own points that round
 * outside; centrosomeCircle reproduces its circle bit for bit where it can), for n = 0..9 and m = n mod 2 .. n in steps of 2 (30
 * features). A one-pixel object (R = 0) has no disc: NaN, as CellProfiler's division gives.
 */
export const ZERNIKE_INDEXES: Array<[number, number]> = [];
for (let n = 0; n < 10; n++) for (let m = n % 2; m <= n; m += 2) ZERNIKE_INDEXES.push([n, m]);
export const ZERNIKE_NAMES = ZERNIKE_INDEXES.map(([n, m]) => `AreaShape_Zernike_${n}_${m}`);

const fact = (k: number): number => (k <= 1 ? 1 : k * fact(k - 1));
/** R_nm(ρ) = ρ^m · Σ_k c_k ρ^{2(K−k)}, K = (n−m)/2: the c_k. */
const RADIAL = ZERNIKE_INDEXES.map(([n, m]) => {
  const K = (n - m) / 2;
  return Array.from({ length: K + 1 }, (_, k) => ((k % 2 ? -1 : 1) * fact(n - k)) / (fact(k) * fact((n + m) / 2 - k) * fact(K - k)));
});

/** Minimum enclosing circle of points (incremental Welzl: expected linear for hull-sized inputs). */
export function minimumEnclosingCircle(xs: number[], ys: number[]): { cx: number; cy: number; r: number } {
  const n = xs.length;
  if (n === 0) return { cx: NaN, cy: NaN, r: NaN };
  const eps = 1e-9;
  let cx = xs[0], cy = ys[0], r = 0;
  const outside = (i: number) => Math.hypot(xs[i] - cx, ys[i] - cy) > r + eps;
  for (let i = 1; i < n; i++) {
    if (!outside(i)) continue;
    cx = xs[i], cy = ys[i], r = 0;
    for (let j = 0; j < i; j++) {
      if (!outside(j)) continue;
      cx = (xs[i] + xs[j]) / 2, cy = (ys[i] + ys[j]) / 2, r = Math.hypot(xs[i] - xs[j], ys[i] - ys[j]) / 2;
      for (let k = 0; k < j; k++) {
        if (!outside(k)) continue;
        // circumcircle of i, j, k (never collinear here: k lies outside the circle on i–j)
        const ax = xs[i], ay = ys[i], bx = xs[j], by = ys[j], qx = xs[k], qy = ys[k];
        const d = 2 * (ax * (by - qy) + bx * (qy - ay) + qx * (ay - by));
        const a2 = ax * ax + ay * ay, b2 = bx * bx + by * by, q2 = qx * qx + qy * qy;
        cx = (a2 * (by - qy) + b2 * (qy - ay) + q2 * (ay - by)) / d;
        cy = (a2 * (qx - bx) + b2 * (ax - qx) + q2 * (bx - ax)) / d;
        r = Math.hypot(ax - cx, ay - cy);
      }
    }
  }
  return { cx, cy, r };
}

/**
 * The enclosing circle in image coordinates with centrosome's own arithmetic, so that pixels on
 * the circle fall inside or outside it exactly as they do in CellProfiler (its r² > 1 test drops
 * some of them by round-off). Two defining points: centre (p+q)/2, radius |p−q|/2; three: the
 * circumcentre from integer sums (exact, then one rounding), radius to the nearest of the three.
 * xs/ys: hull points in image coordinates (integers); circle: their minimum enclosing circle.
 */
export function centrosomeCircle(xs: number[], ys: number[], circle: { cx: number; cy: number; r: number }): { cx: number; cy: number; r: number } {
  if (!(circle.r > 0)) return circle;
  const tol = 1e-7 * Math.max(1, circle.r);
  const on: number[] = [];
  for (let i = 0; i < xs.length; i++) if (Math.abs(Math.hypot(xs[i] - circle.cx, ys[i] - circle.cy) - circle.r) <= tol) on.push(i);
  for (let a = 0; a < on.length; a++)
    for (let b = a + 1; b < on.length; b++) {
      const i = on[a], j = on[b];
      const dy = ys[i] - ys[j], dx = xs[i] - xs[j];
      if (Math.abs(Math.sqrt(dy * dy + dx * dx) - 2 * circle.r) <= 2 * tol) return { cx: (xs[i] + xs[j]) / 2, cy: (ys[i] + ys[j]) / 2, r: Math.sqrt(dy * dy + dx * dx) / 2 };
    }
  if (on.length < 3) return circle;
  const [i, j, k] = on;
  const y0 = ys[i], x0 = xs[i], y1 = ys[j], x1 = xs[j], y2 = ys[k], x2 = xs[k];
  const D = 2 * (x0 * (y1 - y2) + x1 * (y2 - y0) + x2 * (y0 - y1));
  const q0 = y0 * y0 + x0 * x0, q1 = y1 * y1 + x1 * x1, q2 = y2 * y2 + x2 * x2;
  const cx = (q0 * (y1 - y2) + q1 * (y2 - y0) + q2 * (y0 - y1)) / D;
  const cy = (q0 * (x2 - x1) + q1 * (x0 - x2) + q2 * (x1 - x0)) / D;
  // centrosome measures the radius to one of the three (its current side's first point);
  // which one depends on its search order: take the shortest, the one that best matches it
  let r = Infinity;
  for (const [py, px] of [[y0, x0], [y1, x1], [y2, x2]]) {
    const ey = py - cy, ex = px - cx;
    r = Math.min(r, Math.sqrt(ey * ey + ex * ex));
  }
  return { cx, cy, r };
}

// Moments M(a, m) = Σ ρ^{2a}·(y' + i·x')^m over the disc, for 2a + m ≤ 9: every Z_nm is a fixed
// combination of them, Σ_k c_k·M(K − k, m), so each pixel costs 30 multiply-adds whatever the order.
const MOMENTS: Array<[number, number]> = [];
for (let m = 0; m < 10; m++) for (let a = 0; 2 * a + m < 10; a++) MOMENTS.push([a, m]);
const momentIndex = (a: number, m: number) => MOMENTS.findIndex(([aa, mm]) => aa === a && mm === m);
/** per feature: the moment index and coefficient of each term */
const TERMS = ZERNIKE_INDEXES.map(([n, m], f) => RADIAL[f].map((c, k) => [momentIndex((n - m) / 2 - k, m), c] as const));

/**
 * Zernike features of one object: its pixels (image indices, row-major width w) and its minimum
 * enclosing circle in image coordinates. Writes the 30 values into `cols` (one per feature) at row k.
 */
export function zernikeOfObject(pixels: Int32Array, from: number, to: number, w: number, circle: { cx: number; cy: number; r: number }, cols: Float64Array[], k: number): void {
  const nz = ZERNIKE_INDEXES.length;
  if (!(circle.r > 0)) {
    for (let f = 0; f < nz; f++) cols[f][k] = NaN;
    return;
  }
  const mr = new Float64Array(MOMENTS.length);
  const mi = new Float64Array(MOMENTS.length);
  for (let p = from; p < to; p++) {
    const i = pixels[p];
    const y = (i / w) | 0;
    const x = (i - y * w - circle.cx) / circle.r;
    const yy = (y - circle.cy) / circle.r;
    const r2 = x * x + yy * yy;
    // as centrosome: strictly outside by round-off is outside (some of the circle's own points)
    if (r2 > 1) continue;
    // MOMENTS order: m outer, a inner; (zr, zi) = (y' + i·x')^m, ra = ρ^{2a}
    let zr = 1, zi = 0, j = 0;
    for (let m = 0; m < 10; m++) {
      let ra = 1;
      for (let a = 0; 2 * a + m < 10; a++, j++) {
        mr[j] += ra * zr;
        mi[j] += ra * zi;
        ra *= r2;
      }
      const t = zr * yy - zi * x;
      zi = zr * x + zi * yy;
      zr = t;
    }
  }
  const area = Math.PI * circle.r * circle.r;
  for (let f = 0; f < nz; f++) {
    let re = 0, im = 0;
    for (const [j, c] of TERMS[f]) {
      re += c * mr[j];
      im += c * mi[j];
    }
    cols[f][k] = Math.hypot(re, im) / area;
  }
}
