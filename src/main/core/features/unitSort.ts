/**
 * Ascending sort of one object's 0–1 pixel values, for its quantiles: a stable sort on a 16-bit
 * key (⌊v·65535 + ½⌋ clamped, monotonic in v, distinct for every level of an 8- or 16-bit image),
 * then an insertion pass for values off that grid that share a key (the built-in sort when they
 * crowd into a few keys). When the object's keys span fewer than 4 levels a value (cells, mostly)
 * it is one counting sort over that span, else an LSD radix sort on the key's two bytes; both
 * stable, so the same order. Linear in the object's size, with no per-pixel unpredictable
 * branches, unlike selection.
 */
export class UnitSorter {
  private tmp = new Float64Array(0);
  private keys = new Uint16Array(0);
  private keys2 = new Uint16Array(0);
  private readonly count = new Int32Array(512);
  /** per key: its count, then its next output position in the counting sort (all 0 between calls) */
  private readonly slots = new Int32Array(65536);

  /**
   * Sorts src[0..n) ascending into out[0..n) (src is left as it is), NaNs last as numpy sorts
   * them; returns whether there was a NaN.
   */
  sort(src: Float64Array, n: number, out: Float64Array): boolean {
    if (this.keys.length < n) {
      this.tmp = new Float64Array(2 * n);
      this.keys = new Uint16Array(2 * n);
      this.keys2 = new Uint16Array(2 * n);
    }
    const { keys, slots } = this;
    let nan = false, lo = 65535, hi = 0;
    for (let i = 0; i < n; i++) {
      const v = src[i];
      if (v !== v) nan = true;
      const k = v <= 0 ? 0 : v >= 1 ? 65535 : (v * 65535 + 0.5) | 0;
      keys[i] = k;
      slots[k]++;
      if (k < lo) lo = k;
      if (k > hi) hi = k;
    }
    // a step of the span's prefix sum costs a fraction of a scatter step: up to 4n levels the
    // counting sort's one scatter beats the radix sort's two
    if (hi - lo < 4 * n) this.countingSort(src, n, out, lo, hi);
    else {
      slots.fill(0, lo, hi + 1);
      this.radixSort(src, n, out);
    }
    // (a NaN defeats the fix-up: the built-in sort puts it last)
    if (nan || !insertionFixUp(out, n, 8 * n)) out.subarray(0, n).sort();
    return nan;
  }

  /**
   * sort's result for values off the 16-bit grid (a corrected image's, many to a 16-bit key),
   * src's finite minimum and maximum given: keys of equal steps of their own range, about two
   * values a key (monotonic in the value, so the fix-up moves only values sharing a key).
   */
  sortOffGrid(src: Float64Array, n: number, out: Float64Array, min: number, max: number): boolean {
    const span = max - min;
    if (!(span > 0 && span < Infinity)) return this.sort(src, n, out);
    if (this.keys.length < n) {
      this.tmp = new Float64Array(2 * n);
      this.keys = new Uint16Array(2 * n);
      this.keys2 = new Uint16Array(2 * n);
    }
    const { keys, slots } = this;
    const top = Math.min(65536, 2 * n) - 1;
    const scale = top / span;
    let nan = false;
    for (let i = 0; i < n; i++) {
      const v = src[i];
      if (v !== v) nan = true;
      // (v − min)·scale lies in [0, top] for v in [min, max] (NaN: key 0, sorted again below)
      const k = ((v - min) * scale) | 0;
      keys[i] = k;
      slots[k]++;
    }
    this.countingSort(src, n, out, 0, top);
    if (nan || !insertionFixUp(out, n, 8 * n)) out.subarray(0, n).sort();
    return nan;
  }

  private countingSort(src: Float64Array, n: number, out: Float64Array, lo: number, hi: number): void {
    const { keys, slots } = this;
    for (let d = lo, at = 0; d <= hi; d++) {
      const c = slots[d];
      slots[d] = at;
      at += c;
    }
    for (let i = 0; i < n; i++) out[slots[keys[i]]++] = src[i];
    slots.fill(0, lo, hi + 1);
  }

