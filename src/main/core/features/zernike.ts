import { shapeKernel } from '../wasm/shape';

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
 * The hull of an object's pixel centres in centrosome's order (image coordinates, x = column,
 * y = row): from the leftmost point (smallest row among them) along the top to the rightmost,
 * then back along the bottom; collinear points dropped.
 */
export function centrosomeHullOrder(xs: number[], ys: number[]): { hx: number[]; hy: number[] } {
  // (loops, no closures made per call: tsx's keepNames makes each one a call more)
  // the points' order by (x, y), stable (ties keep their order): an insertion sort, hulls being small
  const n = xs.length;
  const idx: number[] = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let j = i;
    for (; j > 0; j--) {
      const a = idx[j - 1];
      if (!((xs[a] - xs[i] || ys[a] - ys[i]) > 0)) break;
      idx[j] = a;
    }
    idx[j] = i;
  }
  const uniq: number[] = [];
  for (let k = 0; k < n; k++) if (k === 0 || xs[idx[k]] !== xs[idx[k - 1]] || ys[idx[k]] !== ys[idx[k - 1]]) uniq.push(idx[k]);
  let hull = uniq;
  if (uniq.length >= 3) {
    const top = hullChain(xs, ys, uniq);
    const bottom = hullChain(xs, ys, uniq.slice().reverse());
    const ring = top.slice(0, -1).concat(bottom.slice(0, -1));
    // the chains above run along the bottom first; centrosome starts along the top
    hull = [ring[0], ...ring.slice(1).reverse()];
  }
  const hx: number[] = [], hy: number[] = [];
  for (const i of hull) {
    hx.push(xs[i]);
    hy.push(ys[i]);
  }
  return { hx, hy };
}

/** centrosomeHullOrder's monotone chain over the points in `order`, collinear points dropped */
function hullChain(xs: number[], ys: number[], order: number[]): number[] {
  const h: number[] = [];
  for (const i of order) {
    while (h.length >= 2) {
      const o = h[h.length - 2], a = h[h.length - 1];
      if (!((xs[a] - xs[o]) * (ys[i] - ys[o]) - (ys[a] - ys[o]) * (xs[i] - xs[o]) >= 0)) break;
      h.pop();
    }
    h.push(i);
  }
  return h;
}

/**
 * centrosome's minimum enclosing circle (Chrystal's algorithm as centrosome runs it), with its
 * arithmetic, so that the circle's own points fall inside or outside it by the same round-off
 * (CellProfiler's Zernike drops those that land outside). Points: the hull in centrosome's order.
 */
