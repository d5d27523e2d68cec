import { newBlock, type FeatureBlock, type ObjectIndex } from './objects';
import { denseRanksAt } from './denseRanks';
import { sortKernel } from '../wasm/sort';

/**
 * CellProfiler 4.2 MeasureColocalization, per object, for one channel pair (A, B) on 0–1 images:
 * Correlation (Pearson; NaN when a channel is constant over the object), Overlap and K (A→B and
 * B→A) over the pixels where both channels reach 15 % of their maximum in the object, Manders
 * (same thresholds) and RWC (rank-weighted colocalisation: dense ranks of each channel over
 * all object pixels of the image, weight (R − |rankA − rankB|)/R, over the Manders pixels).
 * Costes thresholds are not computed (optional in CellProfiler, off in the JUMP pipelines).
 */
export const correlationNames = (a: string, b: string) => [
  `Correlation_Correlation_${a}_${b}`,
  `Correlation_Overlap_${a}_${b}`,
  `Correlation_K_${a}_${b}`,
  `Correlation_K_${b}_${a}`,
  `Correlation_Manders_${a}_${b}`,
  `Correlation_Manders_${b}_${a}`,
  `Correlation_RWC_${a}_${b}`,
  `Correlation_RWC_${b}_${a}`,
];

/**
 * One channel over the objects of `ix`, as every pair it is in needs it: its values and dense
 * ranks (0 = smallest value over all object pixels of the image) gathered in ix.pixels order, and
 * per object the sums that depend on this channel alone (the same sums, in the same order, as a
 * per-pair pass would make). The ranks come from a presence table over the image's levels: an 8-
 * or 16-bit image's integer values (the 0–1 scaling is monotonic, so they rank the scaled values
 * too) or a float image's dense ranks over the whole image (`imageLevels`), shared by every
 * compartment; with no levels (a float image with a NaN) the values are sorted.
 */
export interface ColocChannel {
  name: string;
  v: Float64Array;
  rank: Int32Array;
  rankMax: number;
  /** per object: mean, 15 %-of-maximum threshold, Σ(x − mean)², Σ x over x ≥ threshold, constant */
  mean: Float64Array;
  thr: Float64Array;
  ss: Float64Array;
  tot: Float64Array;
  flat: Uint8Array;
}

/** Integer levels of one channel's pixels, ordered as its values, and how many there can be. */
export interface ImageLevels {
  data: ArrayLike<number>;
  count: number;
}

/**
 * The levels colocChannel ranks by: the acquired integers, or for a float image the dense ranks of
 * its values at `labelled` (every pixel of any compartment; the others are never ranked).
 */
export function imageLevels(img: Float64Array, raw: { data: ArrayLike<number>; bitDepth: number } | null, labelled: Int32Array): ImageLevels | null {
  if (raw) return { data: raw.data, count: raw.bitDepth === 16 ? 65536 : 256 };
  const r = denseRanksAt(img, labelled);
  return r && { data: r.rank, count: r.count };
}

export function colocChannel(ix: ObjectIndex, name: string, img: Float64Array, levels: ImageLevels | null, thresholdPercent = 15): ColocChannel {
  const { ids, start, pixels: px } = ix;
  const n = ids.length;
  const v = new Float64Array(px.length);
  // with levels, each object's pixels are gathered once: values, their sums and extremes, and
  // the levels present (ranked below)
  const level = levels ? new Int32Array(px.length) : null;
  const present = levels ? new Int32Array(levels.count) : null;
  const data = levels ? levels.data : null;
  const mean = new Float64Array(n), thr = new Float64Array(n), ss = new Float64Array(n), tot = new Float64Array(n);
  const flat = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const s0 = start[k], s1 = start[k + 1];
    let s = 0, max = -Infinity, min = Infinity;
    for (let p = s0; p < s1; p++) {
      const i = px[p];
      const x = img[i];
      v[p] = x;
      if (level) {
        const l = data![i];
        level[p] = l;
        present![l] = 1;
      }
      s += x;
      if (x > max) max = x;
      if (x < min) min = x;
    }
    const m = s / (s1 - s0);
    const t = (thresholdPercent / 100) * max;
    let q = 0, above = 0;
    for (let p = s0; p < s1; p++) {
      const x = v[p];
      q += (x - m) * (x - m);
      if (x >= t) above += x;
    }
    mean[k] = m;
    thr[k] = t;
    ss[k] = q;
    tot[k] = above;
    flat[k] = min === max ? 1 : 0;
  }
  const { rank, rankMax } = level ? denseLevels(level, present!) : sortedRanks(v);
  return { name, v, rank, rankMax, mean, thr, ss, tot, flat };
}

