/**
 * centrosome's global Otsu thresholds (threshold.get_otsu_threshold with otsu / otsu3, weighted
 * variance), as MeasureImageQuality of CellProfiler 4.2.8 calls them: on the image as float32,
 * in centrosome's log space (values below min + (max − min)/256 + ε₃₂ raised to it, log, then
 * stretched to 0..1), the threshold mapped back with exp.
 */

const EPS32 = 1.1920928955078125e-7;

/**
 * The values sorted ascending: by counting when they are all 16-bit levels k/65535 (acquired
 * images, O(n)), else by a radix sort of their bits (derived images such as tubeness).
 */
export function sortedValues(u: Float64Array): Float64Array {
  const counts = new Float64Array(65536);
  for (let i = 0; i < u.length; i++) {
    const k = Math.round(u[i] * 65535);
    if (!(k >= 0 && k <= 65535) || k / 65535 !== u[i]) return radixSorted(u);
    counts[k]++;
  }
  const out = new Float64Array(u.length);
  for (let k = 0, o = 0; k < 65536; k++) for (let c = counts[k]; c > 0; c--) out[o++] = k / 65535;
  return out;
}

/**
 * Float64Array.prototype.sort's order (numeric, −0 before +0) by an LSD radix sort on 16-bit
 * digits of the IEEE bits, made monotonic (negatives: all bits flipped; others: the sign bit):
 * the same values in the same order, about 5× faster than the comparison sort on a site.
 * With a NaN (which sorts last there) the built-in sort is used.
 */
function radixSorted(u: Float64Array): Float64Array {
  const n = u.length;
  const bits = new Uint32Array(Float64Array.from(u).buffer);
  let hi = new Uint32Array(n), lo = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(u[i])) return Float64Array.from(u).sort();
    const l = bits[2 * i], h = bits[2 * i + 1];
    const neg = h >>> 31;
    hi[i] = neg ? ~h >>> 0 : (h | 0x80000000) >>> 0;
    lo[i] = neg ? ~l >>> 0 : l;
  }
  let hi2 = new Uint32Array(n), lo2 = new Uint32Array(n);
  const count = new Int32Array(65537);
  for (let pass = 0; pass < 4; pass++) {
    const word = pass < 2 ? lo : hi, shift = pass % 2 ? 16 : 0;
    count.fill(0);
    for (let i = 0; i < n; i++) count[((word[i] >>> shift) & 0xffff) + 1]++;
    for (let d = 0; d < 65536; d++) count[d + 1] += count[d];
    for (let i = 0; i < n; i++) {
      const at = count[(word[i] >>> shift) & 0xffff]++;
      hi2[at] = hi[i];
      lo2[at] = lo[i];
    }
    [hi, hi2] = [hi2, hi];
    [lo, lo2] = [lo2, lo];
  }
  const out = new Float64Array(n);
  const ob = new Uint32Array(out.buffer);
  for (let i = 0; i < n; i++) {
    const neg = !(hi[i] >>> 31);
    ob[2 * i] = neg ? ~lo[i] >>> 0 : lo[i];
    ob[2 * i + 1] = neg ? ~hi[i] >>> 0 : (hi[i] & 0x7fffffff) >>> 0;
  }
  return out;
}

/** centrosome.threshold.log_transform on float32 data: the sorted stretched logs and the map back */
function logSpace(values: Float32Array): { data: Float64Array; back: (t: number) => number } {
  // values come sorted: log and stretch keep the order
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (values[i] < min) min = values[i];
    if (values[i] > max) max = values[i];
  }
  // (max − min) is a float32 difference; the rest of noise_min is float64, stored back as float32
  const floor = Math.fround(min + Math.fround(max - min) / 256 + EPS32);
  const logs = new Float32Array(values.length);
  let lmin = Infinity, lmax = -Infinity;
  for (let i = 0, prev = NaN, l = NaN; i < values.length; i++) {
    // numpy's float32 log is not always correctly rounded: ≤ 1 ulp of float32 from this one.
    // Sorted input: the log is taken once per run of equal values
    if (values[i] !== prev) l = Math.fround(Math.log(values[i] < floor ? floor : values[i]));
    prev = values[i];
    logs[i] = l;
    if (l < lmin) lmin = l;
    if (l > lmax) lmax = l;
  }
  const span = Math.fround(lmax - lmin);
  const data = new Float64Array(logs.length);
  // centrosome's stretch of a flat image: 0 below 0, 1 above 1, else the value itself
  if (lmax === lmin) data.fill(lmin < 0 ? 0 : lmin > 1 ? 1 : lmin);
  else for (let i = 0; i < logs.length; i++) data[i] = (logs[i] - lmin) / (lmax - lmin);
  return { data, back: (t) => Math.exp(t * span + lmin) };
}

