import { selectInPlace } from './objects';
import { sortKernel } from '../wasm/sort';

/**
 * Order statistics of a whole image's values off the 16-bit grid (a corrected image's
 * quotients) without selection over all of them: a key monotonic in the value (its bucket among
 * 65,536 equal steps of [lo, hi], clamped) is counted per pixel, the buckets holding the wanted
 * ranks are gathered, and selection runs inside those only. Two plain passes instead of a
 * selection's unpredictable branches and swaps over a million values; ranks are values, so the
 * same doubles (no NaN, ±∞ or −0 here: callers test for them). The passes over the pixels run in
 * sort.c (rank_keys, rank_gather, window_deviations); selection in the few gathered values here.
 */
export const BUCKETS = 65536;

/**
 * The values at 0-based `ranks` (ascending) of a's values, or of |a − centre| when centre is
 * given; lo and hi bound those values (a narrower range only crowds the end buckets). hist:
 * given, it receives the bucket counts (BUCKETS of them).
 */
export function rankValues(a: Float64Array, lo: number, hi: number, ranks: number[], centre?: number, hist?: Int32Array): number[] {
  const n = a.length;
  const dev = centre !== undefined, m = centre ?? 0;
  const scale = hi > lo ? BUCKETS / (hi - lo) : 0;
  const K = sortKernel();
  K.reset();
  const pa = K.put(a), pc = K.alloc(4 * BUCKETS), pk = K.alloc(2 * n);
  K.exports.rank_keys(pa, n, lo, scale, dev ? 1 : 0, m, pc, pk);
  const counts = K.i32(pc, BUCKETS);
  // each rank's bucket and its place there; the wanted buckets' segments of buf, in bucket order
  const bucketOf: number[] = [], place: number[] = [], starts = new Map<number, number>();
  let size = 0;
  for (let b = 0, before = 0, r = 0; r < ranks.length; ) {
    if (ranks[r] < before + counts[b]) {
      if (!starts.has(b)) {
        starts.set(b, size);
        size += counts[b];
      }
      bucketOf.push(b);
      place.push(ranks[r] - before);
      r++;
    } else before += counts[b++];
  }
  const width = bucketOf.map((b) => counts[b]);
  hist?.set(counts);
  // counts becomes each bucket's next slot in buf, −1 for the others
  counts.fill(-1);
  for (const [b, s] of starts) counts[b] = s;
  const pb = K.alloc(8 * size);
  K.exports.rank_gather(pa, n, pk, pc, dev ? 1 : 0, m, pb);
  const buf = K.f64(pb, size).slice();
  return bucketOf.map((b, j) => {
    const s = starts.get(b)!;
    selectInPlace(buf, s, s + width[j] - 1, s + place[j]);
    return buf[s + place[j]];
  });
}

/**
 * The values at 0-based `ranks` (ascending, adjacent) of |a − centre|, where hist holds the
 * bucket counts rankValues(a, lo, hi, …) made: the buckets around centre's, taken in rings
 * outward until they hold the ranks, bound a window [d1, d2] of deviations, and one pass counts
 * the pixels below it and keeps those in it, for selection. No keys, no second histogram: a
 * third of rankValues' work. The window is a guess; what it holds is checked, and null is
 * returned when the ranks fall outside it (then rankValues with the centre gives them).
 */
export function windowDeviations(a: Float64Array, lo: number, hi: number, hist: Int32Array, centre: number, ranks: number[]): number[] | null {
  const n = a.length;
  const step = (hi - lo) / BUCKETS;
  if (!(step > 0) || !Number.isFinite(centre) || !ranks.length) return null;
  const bm = Math.min(BUCKETS - 1, Math.max(0, Math.floor((centre - lo) / step)));
  const want = ranks[ranks.length - 1] + 1;
  let ring = 0;
  for (let seen = hist[bm]; seen < want && (bm - ring > 0 || bm + ring < BUCKETS - 1); ) {
    ring++;
    if (bm - ring >= 0) seen += hist[bm - ring];
    if (bm + ring < BUCKETS) seen += hist[bm + ring];
  }
  // ring r's deviations lie within about (r − 1 … r + 1)·step: a margin of two rings each way
  const d1 = Math.max(0, ring - 3) * step, d2 = (ring + 3) * step;
  const K = sortKernel();
  K.reset();
  const pa = K.put(a), pb = K.alloc(8 * n), pw = K.alloc(4);
  const k = K.exports.window_deviations(pa, n, centre, d1, d2, pb, pw);
  const below = K.i32(pw, 1)[0];
  const buf = K.f64(pb, k).slice();
  // below the window, in it, above it: the ranks' values are the window's at rank − below
  for (const r of ranks) if (r - below < 0 || r - below >= k) return null;
  return ranks.map((r) => {
    selectInPlace(buf, 0, k - 1, r - below);
    return buf[r - below];
  });
}