/** dense ranks (0 = smallest) of the levels gathered at the object pixels, present: 1 at each of them; both replaced in place */
function denseLevels(rank: Int32Array, present: Int32Array): { rank: Int32Array; rankMax: number } {
  let r = -1;
  for (let k = 0; k < present.length; k++) if (present[k]) present[k] = ++r;
  for (let p = 0; p < rank.length; p++) rank[p] = present[rank[p]];
  return { rank, rankMax: Math.max(0, r) };
}

/**
 * dense ranks (0 = smallest) of any values, NaN too (the image's levels have none then): sort.c's
 * sorted_ranks orders the pixels by value, then one walk gives equal values (−0 and 0 too) one
 * rank. Each NaN ranks 0 and, as a value of its own, counts in rankMax.
 */
function sortedRanks(v: Float64Array): { rank: Int32Array; rankMax: number } {
  const n = v.length;
  const k = sortKernel();
  k.reset();
  const pv = k.put(v), pr = k.alloc(4 * n);
  const rankMax = k.exports.sorted_ranks(pv, n, pr);
  return { rank: k.i32(pr, n).slice(), rankMax };
}

export function measureCorrelation(ix: ObjectIndex, a: ColocChannel, b: ColocChannel): FeatureBlock {
  const { ids, start } = ix;
  const n = ids.length;
  const block = newBlock(correlationNames(a.name, b.name), n);
  const [CORR, OVL, KAB, KBA, MAB, MBA, RAB, RBA] = block.values;
  const A = a.v, B = b.v;
  const R = Math.max(a.rankMax, b.rankMax) + 1;
  const ra = a.rank, rb = b.rank;
  for (let k = 0; k < n; k++) {
    const s0 = start[k], s1 = start[k + 1];
    const ma = a.mean[k], mb = b.mean[k];
    const ta = a.thr[k], tb = b.thr[k];
    let vab = 0, aa = 0, bb = 0, ab = 0;
    let coA = 0, coB = 0, rwA = 0, rwB = 0, both = 0;
    for (let p = s0; p < s1; p++) {
      const x = A[p], y = B[p];
      vab += (x - ma) * (y - mb);
      if (x >= ta && y >= tb) {
        both++;
        aa += x * x;
        bb += y * y;
        ab += x * y;
        coA += x;
        coB += y;
        const wgt = (R - Math.abs(ra[p] - rb[p])) / R;
        rwA += x * wgt;
        rwB += y * wgt;
      }
    }
    const totA = a.tot[k], totB = b.tot[k];
    // a constant channel has no variance (rounding can leave a tiny one: CellProfiler's is 0)
    CORR[k] = a.flat[k] || b.flat[k] ? NaN : vab / (Math.sqrt(a.ss[k]) * Math.sqrt(b.ss[k]));
    // no pixel above both thresholds: cp_measure reports 0s
    const any = both > 0;
    OVL[k] = any ? ab / Math.sqrt(aa * bb) : 0;
    KAB[k] = any ? ab / aa : 0;
    KBA[k] = any ? ab / bb : 0;
    MAB[k] = coA / totA;
    MBA[k] = coB / totB;
    RAB[k] = rwA / totA;
    RBA[k] = rwB / totB;
  }
  return block;
}
