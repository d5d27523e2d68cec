import { gaussianKernel } from '../metrics/filters';
import { numpyNormals } from './numpyRandom';
import { extremes, GRID, onGrid, type Grid } from './grid';
import type { Kernel } from '../wasm/instance';
import { qualityKernel, type QualityExports } from '../wasm/quality';
import { corrKernel } from '../wasm/corr';

/**
 * The Image_Threshold_* measurements of CellProfiler 4.2.8's threshold step (modules/threshold.py,
 * global strategy, no mask): the threshold (minimum cross-entropy = scikit-image threshold_li,
 * or three-class Otsu = threshold_multiotsu with 128 bins, optionally on centrosome's log image),
 * corrected and bounded; the foreground (the image, smoothed by a Gaussian of σ = scale/0.6744/2
 * normalised at the border, ≥ the threshold); and centrosome's WeightedVariance and
 * SumOfEntropies of that split.
 */
export interface ThresholdSettings {
  method: 'li' | 'otsu3';
  smoothing: number;
  correction: number;
  bounds: [number, number];
  log?: boolean;
  /** three-class Otsu: the middle class in the foreground (lower threshold) */
  middleToForeground?: boolean;
}

/** JUMP_analysis_v3's threshold steps: image, step name, settings */
const JUMP_THRESHOLDS: Array<[string, string, ThresholdSettings, boolean]> = [
  ['DNA', 'NucleiIncludingEdges', { method: 'li', smoothing: 1, correction: 1, bounds: [0.005, 1] }, false],
  ['RNA', 'CellsIncludingEdges', { method: 'otsu3', smoothing: 0, correction: 0.7, bounds: [0.005, 0.06], log: true, middleToForeground: true }, false],
  // the Threshold module on EnhanceOrSuppressFeatures' tubeness of Mito
  ['Mito', 'mito_bw', { method: 'li', smoothing: 1.3488, correction: 1, bounds: [0, 1] }, true],
];

const EPS = 2.220446049250313e-16;

/** An image on the 16-bit grid, with the levels present in order */
interface OnGrid extends Grid {
  present: Int32Array;
}

function withPresent({ levels, counts }: Grid): OnGrid {
  let m = 0;
  for (let l = 0; l < counts.length; l++) if (counts[l]) m++;
  const present = new Int32Array(m);
  for (let l = 0, t = 0; l < counts.length; l++) if (counts[l]) present[t++] = l;
  return { levels, counts, present };
}

/** f(k/65535) at the levels present (the other entries are never read) */
function levelTable(g: OnGrid, f: (v: number) => number): Float64Array {
  const table = new Float64Array(GRID + 1);
  for (let t = 0; t < g.present.length; t++) table[g.present[t]] = f(g.present[t] / GRID);
  return table;
}

/** centrosome.threshold.log_transform (float64) of each value: stretched logs and their inverse */
function logTransform(u: Float64Array): { data: Float64Array; back: (t: number) => number } {
  const [min, max] = extremes(u);
  const floor = min + (max - min) / 256 + EPS;
  const l = new Float64Array(u.length);
  for (let i = 0; i < u.length; i++) l[i] = Math.log(u[i] < floor ? floor : u[i]);
  const [lmin, lmax] = extremes(l);
  if (lmax === lmin) l.fill(lmin < 0 ? 0 : lmin > 1 ? 1 : lmin);
  else for (let i = 0; i < l.length; i++) l[i] = (l[i] - lmin) / (lmax - lmin);
  return { data: l, back: (t) => Math.exp(t * (lmax - lmin) + lmin) };
}

/**
 * The image to threshold in log space, as values with their multiplicities (null: one each). On
 * the grid the log image is a function of the level, so it is transformed once per level present
 * (the extremes over the levels are the image's): kept per level, weighted by the level counts,
 * for a histogram; spread back to the pixels otherwise.
 */