/** centrosome.otsu.running_variance: variance of x[0..i] for every i (0 for i = 0) */
function runningVariance(values: Float64Array, reverse: boolean): Float64Array {
  const n = values.length;
  const x = reverse ? values.slice().reverse() : values;
  const m = new Float64Array(n);
  let cs = 0;
  for (let i = 0; i < n; i++) m[i] = (cs += x[i]) / (i + 1);
  const v = new Float64Array(n);
  let s = 0;
  for (let i = 1; i < n; i++) {
    s += (x[i] - m[i - 1]) * (x[i] - m[i]);
    v[i] = s / i;
  }
  if (reverse) v.reverse();
  return v;
}

/** centrosome.otsu.otsu (256 bins) on sorted data */
function otsu2(d: Float64Array): number {
  const n = d.length;
  if (n === 0) return 0;
  if (n === 1) return d[0];
  const step = Math.floor(n / Math.min(256, n));
  const v = runningVariance(d, false), rv = runningVariance(d, true);
  const thr: number[] = [];
  let best = Infinity, at = 0;
  for (let k = 0, lo = 0, hi = 1; lo < n - 1 && hi < n; k++, lo += step, hi += step) {
    thr.push(d[hi]);
    const score = v[lo] * lo + rv[hi] * (n - hi);
    if (score < best) {
      best = score;
      at = k;
    }
  }
  const lo = Math.max(0, at - 1), hi = Math.min(thr.length - 1, at + 1);
  return (thr[lo] + thr[hi]) / 2;
}

/** centrosome.otsu.otsu3 (128 bins) on sorted data: the lower and upper thresholds */
function otsu3(d: Float64Array): [number, number] {
  const n = d.length;
  const bins = Math.min(128, n);
  const len = Math.floor(n / bins);
  const v = runningVariance(d, false), rv = runningVariance(d, true);
  const cs = new Float64Array(n), cs2 = new Float64Array(n);
  let a = 0, b = 0;
  for (let i = 0; i < n; i++) {
    cs[i] = a += d[i];
    cs2[i] = b += d[i] * d[i];
  }
  const K = Math.ceil(n / len);
  const low = new Float64Array(K), high = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    low[k] = v[k * len] * k * len;
    high[k] = rv[k * len] * (n - k * len);
  }
  let best = Infinity, bi = 0, bj = 0;
  for (let p = 0; p < K; p++) {
    const i = p * len;
    for (let q = p + 1; q < K; q++) {
      const j = q * len;
      const diff = j - i;
      const mean = (cs[j] - cs[i]) / diff, mean2 = (cs2[j] - cs2[i]) / diff;
      // the class scores are looked up at ⌊index·bins/n⌋, as otsu3 does
      const score = low[Math.floor((i * bins) / n)] + diff * (mean2 - mean ** 2) + high[Math.floor((j * bins) / n)];
      if (score < best) {
        best = score;
        bi = p;
        bj = q;
      }
    }
  }
  return [d[bi * len], d[bj * len]];
}

/**
 * MeasureImageQuality's ThresholdOtsu of one unit-scaled image: two classes, or three with the
 * middle class in the foreground (the lower threshold) or background (the upper one).
 */
export function otsuThreshold(u: Float64Array, classes: 2 | 3, middleToForeground = true): number {
  // sorted, and float32 rounding keeps the order: the values ≥ 0 are one run (NaN sorts last)
  const all = Float32Array.from(sortedValues(u));
  let from = 0, to = all.length;
  while (from < to && !(all[from] >= 0)) from++;
  while (to > from && !(all[to - 1] >= 0)) to--;
  const values = all.subarray(from, to);
  if (!values.length) return 1;
  const { data, back } = logSpace(values);
  if (classes === 2) return back(otsu2(data));
  const [t1, t2] = otsu3(data);
  return back(middleToForeground ? t1 : t2);
}
