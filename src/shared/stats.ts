/** Small statistics over plain number arrays, shared by core and UI. NaN marks "not defined" (e.g. r of a constant). */

export function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return x.length ? s / x.length : NaN;
}

/** Standard deviation with ddof = 1 (sample), as numpy's std(ddof=1) and R's sd. */
export function sd(x: ArrayLike<number>): number {
  if (x.length < 2) return NaN;
  const m = mean(x);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] - m) ** 2;
  return Math.sqrt(s / (x.length - 1));
}

export function median(x: ArrayLike<number>): number {
  const v = Float64Array.from(x).sort();
  if (!v.length) return NaN;
  const h = v.length >> 1;
  return v.length % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
}

/** Pearson correlation (scipy.stats.pearsonr's r); NaN when either side is constant or n < 2. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new Error(`pearson: ${x.length} vs ${y.length} values`);
  const n = x.length;
  if (n < 2) return NaN;
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const a = x[i] - mx;
    const b = y[i] - my;
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  if (sxx === 0 || syy === 0) return NaN;
  const r = sxy / Math.sqrt(sxx * syy);
  return Math.max(-1, Math.min(1, r));
}

/**
 * Z'-factor (Zhang, Chung & Oldenburg 1999): 1 − 3(σp + σn)/|μp − μn|, sample standard deviations.
 * Above 0.5 is an excellent assay window; below 0 the controls overlap.
 */
export function zPrime(pos: ArrayLike<number>, neg: ArrayLike<number>): number {
  const d = Math.abs(mean(pos) - mean(neg));
  return 1 - (3 * (sd(pos) + sd(neg))) / d;
}

/** SSMD (Zhang 2007), method-of-moments estimate for independent groups: (μp − μn)/√(σp² + σn²). */
export function ssmd(pos: ArrayLike<number>, neg: ArrayLike<number>): number {
  return (mean(pos) - mean(neg)) / Math.sqrt(sd(pos) ** 2 + sd(neg) ** 2);
}

/**
 * Benjamini–Hochberg adjusted p-values (statsmodels' multipletests 'fdr_bh'): sorted p(i)·m/i made
 * monotone from the largest down, capped at 1, returned in the input order.
 */
export function bhAdjust(p: ArrayLike<number>): number[] {
  const m = p.length;
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => p[a] - p[b]);
  const out = new Array<number>(m);
  let run = Infinity;
  for (let k = m - 1; k >= 0; k--) {
    const i = order[k];
    run = Math.min(run, (p[i] * m) / (k + 1));
    out[i] = Math.min(1, run);
  }
  return out;
}

/** Median of the finite values (pandas' and numpy's nanmedian); NaN when there are none. */
export function nanMedian(x: ArrayLike<number>): number {
  const v = Float64Array.from(x).filter((a) => Number.isFinite(a));
  return median(v);
}

export const MAD_SCALE = 1.4826;
export const ROBUSTZ_EPSILON = 1e-18;

/** Scaled median absolute deviation, MAD·1.4826, of the finite values (as scipy's median_abs_deviation(scale=1/1.4826) divides). */
export function scaledMad(x: ArrayLike<number>): number {
  const m = nanMedian(x);
  return nanMedian(Array.from(x, (a) => Math.abs(a - m))) / (1 / MAD_SCALE);
}

/**
 * Robust z as pycytominer's normalize(method="mad_robustize"): (x − median(ref)) / (MAD(ref)·1.4826 + ε),
 * ε = 1e-18, where ref are the values flagged in `reference` (1 = negative-control well).
 */
export function robustZ(values: ArrayLike<number>, reference: ArrayLike<number>): Float64Array {
  const ref = Array.from(values).filter((_, i) => reference[i] === 1);
  const med = nanMedian(ref);
  const mad = scaledMad(ref);
  return Float64Array.from(values, (x) => (x - med) / (mad + ROBUSTZ_EPSILON));
}