function logSample(u: Float64Array, grid: OnGrid | null, weighted: boolean): { data: Float64Array; weights: Float64Array | null; back: (t: number) => number } {
  if (!grid) return { ...logTransform(u), weights: null };
  const { present, counts, levels } = grid;
  const { data, back } = logTransform(Float64Array.from(present, (l) => l / GRID));
  if (weighted) return { data, weights: Float64Array.from(present, (l) => counts[l]), back };
  const table = new Float64Array(GRID + 1);
  for (let t = 0; t < present.length; t++) table[present[t]] = data[t];
  const pixels = new Float64Array(u.length);
  for (let i = 0; i < u.length; i++) pixels[i] = table[levels[i]];
  return { data: pixels, weights: null, back };
}

/**
 * scikit-image threshold_li on floats with CellProfiler's tolerance (half the smallest gap, ≥
 * 0.5/65536). The distinct values (on the grid the levels present; off it sorted, a million on a
 * corrected image), the smallest gap, the values less the minimum and the prefix sums (means of
 * the classes above and below t) in WebAssembly (core/wasm/corr.c li_sums / li_prefix).
 */
function thresholdLi(a: Float64Array, grid: OnGrid | null): number {
  const c = corrKernel();
  c.reset();
  const len = (grid ? grid.present.length : a.length) + 1;
  const px = c.alloc(8 * len), pcn = c.alloc(8 * len), pcs = c.alloc(8 * len), po = c.alloc(16);
  let m: number;
  if (grid) {
    m = grid.present.length;
    const pv = c.put(Float64Array.from(grid.present, (l) => l / GRID)), pn = c.put(Float64Array.from(grid.present, (l) => grid.counts[l]));
    c.exports.li_prefix(pv, pn, m, px, pcn, pcs, po);
  } else m = c.exports.li_sums(c.put(a), a.length, px, pcn, pcs, po);
  const [gap, min] = c.f64(po, 2), x = c.f64(px, m), cn = c.f64(pcn, m + 1), cs = c.f64(pcs, m + 1);
  const tol = Math.max(gap / 2, 0.5 / 65536);
  const N = cn[m], S = cs[m];
  let next = S / N, cur = -2 * tol;
  while (Math.abs(next - cur) > tol) {
    cur = next;
    // first distinct value > cur
    let lo = 0, hi = m;
    while (lo < hi) {
      const k = (lo + hi) >> 1;
      if (x[k] > cur) hi = k;
      else lo = k + 1;
    }
    const fore = (S - cs[lo]) / (N - cn[lo]), back = cs[lo] / cn[lo];
    next = (back - fore) / (Math.log(back) - Math.log(fore));
  }
  return next + min;
}

/** numpy.histogram with equal bins over [lo, hi] (its index arithmetic and edge corrections); value i counts weights[i] times (null: once) */
function histogram(a: Float64Array, weights: Float64Array | null, bins: number, lo: number, hi: number): { counts: Float64Array; edges: Float64Array } {
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const edges = new Float64Array(bins + 1);
  const step = (hi - lo) / bins;
  for (let k = 0; k <= bins; k++) edges[k] = k * step + lo;
  edges[bins] = hi;
  const norm = bins / (hi - lo);
  const counts = new Float64Array(bins);
  for (let i = 0; i < a.length; i++) {
    const t = a[i];
    if (!(t >= lo && t <= hi)) continue;
    let k = Math.trunc((t - lo) * norm);
    if (k === bins) k--;
    if (t < edges[k]) k--;
    else if (t >= edges[k + 1] && k !== bins - 1) k++;
    counts[k] += weights ? weights[i] : 1;
  }
  return { counts, edges };
}