export function centrosomeCircle(hx: number[], hy: number[]): { cx: number; cy: number; r: number } {
  const n = hx.length;
  if (n === 0) return { cx: NaN, cy: NaN, r: NaN };
  if (n === 1) return { cx: hx[0], cy: hy[0], r: 0 };
  if (n === 2) {
    const cy = (hy[0] + hy[1]) / 2, cx = (hx[0] + hx[1]) / 2;
    const dy = cy - hy[0], dx = cx - hx[0];
    return { cx, cy, r: Math.sqrt(dy * dy + dx * dx) };
  }
  let s0 = 0, s1 = 1;
  for (let guard = 0; guard < 4 * n + 8; guard++) {
    let best = -1, bestAngle = Infinity, bestAt1 = 0, bestAt0 = 0;
    const s01y = hy[s0] - hy[s1], s01x = hx[s0] - hx[s1];
    const s01sq = s01y * s01y + s01x * s01x;
    for (let v = 0; v < n; v++) {
      if (v === s0 || v === s1) continue;
      const vs0y = hy[v] - hy[s0], vs0x = hx[v] - hx[s0];
      const vs1y = hy[v] - hy[s1], vs1x = hx[v] - hx[s1];
      const at1 = Math.abs(Math.acos((s01y * vs1y + s01x * vs1x) / Math.sqrt(s01sq * (vs1y * vs1y + vs1x * vs1x))));
      const at0 = Math.abs(Math.acos((-s01y * vs0y + -s01x * vs0x) / Math.sqrt(s01sq * (vs0y * vs0y + vs0x * vs0x))));
      const atV = Math.PI - at1 - at0;
      if (atV < bestAngle) {
        bestAngle = atV;
        best = v;
        bestAt1 = at1;
        bestAt0 = at0;
      }
    }
    if (best < 0 || bestAngle >= Math.PI / 2) {
      const dy = hy[s0] - hy[s1], dx = hx[s0] - hx[s1];
      return { cx: (hx[s0] + hx[s1]) / 2, cy: (hy[s0] + hy[s1]) / 2, r: Math.sqrt(dy * dy + dx * dx) / 2 };
    }
    if (bestAt1 <= Math.PI / 2 && bestAt0 <= Math.PI / 2) {
      const y0 = hy[s0], x0 = hx[s0], y1 = hy[s1], x1 = hx[s1], y2 = hy[best], x2 = hx[best];
      const D = 2 * (x0 * (y1 - y2) + x1 * (y2 - y0) + x2 * (y0 - y1));
      const q0 = y0 * y0 + x0 * x0, q1 = y1 * y1 + x1 * x1, q2 = y2 * y2 + x2 * x2;
      const cx = (q0 * (y1 - y2) + q1 * (y2 - y0) + q2 * (y0 - y1)) / D;
      const cy = (q0 * (x2 - x1) + q1 * (x0 - x2) + q2 * (x1 - x0)) / D;
      const ey = y0 - cy, ex = x0 - cx;
      return { cx, cy, r: Math.sqrt(ey * ey + ex * ex) };
    }
    // obtuse at s0 or s1: that end of the side is replaced by the vertex
    if (bestAt0 > Math.PI / 2) s0 = best;
    else s1 = best;
  }
  throw new Error('enclosing circle did not converge');
}

// Moments M(a, m) = Σ ρ^{2a}·(y' + i·x')^m over the disc, for 2a + m ≤ 9: every Z_nm is a fixed
// combination of them, Σ_k c_k·M(K − k, m), so each pixel costs 30 multiply-adds whatever the order.
const MOMENTS: Array<[number, number]> = [];
for (let m = 0; m < 10; m++) for (let a = 0; 2 * a + m < 10; a++) MOMENTS.push([a, m]);
const momentIndex = (a: number, m: number) => MOMENTS.findIndex(([aa, mm]) => aa === a && mm === m);
/** per feature: the moment index and coefficient of each term */
const TERMS = ZERNIKE_INDEXES.map(([n, m], f) => RADIAL[f].map((c, k) => [momentIndex((n - m) / 2 - k, m), c] as const));

/**
 * Zernike features of every object: pixels of object k are pixels[start[k] .. start[k+1]) (image
 * indices, row-major width w, raster order), its minimum enclosing circle circles[3k ..] = cx, cy, r
 * in image coordinates (bbox: the objects' boxes, as ObjectIndex has them). Writes the 30 values into `cols` (one per feature) at row k. The moments
 * are summed in the kernel (core/wasm/shape.c zernike_moments); their combination and modulus here.
 */
export function zernikeOfObjects(start: Int32Array, pixels: Int32Array, bbox: Int32Array, w: number, circles: Float64Array, cols: Float64Array[]): void {
  const nz = ZERNIKE_INDEXES.length;
  const n = start.length - 1;
  const kk = shapeKernel();
  kk.reset();
  const pOut = kk.alloc(8 * 60 * n);
  kk.exports.zernike_moments(kk.put(start), kk.put(pixels), kk.put(bbox), n, w, kk.put(circles), pOut);
  const moments = kk.f64(pOut, 60 * n);
  for (let k = 0; k < n; k++) {
    const r = circles[3 * k + 2];
    if (!(r > 0)) {
      // a one-pixel object has no disc
      for (let f = 0; f < nz; f++) cols[f][k] = NaN;
      continue;
    }
    const o = 60 * k;
    const area = Math.PI * r * r;
    for (let f = 0; f < nz; f++) {
      let re = 0, im = 0;
      for (const [j, c] of TERMS[f]) {
        re += c * moments[o + j];
        im += c * moments[o + 30 + j];
      }
      cols[f][k] = Math.hypot(re, im) / area;
    }
  }
}
