import { sortKernel } from '../wasm/sort';

/**
 * Ascending sort of one sample's values into out[0..n) (src is left as it is), NaNs last as numpy
 * sorts them: sort.c's unit_sort (radix.h's radix sort of the values' bits), or with a NaN the
 * built-in sort; returns whether there was a NaN. MeasureObjectIntensity sorts all its objects in
 * one call with the same sort (objectQuartilesMad).
 */
export function sortUnit(src: Float64Array, n: number, out: Float64Array): boolean {
  const k = sortKernel();
  k.reset();
  const ps = k.put(src.subarray(0, n)), po = k.alloc(8 * n);
  const nan = k.exports.sort_unit(ps, n, po) !== 0;
  if (nan) out.set(src.subarray(0, n).slice().sort());
  else out.set(k.f64(po, n));
  return nan;
}

/**
 * A buffer for the values of objects of `total` pixels in all, in the sort kernel's memory: the
 * caller's pass over the pixels fills it (no copy of the image), then objectQuartilesMad reads
 * it. Valid until the next call into the kernel.
 */
export function objectValues(total: number): Float64Array {
  const k = sortKernel();
  k.reset();
  return k.f64(k.alloc(8 * total), total);
}

/**
 * MeasureObjectIntensity's lower quartile, median, upper quartile and MAD of the n objects whose
 * values are values[start[k]..start[k+1]) (objectValues' buffer, filled), written at the
 * object's place: sorted and read in sort.c (object_quartiles, the same sortedQuantile and
 * sortedMad), an object with a NaN here.
 */
export function objectQuartilesMad(values: Float64Array, start: Int32Array, n: number, LQ: Float64Array, MED: Float64Array, UQ: Float64Array, MAD: Float64Array): void {
  const k = sortKernel();
  const pv = values.byteOffset, ps = k.put(start.subarray(0, n + 1));
  const pq = k.alloc(8 * 4 * n), pn = k.alloc(4 * n);
  k.exports.object_quartiles(pv, ps, n, pq, pq + 8 * n, pq + 16 * n, pq + 24 * n, pn);
  const q = k.f64(pq, 4 * n);
  LQ.set(q.subarray(0, n));
  MED.set(q.subarray(n, 2 * n));
  UQ.set(q.subarray(2 * n, 3 * n));
  MAD.set(q.subarray(3 * n));
  const nan = k.i32(pn, n).slice();
  for (let o = 0; o < n; o++) {
    if (!nan[o]) continue;
    const a = start[o + 1] - start[o];
    const s = k.f64(pv + 8 * start[o], a).slice().sort();
    const median = sortedQuantile(s, a, 0.5);
    LQ[o] = sortedQuantile(s, a, 0.25);
    MED[o] = median;
    UQ[o] = sortedQuantile(s, a, 0.75);
    MAD[o] = sortedMad(s, a, median, true, new Float64Array(a));
  }
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
