import { floatKeys, radixSort } from './radixSort';

/**
 * Dense ranks of float values (0 = smallest; equal values share a rank, −0 = +0), for a float
 * image (illumination-corrected) that needs the ranks its integer levels give an 8- or 16-bit
 * one: by the radix sort, linear in the count, where sorting the values and searching each one
 * is n·log n with unpredictable branches. null when there is a NaN (the caller's comparison sort
 * decides where it goes).
 */
export function denseRanks(v: Float64Array): { rank: Int32Array; count: number } | null {
  const x = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    if (v[i] !== v[i]) return null;
    x[i] = v[i] + 0; // −0 + 0 = +0
  }
  const { hi, lo, index } = radixSort(floatKeys(x));
  const rank = new Int32Array(v.length);
  let r = -1;
  for (let i = 0; i < v.length; i++) {
    if (i === 0 || hi[i] !== hi[i - 1] || lo[i] !== lo[i - 1]) r++;
    rank[index[i]] = r;
  }
  return { rank, count: r + 1 };
}
