import { GRID, gridLevels, levelCounts, onGrid, type Grid } from './grid';
import { sortKernel } from '../wasm/sort';

/**
 * centrosome's global Otsu thresholds (threshold.get_otsu_threshold with otsu / otsu3, weighted
 * variance), as MeasureImageQuality of CellProfiler 4.2.8 calls them: on the image as float32,
 * in centrosome's log space (values below min + (max − min)/256 + ε₃₂ raised to it, log, then
 * stretched to 0..1), the threshold mapped back with exp.
 */

const EPS32 = 1.1920928955078125e-7;

/**
 * The values sorted ascending: by counting when they are all 16-bit levels k/65535 (acquired
 * images, O(n)), else by sort.c's sorted_values (radix.h's LSD radix sort of their bits:
 * corrected and derived images such as tubeness), or with a NaN the built-in sort, whose order
 * this is.
 */
export function sortedValues(u: Float64Array): Float64Array {
  const levels = gridLevels(u);
  if (!levels) {
    const n = u.length;
    const k = sortKernel();
    k.reset();
    const pu = k.put(u), po = k.alloc(8 * n);
    return k.exports.sorted_values(pu, n, po) < 0 ? Float64Array.from(u).sort() : k.f64(po, n).slice();
  }
  const counts = levelCounts(levels);
  const out = new Float64Array(u.length);
  for (let k = 0, o = 0; k <= GRID; k++) for (let c = counts[k]; c > 0; c--) out[o++] = k / GRID;
  return out;
}

/**
 * A sorted sample as runs of equal values, ascending: value v[r] repeated c[r] times, n in all.
 * Otsu's running sums still add one value at a time (the same sums as over the expanded
 * sample); only the values they are read at are kept.
 */
interface Runs {
  v: Float64Array;
  c: Float64Array;
  n: number;
}

/** The image's values ≥ 0 as float32, sorted, in runs (NaN and negatives left out); grid: u's or null */
function nonNegativeRuns(u: Float64Array, grid: Grid | null): Runs {
  if (grid) {
    const { counts } = grid;
    let r = 0;
    for (let k = 0; k <= GRID; k++) if (counts[k]) r++;
    const v = new Float64Array(r), c = new Float64Array(r);
    for (let k = 0, t = 0; k <= GRID; k++)
      if (counts[k]) {
        v[t] = Math.fround(k / GRID);
        c[t++] = counts[k];
      }
    return { v, c, n: u.length };
  }
  // sorted, and float32 rounding keeps the order: the values ≥ 0 are one run (NaN sorts last)
  const all = Float32Array.from(sortedValues(u));
  let from = 0, to = all.length;
  while (from < to && !(all[from] >= 0)) from++;
  while (to > from && !(all[to - 1] >= 0)) to--;
  const v: number[] = [], c: number[] = [];
  for (let i = from; i < to; i++)
    if (v.length && all[i] === v[v.length - 1]) c[c.length - 1]++;
    else {
      v.push(all[i]);
      c.push(1);
    }
  return { v: Float64Array.from(v), c: Float64Array.from(c), n: to - from };
}

/** centrosome.threshold.log_transform on float32 data: the sorted stretched logs and the map back */
function logSpace(values: Runs): { data: Runs; back: (t: number) => number } {
  // log and stretch keep the order, and equal values stay equal: the runs carry over
  const { v } = values;
  let min = Infinity, max = -Infinity;
  for (let r = 0; r < v.length; r++) {
    if (v[r] < min) min = v[r];
    if (v[r] > max) max = v[r];
  }
  // (max − min) is a float32 difference; the rest of noise_min is float64, stored back as float32
  const floor = Math.fround(min + Math.fround(max - min) / 256 + EPS32);
  // numpy's float32 log is not always correctly rounded: ≤ 1 ulp of float32 from this one
  const logs = Float64Array.from(v, (x) => Math.fround(Math.log(x < floor ? floor : x)));
  let lmin = Infinity, lmax = -Infinity;
  for (let r = 0; r < logs.length; r++) {
    if (logs[r] < lmin) lmin = logs[r];
    if (logs[r] > lmax) lmax = logs[r];
  }
  const span = Math.fround(lmax - lmin);
  // centrosome's stretch of a flat image: 0 below 0, 1 above 1, else the value itself
  const data = lmax === lmin ? logs.fill(lmin < 0 ? 0 : lmin > 1 ? 1 : lmin) : logs.map((l) => (l - lmin) / (lmax - lmin));
  return { data: { v: data, c: values.c, n: values.n }, back: (t) => Math.exp(t * span + lmin) };
}

