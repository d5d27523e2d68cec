/**
 * The order of float64 values by their bits, for the measurements that need a whole image's
 * pixels in order (the max-tree's, RWC's dense ranks): an LSD radix sort of 64-bit keys, stable,
 * each key carrying its index (threshold.ts sorts values alone, with no index to carry). The keys
 * travel with the indices so that every pass reads in sequence; 8-bit digits keep the scatter's
 * 256 targets in cache (on a 1080² image 0.28 CPU-s against 0.36 with 11-bit digits, the same on
 * a 270² one); all eight digits are counted in one read, and a digit shared by every key is skipped.
 */
export interface SortKeys {
  lo: Uint32Array;
  hi: Uint32Array;
  index: Int32Array;
}

const sortKeys = (n: number): SortKeys => ({ lo: new Uint32Array(n), hi: new Uint32Array(n), index: new Int32Array(n) });

/**
 * Keys that order float64 values as Float64Array.prototype.sort does (−0 before +0): negatives'
 * bits flipped, the others' sign bit set; `descending` complements them. NaN has no place here:
 * callers test for it.
 */
export function floatKeys(v: Float64Array, descending = false): SortKeys {
  const n = v.length;
  const bits = new Uint32Array(v.buffer, v.byteOffset, 2 * n);
  const k = sortKeys(n);
  const flip = descending ? 0xffffffff : 0;
  for (let i = 0; i < n; i++) {
    const l = bits[2 * i], h = bits[2 * i + 1];
    const neg = h >>> 31;
    k.hi[i] = ((neg ? ~h : h | 0x80000000) ^ flip) >>> 0;
    k.lo[i] = ((neg ? ~l : l) ^ flip) >>> 0;
    k.index[i] = i;
  }
  return k;
}

/** the eight 8-bit digits of a 64-bit key: word, shift */
const DIGITS: ReadonlyArray<readonly ['lo' | 'hi', number]> = [['lo', 0], ['lo', 8], ['lo', 16], ['lo', 24], ['hi', 0], ['hi', 8], ['hi', 16], ['hi', 24]];
/** Counts of every digit value, all eight digits in one read of the keys. */
function digitCounts(k: SortKeys): Int32Array {
  const count = new Int32Array(8 * 256);
  const { lo, hi } = k;
  for (let i = 0; i < lo.length; i++) {
    const l = lo[i], h = hi[i];
    count[l & 255]++;
    count[256 + ((l >>> 8) & 255)]++;
    count[512 + ((l >>> 16) & 255)]++;
    count[768 + (l >>> 24)]++;
    count[1024 + (h & 255)]++;
    count[1280 + ((h >>> 8) & 255)]++;
    count[1536 + ((h >>> 16) & 255)]++;
    count[1792 + (h >>> 24)]++;
  }
  return count;
}
/** One stable counting pass: keys of `a` to `b` by the digit of `word` at `shift`, `start` the digits' first slots. */
function scatterByDigit(a: SortKeys, b: SortKeys, word: Uint32Array, shift: number, start: Int32Array): void {
  const { lo, hi, index } = a;
  for (let t = 0; t < lo.length; t++) {
    const q = start[(word[t] >>> shift) & 255]++;
    b.lo[q] = lo[t];
    b.hi[q] = hi[t];
    b.index[q] = index[t];
  }
}

/** The keys in ascending order, equal keys in their given order (`keys` itself may be returned, or reused as scratch). */
export function radixSort(keys: SortKeys): SortKeys {
  const n = keys.lo.length;
  let a = keys, b: SortKeys | null = null;
  const count = digitCounts(a);
  DIGITS.forEach(([word, shift], d) => {
    const start = count.subarray(d * 256, (d + 1) * 256);
    if (start[(a[word][0] >>> shift) & 255] === n) return; // one digit for all: order unchanged
    for (let j = 0, sum = 0; j < 256; j++) {
      const c = start[j];
      start[j] = sum;
      sum += c;
    }
    b ??= sortKeys(n);
    scatterByDigit(a, b, a[word], shift, start);
    [a, b] = [b, a];
  });
  return a;
}
