import { mulberry32 } from './rng';
import { bhAdjust } from '../../../shared/stats';

/**
 * Phenotypic activity as JUMP measures it with copairs: for every replicate well of a compound,
 * rank its other replicates (positives) and the negative-control wells (negatives) by cosine
 * similarity; average precision (AP) of that ranking; mean AP over the compound's replicates is its
 * mAP. Significance: for each query's (positives, total) configuration, the sorted APs of
 * `nullSize` random rankings; the compound's null is the element-wise mean of its queries' sorted
 * nulls (as copairs does); p = (#null > mAP + 1)/(nullSize + 1); Benjamini–Hochberg across compounds.
 * Ties in similarity rank positives first (copairs' stable sort puts positive pairs first).
 */
export interface ActivityInput {
  /** wells × features, row-major */
  data: Float64Array;
  features: number;
  /** per well: compound key for treated wells, null otherwise */
  group: Array<string | null>;
  /** per well: is a negative-control (DMSO) well */
  negcon: boolean[];
}

export interface CompoundActivity {
  group: string;
  replicates: number;
  mAP: number;
  pValue: number;
  correctedP: number;
  active: boolean;
}

export interface ActivityResult {
  compounds: CompoundActivity[];
  /** fraction of compounds with corrected p below the threshold */
  fractionActive: number;
  meanMAP: number;
  nullSize: number;
  threshold: number;
}

/** AP of a ranked list of relevance flags (1 positive, 0 negative). */
export function averagePrecision(rel: ArrayLike<number>): number {
  let tp = 0;
  let s = 0;
  for (let k = 0; k < rel.length; k++) {
    if (rel[k]) {
      tp++;
      s += tp / (k + 1);
    }
  }
  return tp ? s / tp : NaN;
}

export function cosine(a: Float64Array, ai: number, b: Float64Array, bi: number, d: number): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let k = 0; k < d; k++) {
    const x = a[ai + k];
    const y = b[bi + k];
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  // a zero profile is similar to nothing (avoids NaN in the ranking)
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

/** Sorted APs of `size` random rankings with `pos` positives among `total`. */
export function nullDistribution(pos: number, total: number, size: number, seed: number): Float64Array {
  const rnd = mulberry32(seed);
  const out = new Float64Array(size);
  const idx = new Int32Array(total);
  const rel = new Uint8Array(total);
  for (let s = 0; s < size; s++) {
    for (let i = 0; i < total; i++) idx[i] = i;
    rel.fill(0);
    // partial Fisher–Yates: the first `pos` draws are the positives' ranks
    for (let i = 0; i < pos; i++) {
      const j = i + Math.floor(rnd() * (total - i));
      const t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
      rel[idx[i]] = 1;
    }
    out[s] = averagePrecision(rel);
  }
  return out.sort();
}

export function phenotypicActivity(input: ActivityInput, opts: { nullSize?: number; threshold?: number; seed?: number } = {}): ActivityResult {
  const nullSize = opts.nullSize ?? 10000;
  const threshold = opts.threshold ?? 0.05;
  const seed = opts.seed ?? 0;
  const { data, features: d, group, negcon } = input;
  const n = group.length;
  if (data.length !== n * d) throw new Error(`phenotypicActivity: ${data.length} values for ${n} wells × ${d} features`);
  const neg = [...Array(n).keys()].filter((i) => negcon[i]);
  const byGroup = new Map<string, number[]>();
  group.forEach((g, i) => {
    if (g !== null && !negcon[i]) byGroup.set(g, [...(byGroup.get(g) ?? []), i]);
  });
  const nulls = new Map<string, Float64Array>();
  const nullFor = (pos: number, total: number) => {
    const key = `${pos}/${total}`;
    let v = nulls.get(key);
    if (!v) nulls.set(key, (v = nullDistribution(pos, total, nullSize, seed + pos * 100003 + total)));
    return v;
  };
  const rows: Array<Omit<CompoundActivity, 'correctedP' | 'active'>> = [];
  for (const [g, wells] of [...byGroup].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    if (wells.length < 2 || neg.length === 0) continue;
    const aps: number[] = [];
    const meanNull = new Float64Array(nullSize);
    for (const q of wells) {
      const cand = [...wells.filter((w) => w !== q).map((w) => ({ w, pos: 1 })), ...neg.map((w) => ({ w, pos: 0 }))];
      const sims = cand.map((c) => ({ ...c, s: cosine(data, q * d, data, c.w * d, d) }));
      // similarity descending; equal similarity keeps positives first (stable sort)
      sims.sort((a, b) => b.s - a.s || b.pos - a.pos);
      aps.push(averagePrecision(sims.map((x) => x.pos)));
      const nd = nullFor(wells.length - 1, cand.length);
      for (let k = 0; k < nullSize; k++) meanNull[k] += nd[k] / wells.length;
    }
    const mAP = aps.reduce((a, b) => a + b, 0) / aps.length;
    let above = 0;
    for (let k = 0; k < nullSize; k++) if (meanNull[k] > mAP) above++;
    rows.push({ group: g, replicates: wells.length, mAP, pValue: (above + 1) / (nullSize + 1) });
  }
  const adj = bhAdjust(rows.map((r) => r.pValue));
  const compounds = rows.map((r, i) => ({ ...r, correctedP: adj[i], active: adj[i] < threshold }));
  return {
    compounds,
    fractionActive: compounds.length ? compounds.filter((c) => c.active).length / compounds.length : NaN,
    meanMAP: compounds.length ? compounds.reduce((a, c) => a + c.mAP, 0) / compounds.length : NaN,
    nullSize,
    threshold,
  };
}
