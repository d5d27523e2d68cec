/**
 * copairs' phenotypic activity (average_precision + mean_average_precision) with its numbers:
 * same ranking, same float32 null distributions drawn from numpy's generator with the same seeds,
 * same p-values and Benjamini–Hochberg q-values. Pairs are copairs' with pos_sameby = [compound],
 * neg_diffby = [negcon]: a treated well's positives are the other wells of its compound, its
 * negatives every negative-control well.
 */

import { bhAdjust } from '../../../shared/stats';
import { defaultRng, integers, shuffleRow } from './numpyRandom';

/** numpy's pairwise summation (blocks of 8 partial sums, halves above 128), optionally in float32. */
function pairwiseSum(v: ArrayLike<number>, from: number, to: number, f32: boolean): number {
  const r = f32 ? Math.fround : (x: number) => x;
  const n = to - from;
  if (n < 8) {
    let s = f32 ? 0 : -0;
    for (let i = from; i < to; i++) s = r(s + v[i]);
    return s;
  }
  if (n <= 128) {
    const p = Array.from({ length: 8 }, (_, k) => v[from + k]);
    let i = from + 8;
    for (; i < from + n - (n % 8); i += 8) for (let k = 0; k < 8; k++) p[k] = r(p[k] + v[i + k]);
    let s = r(r(r(p[0] + p[1]) + r(p[2] + p[3])) + r(r(p[4] + p[5]) + r(p[6] + p[7])));
    for (; i < to; i++) s = r(s + v[i]);
    return s;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return r(pairwiseSum(v, from, from + half, f32) + pairwiseSum(v, from + half, to, f32));
}

export interface ApRow {
  /** row of the input */
  index: number;
  group: string;
  ap: number;
  nPos: number;
  nTotal: number;
}

export interface ActivityWells {
  /** wells × features, row-major */
  data: Float64Array;
  features: number;
  /** compound key of each treated well; null for wells that take no part (negcon wells' is ignored) */
  group: Array<string | null>;
  negcon: boolean[];
}

/** Rows divided by their norms (np.linalg.norm: the root of a pairwise sum of squares). */
function unitRows(data: Float64Array, n: number, d: number): Float64Array {
  const out = new Float64Array(n * d);
  const sq = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) sq[k] = data[i * d + k] ** 2;
    const norm = Math.sqrt(pairwiseSum(sq, 0, d, false));
    for (let k = 0; k < d; k++) out[i * d + k] = data[i * d + k] / norm;
  }
  return out;
}

/** copairs.average_precision for every treated well (wells with no replicate get NaN and nPos 0). */
export function averagePrecisions(w: ActivityWells): ApRow[] {
  const n = w.group.length;
  const d = w.features;
  if (w.data.length !== n * d) throw new Error(`average precision: ${w.data.length} values for ${n} wells × ${d} features`);
  const u = unitRows(w.data, n, d);
  const prod = new Float64Array(d);
  // copairs keeps similarities as float32, and ranks by 1 − similarity in float32: values closer
  // than float32 resolves tie (positives first)
  const key = (a: number, b: number) => {
    for (let k = 0; k < d; k++) prod[k] = u[a * d + k] * u[b * d + k];
    const k = Math.fround(1 - Math.fround(pairwiseSum(prod, 0, d, false)));
    return Number.isNaN(k) ? Infinity : k; // a zero profile (NaN similarity) ranks last, as numpy sorts NaN
  };
  const neg = [...Array(n).keys()].filter((i) => w.negcon[i]);
  const rows: ApRow[] = [];
  for (let q = 0; q < n; q++) {
    const g = w.group[q];
    if (w.negcon[q] || g === null) continue;
    const pos = [...Array(n).keys()].filter((j) => j !== q && !w.negcon[j] && w.group[j] === g);
    const ranked = [...pos.map((j) => ({ key: key(q, j), rel: 1 })), ...neg.map((j) => ({ key: key(q, j), rel: 0 }))].sort((a, b) => a.key - b.key || b.rel - a.rel);
    const terms = new Float64Array(ranked.length);
    let tp = 0;
    ranked.forEach((r, k) => {
      tp += r.rel;
      terms[k] = (tp / (k + 1)) * r.rel;
    });
    const ap = pos.length ? pairwiseSum(terms, 0, terms.length, false) / pos.length : NaN;
    rows.push({ index: q, group: g, ap, nPos: pos.length, nTotal: ranked.length });
  }
  return rows;
}

/** APs (float32) of `size` random rankings with `pos` positives among `total`, as copairs' random_ap(seed). */
export function randomAp(size: number, pos: number, total: number, seed: number): Float32Array {
  const rng = defaultRng(seed);
  const out = new Float32Array(size);
  const row = total < 2 ** 16 ? new Uint16Array(total) : new Uint32Array(total);
  const ranks = new Float64Array(pos);
  const terms = new Float64Array(pos);
  for (let s = 0; s < size; s++) {
    for (let i = 0; i < total; i++) row[i] = i;
    shuffleRow(rng, row);
    for (let k = 0; k < pos; k++) ranks[k] = row[k];
    ranks.sort();
    for (let k = 0; k < pos; k++) terms[k] = Math.fround((k + 1) / (ranks[k] + 1));
    out[s] = Math.fround(pairwiseSum(terms, 0, pos, true) / pos);
  }
  return out;
}

export interface CompoundMap {
  group: string;
  replicates: number;
  mAP: number;
  pValue: number;
  correctedP: number;
  active: boolean;
}

/** pandas' groupby mean: Kahan-compensated sum over the group, divided by its size. */
function kahanMean(v: number[]): number {
  let sum = 0;
  let c = 0;
  for (const x of v) {
    const y = x - c;
    const t = sum + y;
    c = t - sum - y;
    sum = t;
  }
  return sum / v.length;
}

/**
 * copairs.mean_average_precision(sameby=[compound]): mean AP per compound; its null is the
 * element-wise float32 mean of its queries' (unsorted) null draws, one per (nPos, nTotal)
 * configuration seeded from `seed` in sorted configuration order; p = (#null > mAP + 1)/(size + 1).
 */
export function meanAveragePrecision(aps: ApRow[], opts: { nullSize: number; threshold: number; seed: number }): CompoundMap[] {
  const rows = aps.filter((r) => !Number.isNaN(r.ap) && r.nPos > 0);
  const confs = [...new Map(rows.map((r) => [`${r.nPos}/${r.nTotal}`, [r.nPos, r.nTotal] as const])).values()].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const seeds = integers(defaultRng(opts.seed), 8096, confs.length);
  const nulls = new Map(confs.map(([p, t], i) => [`${p}/${t}`, randomAp(opts.nullSize, p, t, seeds[i])]));
  const groups = new Map<string, ApRow[]>();
  for (const r of rows) groups.set(r.group, [...(groups.get(r.group) ?? []), r]);
  const out = [...groups]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([group, members]) => {
      const mAP = kahanMean(members.map((m) => m.ap));
      const sum = new Float32Array(opts.nullSize);
      for (const m of members) {
        const nd = nulls.get(`${m.nPos}/${m.nTotal}`)!;
        for (let k = 0; k < opts.nullSize; k++) sum[k] = sum[k] + nd[k];
      }
      let above = 0;
      for (let k = 0; k < opts.nullSize; k++) if (Math.fround(sum[k] / members.length) > mAP) above++;
      return { group, replicates: members.length, mAP, pValue: (above + 1) / (opts.nullSize + 1) };
    });
  const q = bhAdjust(out.map((r) => r.pValue));
  return out.map((r, i) => ({ ...r, correctedP: q[i], active: q[i] < opts.threshold }));
}
