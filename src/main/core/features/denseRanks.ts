import { sortKernel } from '../wasm/sort';

/**
 * Dense ranks of float values (0 = smallest; equal values share a rank, −0 = +0), for a float
 * image (illumination-corrected) that needs the ranks its integer levels give an 8- or 16-bit
 * one: sort.c's dense_ranks puts the values in order (radix.h's LSD radix sort of their bits,
 * each carrying its place), then one walk. Linear in the count, where sorting the values and
 * searching each one is n·log n with unpredictable branches. null when there is a NaN (the
 * caller's comparison sort decides where it goes).
 */
export function denseRanks(v: Float64Array): { rank: Int32Array; count: number } | null {
  const n = v.length;
  const k = sortKernel();
  k.reset();
  const pv = k.put(v), pr = k.alloc(4 * n);
  const count = k.exports.dense_ranks(pv, 0, n, pr, n);
  return count < 0 ? null : { rank: k.i32(pr, n).slice(), count };
}

/**
 * denseRanks of img's values at `at`, each written at its pixel (0 at the other pixels), in
 * one call: the gather and the scatter run in the kernel too.
 */
export function denseRanksAt(img: Float64Array, at: Int32Array): { rank: Int32Array; count: number } | null {
  const n = img.length;
  const k = sortKernel();
  k.reset();
  const pv = k.put(img), pa = k.put(at), pr = k.alloc(4 * n);
  const count = k.exports.dense_ranks(pv, pa, at.length, pr, n);
  return count < 0 ? null : { rank: k.i32(pr, n).slice(), count };
}