  private radixSort(src: Float64Array, n: number, out: Float64Array): void {
    const { tmp, keys, keys2, count } = this;
    count.fill(0);
    for (let i = 0; i < n; i++) {
      const k = keys[i];
      count[k & 255]++;
      count[256 + (k >> 8)]++;
    }
    for (let d = 0, a = 0, b = 0; d < 256; d++) {
      const ca = count[d], cb = count[256 + d];
      count[d] = a;
      count[256 + d] = b;
      a += ca;
      b += cb;
    }
    for (let i = 0; i < n; i++) {
      const at = count[keys[i] & 255]++;
      tmp[at] = src[i];
      keys2[at] = keys[i];
    }
    for (let i = 0; i < n; i++) out[count[256 + (keys2[i] >> 8)]++] = tmp[i];
  }
}

/** a after b in the built-in sort's order (numeric, −0 before +0; no NaN here) */
const after = (a: number, b: number) => a > b || (a === 0 && b === 0 && 1 / a > 1 / b);

/**
 * Puts s[0..n), sorted by key, in the built-in sort's order by insertion: off-grid values (a
 * corrected image's) are out of order only inside a key, a few places each. Gives up, returning
 * false, after `budget` moves (values crowded into a few keys), leaving s a permutation of itself.
 */
function insertionFixUp(s: Float64Array, n: number, budget: number): boolean {
  for (let i = 1; i < n; i++) {
    const v = s[i];
    let j = i;
    while (j > 0 && after(s[j - 1], v)) {
      s[j] = s[j - 1];
      j--;
      if (--budget < 0) {
        s[j] = v;
        return false;
      }
    }
    s[j] = v;
  }
  return true;
}

/**
 * CellProfiler's quantile (MeasureObjectIntensity) of ascending values s[0..n): position q·n,
 * linear interpolation with the next value, the last value when there is no next.
 */
export function sortedQuantile(s: Float64Array, n: number, q: number): number {
  if (!n) return NaN;
  const pos = n * q;
  const i = Math.floor(pos);
  const f = pos - i;
  return i < n - 1 ? s[i] * (1 - f) + s[i + 1] * f : s[Math.min(i, n - 1)];
}

/**
 * The same median of |s − m| (CellProfiler's MADIntensity, m the median) from the ascending s
 * without sorting again: the distances fall on both sides of m in two sorted runs, merged outward
 * from m only as far as the median's position. scratch holds n values (used when s has a NaN).
 */
export function sortedMad(s: Float64Array, n: number, m: number, hasNaN: boolean, scratch: Float64Array): number {
  if (!n) return NaN;
  if (hasNaN) {
    for (let i = 0; i < n; i++) scratch[i] = Math.abs(s[i] - m);
    return sortedQuantile(scratch.subarray(0, n).sort(), n, 0.5);
  }
  const pos = n * 0.5;
  const i = Math.floor(pos);
  const f = pos - i;
  // the i-th and (i+1)-th smallest distances (0-based); i ≤ n − 1 always
  const need = i < n - 1 ? i + 1 : i;
  let r = Math.min(n, Math.max(0, i));
  while (r > 0 && s[r - 1] >= m) r--;
  while (r < n && s[r] < m) r++;
  let l = r - 1;
  let di = 0, dnext = 0;
  for (let t = 0; t <= need; t++) {
    // the nearer side's next distance (the left one on a tie: the same value either way)
    const useLeft = l >= 0 && (r >= n || Math.abs(s[l] - m) <= Math.abs(s[r] - m));
    const d = useLeft ? Math.abs(s[l--] - m) : Math.abs(s[r++] - m);
    if (t === i) di = d;
    else if (t > i) dnext = d;
  }
  return i < n - 1 ? di * (1 - f) + dnext * f : di;
}
