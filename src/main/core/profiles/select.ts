/**
 * pycytominer's feature_select operations on per-well profiles (one Float64Array per feature, NaN
 * = missing). Each returns the indices of the features it excludes; `selectFeatures` runs them in
 * the given order, each on the features the earlier ones left, as feature_select does.
 */

import { blocklisted } from './blocklist';
import { argsortQuick } from './numpySort';

export type SelectOperation = 'variance_threshold' | 'correlation_threshold' | 'drop_na_columns' | 'blocklist';

export interface SelectOptions {
  operations: SelectOperation[];
  /** variance_threshold: 2nd most common / most common value count below this excludes */
  freqCut: number;
  /** variance_threshold: distinct values / rows below this excludes */
  uniqueCut: number;
  /** correlation_threshold: Pearson r above this (signed) marks a pair */
  corrThreshold: number;
  /** drop_na_columns: fraction of missing values above this excludes */
  naCutoff: number;
}

export const DEFAULT_SELECT: SelectOptions = {
  operations: ['variance_threshold', 'correlation_threshold', 'drop_na_columns', 'blocklist'],
  freqCut: 0.05,
  uniqueCut: 0.01,
  corrThreshold: 0.9,
  naCutoff: 0.05,
};

/**
 * variance_threshold: a feature goes when its second most frequent value is rarer than freqCut
 * times the most frequent one (or it has fewer than two distinct values), or when its distinct
 * values are fewer than uniqueCut of the rows. Missing values are not values (pandas' dropna).
 */
export function varianceThreshold(columns: Float64Array[], freqCut: number, uniqueCut: number): number[] {
  const out: number[] = [];
  columns.forEach((col, j) => {
    const counts = new Map<number, number>();
    for (const v of col) if (!Number.isNaN(v)) counts.set(v, (counts.get(v) ?? 0) + 1);
    let first = 0;
    let second = 0;
    for (const c of counts.values()) {
      if (c > first) [first, second] = [c, first];
      else if (c > second) second = c;
    }
    const freqFails = counts.size < 2 || second / first < freqCut;
    const uniqueFails = counts.size / col.length < uniqueCut;
    if (freqFails || uniqueFails) out.push(j);
  });
  return out;
}

/** drop_na_columns: features missing in more than `cutoff` of the wells. */
export function naColumns(columns: Float64Array[], cutoff: number): number[] {
  const out: number[] = [];
  columns.forEach((col, j) => {
    let na = 0;
    for (const v of col) if (Number.isNaN(v)) na++;
    if (na / col.length > cutoff) out.push(j);
  });
  return out;
}

/**
 * Pearson correlation matrix (d × d, row-major): np.corrcoef when every value is finite, else
 * pandas' DataFrame.corr, which takes each pair over the rows where both are present.
 */
export function correlationMatrix(columns: Float64Array[]): Float64Array {
  const d = columns.length;
  const n = d ? columns[0].length : 0;
  const out = new Float64Array(d * d);
  const complete = columns.every((c) => c.every((v) => Number.isFinite(v)));
  if (complete) {
    const z = columns.map((c) => {
      let m = 0;
      for (const v of c) m += v;
      m /= n;
      const dev = Float64Array.from(c, (v) => v - m);
      let ss = 0;
      for (const v of dev) ss += v * v;
      const s = Math.sqrt(ss);
      return dev.map((v) => v / s);
    });
    for (let a = 0; a < d; a++)
      for (let b = 0; b <= a; b++) {
        const x = z[a];
        const y = z[b];
        let s = 0;
        for (let i = 0; i < n; i++) s += x[i] * y[i];
        const r = Math.max(-1, Math.min(1, s));
        out[a * d + b] = r;
        out[b * d + a] = r;
      }
    return out;
  }
  for (let a = 0; a < d; a++)
    for (let b = 0; b <= a; b++) {
      const r = pairwisePearson(columns[a], columns[b]);
      out[a * d + b] = r;
      out[b * d + a] = r;
    }
  return out;
}

/**
 * pandas' nancorr for one pair (x the later column, y the earlier, as pandas loops): Welford's
 * running means and sums over the rows where both are finite. The order of operations is pandas'
 * own, so that the correlation sums that rank features round as pandas' do.
 */
function pairwisePearson(x: Float64Array, y: Float64Array): number {
  let nobs = 0;
  let meanx = 0;
  let meany = 0;
  let ssqdmx = 0;
  let ssqdmy = 0;
  let covxy = 0;
  for (let i = 0; i < x.length; i++) {
    const vx = x[i];
    const vy = y[i];
    if (!Number.isFinite(vx) || !Number.isFinite(vy)) continue;
    nobs += 1;
    const dx = vx - meanx;
    const dy = vy - meany;
    meanx += (1 / nobs) * dx;
    meany += (1 / nobs) * dy;
    ssqdmx += (vx - meanx) * dx;
    ssqdmy += (vy - meany) * dy;
    covxy += (vx - meanx) * dy;
  }
  if (nobs < 1) return NaN;
  const divisor = Math.sqrt(ssqdmx * ssqdmy);
  return divisor !== 0 ? covxy / divisor : NaN;
}

/**
 * correlation_threshold: features are ranked by the sum of their absolute correlations (ascending);
 * for every pair correlated above `threshold` (signed r, each pair once), the member ranked later —
 * the one more correlated with everything — is excluded. All pairs vote at once, as in pycytominer
 * (not a greedy pass: a feature excluded by one pair still decides the others it is in).
 */
export function correlationThreshold(columns: Float64Array[], threshold: number): number[] {
  const d = columns.length;
  const r = correlationMatrix(columns);
  const sums = new Float64Array(d);
  for (let a = 0; a < d; a++) {
    let s = 0;
    for (let b = 0; b < d; b++) if (!Number.isNaN(r[a * d + b])) s += Math.abs(r[a * d + b]);
    sums[a] = s;
  }
  // pandas' sort_values: numpy's (unstable) quicksort, which decides between exact duplicates
  const order = argsortQuick(sums);
  const rank = new Int32Array(d);
  order.forEach((f, k) => (rank[f] = k));
  const out = new Set<number>();
  for (let a = 1; a < d; a++)
    for (let b = 0; b < a; b++) if (r[a * d + b] > threshold) out.add(rank[a] > rank[b] ? a : b);
  return [...out].sort((a, b) => a - b);
}

export interface Selection {
  /** indices of the kept features, in input order */
  kept: number[];
  /** per operation, the names it excluded (of those the earlier operations left) */
  excluded: Record<SelectOperation, string[]>;
}

/** feature_select: the operations in order, each on what the previous ones kept. */
export function selectFeatures(names: string[], columns: Float64Array[], opts: SelectOptions = DEFAULT_SELECT): Selection {
  let kept = names.map((_, j) => j);
  const excluded = { variance_threshold: [], correlation_threshold: [], drop_na_columns: [], blocklist: [] } as Record<SelectOperation, string[]>;
  for (const op of opts.operations) {
    const cols = kept.map((j) => columns[j]);
    const local =
      op === 'variance_threshold'
        ? varianceThreshold(cols, opts.freqCut, opts.uniqueCut)
        : op === 'correlation_threshold'
          ? correlationThreshold(cols, opts.corrThreshold)
          : op === 'drop_na_columns'
            ? naColumns(cols, opts.naCutoff)
            : kept.flatMap((j, k) => (blocklisted(names[j]) ? [k] : []));
    const drop = new Set(local.map((k) => kept[k]));
    excluded[op] = [...drop].map((j) => names[j]);
    kept = kept.filter((j) => !drop.has(j));
  }
  return { kept, excluded };
}