/** scikit-image threshold_multiotsu (3 classes, 128 bins): the lower and upper thresholds, in float32 as its LUT; weights as histogram's */
function multiOtsu3(a: Float64Array, weights: Float64Array | null): [number, number] {
  const [min, max] = extremes(a);
  const { counts, edges } = histogram(a, weights, 128, min, max);
  const nb = 128;
  const centre = (k: number) => (edges[k] + edges[k + 1]) / 2;
  const total = counts.reduce((s, c) => s + c, 0);
  const prob = Float32Array.from(counts, (c) => c / total);
  const nz: number[] = [];
  prob.forEach((p, k) => p > 0 && nz.push(k));
  if (nz.length < 3) return [NaN, NaN];
  if (nz.length === 3) return [centre(nz[0]), centre(nz[1])];
  const f = Math.fround;
  const zm = new Float32Array(nb), fm = new Float32Array(nb);
  const lut = new Float32Array((nb * (nb + 1)) / 2);
  zm[0] = prob[0];
  fm[0] = prob[0];
  for (let i = 1; i < nb; i++) {
    zm[i] = f(zm[i - 1] + prob[i]);
    fm[i] = f(fm[i - 1] + f(i * prob[i]));
    if (zm[i] > 0) lut[i] = f(f(fm[i] * fm[i]) / zm[i]);
  }
  let idx = nb;
  for (let i = 1; i < nb; i++)
    for (let j = i; j < nb; j++, idx++) {
      const z = f(zm[j] - zm[i - 1]);
      if (z > 0) {
        const m = f(fm[j] - fm[i - 1]);
        lut[idx] = f(f(m * m) / z);
      }
    }
  const at = (i: number, j: number) => lut[(i * (2 * nb - i + 1)) / 2 + j - i];
  let best = 0, b0 = 0, b1 = 0;
  for (let i = 0; i < nb - 2; i++)
    for (let j = i + 1; j < nb - 1; j++) {
      const sigma = f(f(at(0, i) + at(j + 1, nb - 1)) + at(i + 1, j));
      if (sigma > best) {
        best = sigma;
        b0 = i;
        b1 = j;
      }
    }
  return [centre(b0), centre(b1)];
}

/** f of every pixel of an image off the grid (tubeness, mostly runs of 0): taken again only where the value changes */
function perRun(u: Float64Array, f: (v: number) => number): Float64Array {
  const out = new Float64Array(u.length);
  for (let i = 0, prev = NaN, last = NaN; i < u.length; i++) {
    if (u[i] !== prev) last = f((prev = u[i]));
    out[i] = last;
  }
  return out;
}

/**
 * Population variances of f(u) over the foreground and the background (fg 1 / 0), each summed in
 * pixel order (the sums a split into arrays would make); f through a table on the 16-bit grid,
 * else its value at each pixel (perPixel).
 */
function classVariances(u: Float64Array, fg: Uint8Array, grid: OnGrid | null, f: (v: number) => number, perPixel: Float64Array | null): Array<{ n: number; v: number }> {
  // f per level on the grid, else per pixel
  const fv = grid ? levelTable(grid, f) : perPixel!, levels = grid ? grid.levels : null;
  // the sums per class in WebAssembly (core/wasm/quality.c), each in pixel order
  const n = u.length;
  const q = qualityKernel();
  q.reset();
  const pv = q.put(fv), pf = q.alloc(n), po = q.alloc(8 * 4);
  new Uint8Array(q.exports.memory.buffer, pf, n).set(fg);
  let pl = 0;
  if (levels) {
    pl = q.alloc(2 * n);
    new Uint16Array(q.exports.memory.buffer, pl, n).set(levels);
  }
  q.exports.class_variances(pv, pl, pf, n, po);
  const [n0, n1, q0, q1] = q.f64(po, 4);
  return [
    { n: n0, v: n0 ? q0 / n0 : NaN },
    { n: n1, v: n1 ? q1 / n1 : NaN },
  ];
}

/** log2 of each value floored at max/256 (weighted_variance's), once per run of equal values */
const flooredLogs = (u: Float64Array, floor: number) => perRun(u, (v) => Math.log2(Math.max(v, floor)));