/**
 * centrosome.otsu.running_variance read at `count` positions first, first + stride, … of the
 * sample taken forward or backward (positions in that order): the variance of the values up to
 * there (0 at the first), the value there, and the running sums of x and x² (forward order).
 */
function runningAt(d: Runs, reverse: boolean, first: number, stride: number, count: number): { v: Float64Array; x: Float64Array; sum: Float64Array; sum2: Float64Array } {
  const v = new Float64Array(count), x = new Float64Array(count), sum = new Float64Array(count), sum2 = new Float64Array(count);
  const R = d.v.length;
  let i = 0, t = 0, next = first, cs = 0, cs2 = 0, s = 0, m = 0;
  for (let r0 = 0; r0 < R && t < count; r0++) {
    const r = reverse ? R - 1 - r0 : r0;
    const val = d.v[r];
    for (let left = d.c[r]; left > 0; left--, i++) {
      cs += val;
      cs2 += val * val;
      const mi = cs / (i + 1);
      if (i) s += (val - m) * (val - mi);
      m = mi;
      if (i === next) {
        v[t] = i ? s / i : 0;
        x[t] = val;
        sum[t] = cs;
        sum2[t] = cs2;
        next += stride;
        if (++t === count) break;
      }
    }
  }
  return { v, x, sum, sum2 };
}

/** centrosome.otsu.otsu (256 bins) on sorted data */
function otsu2(d: Runs): number {
  const n = d.n;
  if (n === 0) return 0;
  if (n === 1) return d.v[0];
  const step = Math.floor(n / Math.min(256, n));
  // candidates k: lo = k·step (variance below, forward), hi = lo + 1 (variance above, backward)
  let K = 0;
  while (K * step < n - 1) K++;
  const below = runningAt(d, false, 0, step, K).v;
  // backward, hi sits at n − 1 − hi, so k = K − 1 … 0 come in that order
  const above = runningAt(d, true, n - 2 - (K - 1) * step, step, K);
  let best = Infinity, at = 0;
  for (let k = 0; k < K; k++) {
    const lo = k * step, hi = lo + 1;
    const score = below[k] * lo + above.v[K - 1 - k] * (n - hi);
    if (score < best) {
      best = score;
      at = k;
    }
  }
  const lo = Math.max(0, at - 1), hi = Math.min(K - 1, at + 1);
  return (above.x[K - 1 - lo] + above.x[K - 1 - hi]) / 2;
}

/** centrosome.otsu.otsu3 (128 bins) on sorted data: the lower and upper thresholds */
function otsu3(d: Runs): [number, number] {
  const n = d.n;
  const bins = Math.min(128, n);
  const len = Math.floor(n / bins);
  const K = Math.ceil(n / len);
  const f = runningAt(d, false, 0, len, K);
  // backward, k·len sits at n − 1 − k·len: k = K − 1 … 0 in that order
  const rv = runningAt(d, true, n - 1 - (K - 1) * len, len, K).v;
  const low = new Float64Array(K), high = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    low[k] = f.v[k] * k * len;
    high[k] = rv[K - 1 - k] * (n - k * len);
  }
  let best = Infinity, bi = 0, bj = 0;
  for (let p = 0; p < K; p++) {
    const i = p * len;
    for (let q = p + 1; q < K; q++) {
      const j = q * len;
      const diff = j - i;
      const mean = (f.sum[q] - f.sum[p]) / diff, mean2 = (f.sum2[q] - f.sum2[p]) / diff;
      // the class scores are looked up at ⌊index·bins/n⌋, as otsu3 does
      const score = low[Math.floor((i * bins) / n)] + diff * (mean2 - mean ** 2) + high[Math.floor((j * bins) / n)];
      if (score < best) {
        best = score;
        bi = p;
        bj = q;
      }
    }
  }
  return [f.x[bi], f.x[bj]];
}

/**
 * MeasureImageQuality's ThresholdOtsu of one unit-scaled image: two classes, or three with the
 * middle class in the foreground (the lower threshold) or background (the upper one). grid: u's
 * (onGrid) when the caller has it.
 */
export function otsuThreshold(u: Float64Array, classes: 2 | 3, middleToForeground = true, grid = onGrid(u)): number {
  const values = nonNegativeRuns(u, grid);
  if (!values.n) return 1;
  const { data, back } = logSpace(values);
  if (classes === 2) return back(otsu2(data));
  const [t1, t2] = otsu3(data);
  return back(middleToForeground ? t1 : t2);
}
