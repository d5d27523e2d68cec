import { selectInPlace } from './objects';

/**
 * Order statistics of a whole image's values off the 16-bit grid (a corrected image's
 * quotients) without selection over all of them: a key monotonic in the value (its bucket among
 * 65,536 equal steps of [lo, hi], clamped) is counted per pixel, the buckets holding the wanted
 * ranks are gathered, and selection runs inside those only. Two plain passes instead of a
 * selection's unpredictable branches and swaps over a million values; ranks are values, so the
 * same doubles (no NaN, ±∞ or −0 here: callers test for them).
 */
const BUCKETS = 65536;

// per-pixel keys, reused from call to call
let keys = new Uint16Array(0);

/**
 * The values at 0-based `ranks` (ascending) of a's values, or of |a − centre| when centre is
 * given; lo and hi bound those values (a narrower range only crowds the end buckets).
 */
export function rankValues(a: Float64Array, lo: number, hi: number, ranks: number[], centre?: number): number[] {
  const n = a.length;
  if (keys.length < n) keys = new Uint16Array(n);
  const dev = centre !== undefined, m = centre ?? 0;
  const scale = hi > lo ? BUCKETS / (hi - lo) : 0;
  const counts = new Int32Array(BUCKETS);
  for (let i = 0; i < n; i++) {
    const v = dev ? Math.abs(a[i] - m) : a[i];
    const k = (v - lo) * scale;
    const b = k >= BUCKETS ? BUCKETS - 1 : k > 0 ? k | 0 : 0;
    keys[i] = b;
    counts[b]++;
  }
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
  // counts becomes each bucket's next slot in buf, −1 for the others
  counts.fill(-1);
  for (const [b, s] of starts) counts[b] = s;
  const buf = new Float64Array(size);
  for (let i = 0; i < n; i++) {
    const p = counts[keys[i]];
    if (p >= 0) {
      buf[p] = dev ? Math.abs(a[i] - m) : a[i];
      counts[keys[i]] = p + 1;
    }
  }
  return bucketOf.map((b, j) => {
    const s = starts.get(b)!;
    selectInPlace(buf, s, s + width[j] - 1, s + place[j]);
    return buf[s + place[j]];
  });
}