/**
 * centrosome.threshold.weighted_variance: of log2 intensities (floored at max/256) in the two
 * classes; logs: flooredLogs off the grid (null on it)
 */
function weightedVariance(u: Float64Array, fg: Uint8Array, grid: OnGrid | null, max: number, logs: Float64Array | null): number {
  const floor = max / 256;
  if (floor === 0) return 0;
  const [b, a] = classVariances(u, fg, grid, (v) => Math.log2(Math.max(v, floor)), logs);
  if (!a.n) return b.v;
  if (!b.n) return a.v;
  return (a.v * a.n + b.v * b.n) / (a.n + b.n);
}

// the same RandomState(0) noise for every step of a site: drawn once per image size
let cached: Float64Array | null = null;
const noise = (n: number) => (cached?.length === n ? cached : (cached = numpyNormals(0, n)));
// sumOfEntropies' per-pixel exponents, reused from step to step
let exponents = new Float64Array(0);

/**
 * How far (in log2 units) a pixel's mixed exponent x may lie from a histogram edge and still be
 * binned by x itself: log2(min(2^x, 1)) differs from x only by the round-off of the two calls
 * (< 1e-14 here, |x| ≤ 9), so farther than this from every edge the two share a bin. Pixels
 * nearer an edge, or near the extremes, take the two calls as centrosome does.
 */
const MARGIN = 1e-9;

/**
 * centrosome.threshold.sum_of_entropies: the image floored at max/256, perturbed by
 * smooth_with_noise (8 bits, numpy RandomState(0) normals), log2-histograms (256 bins over the
 * image's log2 range) of both classes, Σ p·log2 p of each. nf: the foreground's pixel count.
 */
function sumOfEntropies(u: Float64Array, fg: Uint8Array, nf: number, grid: OnGrid | null, max: number, logs: Float64Array | null): number {
  const floor = max / 256;
  if (floor === 0) return 0;
  const n = u.length;
  // the exponents live in the kernel's memory from here on (core/wasm/quality.c)
  const q = qualityKernel();
  q.reset();
  const { px, xmin, xmax } = mixedExponents(q, u, grid, floor, logs);
  const [lower, upper] = smoothedLogRange(q, px, n, xmin, xmax);
  if (upper === lower) return Math.log2(n);
  if (!nf || nf === n) return 0;
  const counts = classHistograms(q, px, n, fg, lower, upper);
  return entropy(counts.subarray(BINS)) + entropy(counts.subarray(0, BINS));
}

/**
 * smooth_with_noise's exponent of every pixel: its two logs (clipped to [2⁻⁸, 1], with and
 * without the 2⁻⁸ added; functions of the value only, so per level on the grid, else per run of
 * equal values) mixed by the pixel's noise. The smoothed pixel is 2^x clipped to [0, 1]. Off
 * the grid the log without 2⁻⁸ is weighted variance's floored log (logs) wherever the value
 * floored at max/256 lies in [2⁻⁸, 1] already: the same call on the same value. With the
 * exponents' extremes, found as they are made. On the grid the mixing pass is WebAssembly
 * (quality.c mix_levels); the exponents are left at px in the kernel's memory either way.
 */
