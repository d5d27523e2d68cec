import { newBlock, type FeatureBlock, type ObjectIndex } from './objects';

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
 * Dense ranks (0 = smallest value) of an image's values over the object pixels of `ix`. Images
 * are 8- or 16-bit, so ranks come from a presence table over the integer values (no sort); the
 * 0–1 scaling is monotonic, so the ranks are those of the scaled values.
 */
export function objectPixelRanks(ix: ObjectIndex, raw: ArrayLike<number>, bitDepth: number): { ranks: Int32Array; max: number } {
  const px = ix.pixels;
  const rankOf = new Int32Array(bitDepth === 16 ? 65536 : 256);
  for (let p = 0; p < px.length; p++) rankOf[raw[px[p]]] = 1;
  let r = -1;
  for (let v = 0; v < rankOf.length; v++) if (rankOf[v]) rankOf[v] = ++r;
  const ranks = new Int32Array(raw.length);
  for (let p = 0; p < px.length; p++) ranks[px[p]] = rankOf[raw[px[p]]];
  return { ranks, max: Math.max(0, r) };
}

export function measureCorrelation(
  ix: ObjectIndex,
  a: { name: string; img: Float64Array; ranks: { ranks: Int32Array; max: number } },
  b: { name: string; img: Float64Array; ranks: { ranks: Int32Array; max: number } },
  thresholdPercent = 15,
): FeatureBlock {
  const { ids, start, pixels } = ix;
  const n = ids.length;
  const block = newBlock(correlationNames(a.name, b.name), n);
  const [CORR, OVL, KAB, KBA, MAB, MBA, RAB, RBA] = block.values;
  const A = a.img, B = b.img;
  const R = Math.max(a.ranks.max, b.ranks.max) + 1;
  const ra = a.ranks.ranks, rb = b.ranks.ranks;
  for (let k = 0; k < n; k++) {
    const s0 = start[k], s1 = start[k + 1];
    const cnt = s1 - s0;
    let sa = 0, sb = 0, maxA = -Infinity, maxB = -Infinity, minA = Infinity, minB = Infinity;
    for (let p = s0; p < s1; p++) {
      const i = pixels[p];
      sa += A[i];
      sb += B[i];
      if (A[i] > maxA) maxA = A[i];
      if (B[i] > maxB) maxB = B[i];
      if (A[i] < minA) minA = A[i];
      if (B[i] < minB) minB = B[i];
    }
    const ma = sa / cnt, mb = sb / cnt;
    const ta = (thresholdPercent / 100) * maxA;
    const tb = (thresholdPercent / 100) * maxB;
    let vaa = 0, vbb = 0, vab = 0, aa = 0, bb = 0, ab = 0;
    let totA = 0, totB = 0, coA = 0, coB = 0, rwA = 0, rwB = 0, both = 0;
    for (let p = s0; p < s1; p++) {
      const i = pixels[p];
      const x = A[i], y = B[i];
      vaa += (x - ma) * (x - ma);
      vbb += (y - mb) * (y - mb);
      vab += (x - ma) * (y - mb);
      const okA = x >= ta, okB = y >= tb;
      if (okA) totA += x;
      if (okB) totB += y;
      if (okA && okB) {
        both++;
        aa += x * x;
        bb += y * y;
        ab += x * y;
        coA += x;
        coB += y;
        const wgt = (R - Math.abs(ra[i] - rb[i])) / R;
        rwA += x * wgt;
        rwB += y * wgt;
      }
    }
    // a constant channel has no variance (rounding can leave a tiny one: CellProfiler's is 0)
    CORR[k] = minA === maxA || minB === maxB ? NaN : vab / (Math.sqrt(vaa) * Math.sqrt(vbb));
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
