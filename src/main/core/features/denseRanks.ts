/**
 * Dense ranks of float values (0 = smallest; equal values share a rank, −0 = +0), for a float
 * image (illumination-corrected) that needs the ranks its integer levels give an 8- or 16-bit
 * one. An LSD radix sort on 8-bit digits of the IEEE bits made monotonic (negatives: all bits
 * flipped; others: the sign bit set), the keys travelling with their indices so that every pass
 * reads in order and writes to 256 streams; digits shared by all values are skipped. Linear in
 * the count, where sorting the values and searching each one is n·log n with unpredictable
 * branches. null when there is a NaN (the caller's comparison sort decides where it goes).
 */
export function denseRanks(v: Float64Array): { rank: Int32Array; count: number } | null {
  const n = v.length;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (v[i] !== v[i]) return null;
    x[i] = v[i] + 0; // −0 + 0 = +0
  }
  const bits = new Uint32Array(x.buffer);
  let hi = new Uint32Array(n), lo = new Uint32Array(n), ix = new Int32Array(n);
  let hi2 = new Uint32Array(n), lo2 = new Uint32Array(n), ix2 = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const l = bits[2 * i], h = bits[2 * i + 1];
    const neg = h >>> 31;
    hi[i] = neg ? ~h >>> 0 : (h | 0x80000000) >>> 0;
    lo[i] = neg ? ~l >>> 0 : l;
    ix[i] = i;
  }
  const count = new Int32Array(257);
  for (let pass = 0; pass < 8; pass++) {
    const word = pass < 4 ? lo : hi, shift = (pass % 4) * 8;
    count.fill(0);
    for (let i = 0; i < n; i++) count[((word[i] >>> shift) & 255) + 1]++;
    if (n && count[((word[0] >>> shift) & 255) + 1] === n) continue; // one digit for all: order unchanged
    for (let d = 0; d < 256; d++) count[d + 1] += count[d];
    for (let i = 0; i < n; i++) {
      const at = count[(word[i] >>> shift) & 255]++;
      hi2[at] = hi[i];
      lo2[at] = lo[i];
      ix2[at] = ix[i];
    }
    [hi, hi2] = [hi2, hi];
    [lo, lo2] = [lo2, lo];
    [ix, ix2] = [ix2, ix];
  }
  const rank = ix2;
  let r = -1;
  for (let i = 0; i < n; i++) {
    if (i === 0 || hi[i] !== hi[i - 1] || lo[i] !== lo[i - 1]) r++;
    rank[ix[i]] = r;
  }
  return { rank, count: r + 1 };
}