function mixedExponents(q: Kernel<QualityExports>, u: Float64Array, grid: OnGrid | null, floor: number, logs: Float64Array | null): { px: number; xmin: number; xmax: number } {
  const r = noise(u.length);
  const delta = 2 ** -8;
  const clip = (v: number) => Math.min(Math.max(Math.max(v, floor), delta), 1);
  const upF = (v: number) => Math.log2(clip(v) + delta), atF = (v: number) => Math.log2(clip(v));
  const n = u.length;
  if (grid) {
    const pu = q.put(levelTable(grid, upF)), pa = q.put(levelTable(grid, atF)), pr = q.put(r);
    const pl = q.alloc(2 * n);
    new Uint16Array(q.exports.memory.buffer, pl, n).set(grid.levels);
    const px = q.alloc(8 * n), pm = q.alloc(16);
    q.exports.mix_levels(pl, pu, pa, pr, n, px, pm);
    const [xmin, xmax] = q.f64(pm, 2);
    return { px, xmin, xmax };
  }
  if (exponents.length !== n) exponents = new Float64Array(n);
  const x = exponents;
  let xmin = Infinity, xmax = -Infinity;
  for (let i = 0, prev = NaN, up = NaN, at = NaN; i < n; i++) {
    if (u[i] !== prev) {
      prev = u[i];
      up = upF(prev);
      const t = prev > floor ? prev : floor;
      at = t >= delta && t <= 1 ? logs![i] : atF(prev);
    }
    const e = up * r[i] + (1 - r[i]) * at;
    x[i] = e;
    if (e < xmin) xmin = e;
    if (e > xmax) xmax = e;
  }
  return { px: q.put(x), xmin, xmax };
}

/** the smoothed pixel of exponent e */
function smoothedPixel(e: number): number {
  const v = 2 ** e;
  return v > 1 ? 1 : v < 0 ? 0 : v;
}

/**
 * log2 of the smoothed image's minimum and maximum: the exponents' extremes (xmin, xmax) give
 * them, up to the round-off of 2^x, so the pixels within MARGIN of either (listed by quality.c's
 * near_ends) are taken exactly.
 */
function smoothedLogRange(q: Kernel<QualityExports>, px: number, n: number, xmin: number, xmax: number): [number, number] {
  const nearMin = xmin + MARGIN, nearMax = xmax - MARGIN;
  const pi = q.alloc(4 * n);
  const m = q.exports.near_ends(px, n, nearMin, nearMax, pi);
  const at = q.i32(pi, m), x = q.f64(px, n);
  let mn = Infinity, mx = -Infinity;
  for (let t = 0; t < m; t++) {
    const e = x[at[t]];
    if (e <= nearMin) mn = Math.min(mn, smoothedPixel(e));
    if (e >= nearMax) mx = Math.max(mx, smoothedPixel(e));
  }
  return [Math.log2(mn), Math.log2(mx)];
}

const BINS = 256;

/**
 * numpy.histogram (256 bins over [lower, upper]) of the smoothed pixels' log2, background in
 * entries 0…255, foreground in 256…511. An exponent farther than MARGIN from every edge (and from
 * the extremes) is binned by itself, in WebAssembly (quality.c class_histograms); the others take
 * the two calls, as centrosome does. px: the exponents in the kernel's memory.
 */
function classHistograms(q: Kernel<QualityExports>, px: number, n: number, fg: Uint8Array, lower: number, upper: number): Int32Array {
  // numpy.histogram's edges, as histogram() makes them
  const edges = new Float64Array(BINS + 1);
  const step = (upper - lower) / BINS;
  for (let k = 0; k <= BINS; k++) edges[k] = k * step + lower;
  edges[BINS] = upper;
  const norm = BINS / (upper - lower);
  const lowEnd = lower + MARGIN, highEnd = Math.min(upper, 0) - MARGIN;
  const pf = q.alloc(n);
  new Uint8Array(q.exports.memory.buffer, pf, n).set(fg);
  const pe = q.put(edges), pc = q.alloc(4 * 2 * BINS), pexact = q.alloc(4 * n);
  q.i32(pc, 2 * BINS).fill(0);
  const m = q.exports.class_histograms(px, pf, n, lower, lowEnd, highEnd, norm, pe, pc, pexact, MARGIN);
  const counts = q.i32(pc, 2 * BINS).slice(), exact = q.i32(pexact, m), x = q.f64(px, n);
  for (let t = 0; t < m; t++) {
    const i = exact[t];
    // the exact path: the pixel's log2, binned by numpy's rule (outside [lower, upper]: dropped)
    const e = Math.log2(smoothedPixel(x[i]));
    if (!(e >= lower && e <= upper)) continue;
    let k = Math.trunc((e - lower) * norm);
    if (k === BINS) k--;
    if (e < edges[k]) k--;
    else if (e >= edges[k + 1] && k !== BINS - 1) k++;
    counts[fg[i] * BINS + k]++;
  }
  return counts;
}

/** Σ p·log2 p of a histogram's non-empty bins (one bin of 1 when all are empty) */
function entropy(c: Int32Array): number {
  let total = 0;
  for (let k = 0; k < c.length; k++) total += c[k];
  let sum = 0;
  for (let k = 0; k < c.length; k++) if (c[k] > 0) sum += (c[k] / total) * Math.log2(c[k] / total);
  return sum;
}

function flat(a: Float64Array): boolean {
  for (let i = 1; i < a.length; i++) if (a[i] !== a[0]) return false;
  return true;
}

/**
 * One threshold step on a unit-scaled image: FinalThreshold, OrigThreshold, WeightedVariance,
 * SumOfEntropies. g: u's grid (onGrid) when the caller has it.
 */
export function thresholdStep(u: Float64Array, w: number, h: number, s: ThresholdSettings, g = onGrid(u)): Record<string, number> {
  const grid = g && withPresent(g);
  const { data, weights, back } = s.log ? logSample(u, grid, s.method === 'otsu3') : { data: u, weights: null, back: (t: number) => t };
  let orig: number;
  if (!data.length) orig = 0;
  else if (flat(data)) orig = data[0];
  // the log image is no longer on the grid
  else orig = s.method === 'li' ? thresholdLi(data, s.log ? null : grid) : multiOtsu3(data, weights)[s.middleToForeground ? 0 : 1];
  orig = back(orig);
  const final = Math.min(Math.max(orig * s.correction, s.bounds[0]), s.bounds[1]);
  const fg = new Uint8Array(u.length);
  let nf = 0;
  if (s.smoothing) {
    // u smoothed (scipy's Gaussian, constant mode) over the smoothed ones, in WebAssembly (core/wasm/quality.c)
    const k = gaussianKernel(s.smoothing / 0.6744 / 2);
    const q = qualityKernel();
    q.reset();
    const pu = q.put(u), pk = q.put(k), pf = q.alloc(u.length);
    nf = q.exports.smoothed_foreground(pu, w, h, pk, (k.length - 1) >> 1, final, pf);
    fg.set(new Uint8Array(q.exports.memory.buffer, pf, u.length));
  } else for (let i = 0; i < u.length; i++) nf += fg[i] = u[i] >= final ? 1 : 0;
  const max = extremes(u, grid)[1];
  const floor = max / 256;
  const logs = grid || floor === 0 ? null : flooredLogs(u, floor);
  return { FinalThreshold: final, OrigThreshold: orig, WeightedVariance: weightedVariance(u, fg, grid, max, logs), SumOfEntropies: sumOfEntropies(u, fg, nf, grid, max, logs) };
}

/**
 * JUMP's Image_Threshold_* (names without Image_) for the channels present; `tube`: the Mito
 * channel's tubeness; `grids`: the channels' grids (onGrid) when the caller has them.
 */
export function jumpThresholds(unit: Map<string, Float64Array>, w: number, h: number, tube?: Float64Array, grids?: Map<string, Grid | null>): { names: string[]; values: number[] } {
  const names: string[] = [], values: number[] = [];
  for (const [channel, step, settings, enhance] of JUMP_THRESHOLDS) {
    const u = enhance ? tube : unit.get(channel);
    if (!u) continue;
    const r = thresholdStep(u, w, h, settings, enhance ? undefined : grids?.get(channel));
    for (const f of ['FinalThreshold', 'OrigThreshold', 'WeightedVariance', 'SumOfEntropies']) {
      names.push(`Threshold_${f}_${step}`);
      values.push(r[f]);
    }
  }
  return { names, values };
}
