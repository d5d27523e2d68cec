// The illumination-corrected path of the Image_ measurements (core/features/thresholdStep.ts):
// corrected images are float64 quotients off the 16-bit grid, so every pixel is a value of its
// own and the passes over distinct values are as long as the image. Sorting only compares and
// moves values; what is computed (gaps, prefix sums) is the TypeScript's arithmetic in its order,
// with no fused multiply-add (WebAssembly has none), so every output is the same bits.
#include "radix.h"

/**
 * thresholdLi's one pass over the distinct values v[0..m) with their counts c (thresholdStep.ts):
 * x[i] = v[i] − v[0], cn and cs (m + 1 each) the prefix sums of the counts and of count·x, and
 * out: the smallest gap between neighbours (∞ if none), v[0]. v may be x and c may be cn + 1 (each
 * read before its place is written).
 */
__attribute__((export_name("li_prefix")))
void li_prefix(const double *v, const double *c, i32 m, double *x, double *cn, double *cs, double *out) {
  const double min = m ? v[0] : 0;
  double gap = __builtin_inf(), prev = 0, sn = 0, ss = 0;
  cn[0] = cs[0] = 0;
  for (i32 i = 0; i < m; i++) {
    const double vi = v[i], ni = c[i];
    if (i && vi - prev < gap) gap = vi - prev;
    prev = vi;
    const double d = vi - min;
    x[i] = d;
    sn = sn + ni;
    ss = ss + ni * d;
    cn[i + 1] = sn;
    cs[i + 1] = ss;
  }
  out[0] = gap;
  out[1] = min;
}

/**
 * thresholdLi's distinct values and sums (thresholdStep.ts) of a[0..n): the values sorted as
 * Float64Array.prototype.sort does (the zeros one value, −0 when any is, between the negatives
 * and the positives; each NaN a value of its own, last), with their counts, then li_prefix of them into x, cn, cs (n + 1 each) and out. Returns m, how many distinct values.
 */
__attribute__((export_name("li_sums")))
i32 li_sums(const double *a, i32 n, double *x, double *cn, double *cs, double *out) {
  uintptr_t mark = arena_mark();
  u64 *key = arena_take(8u * n), *tk = arena_take(8u * n);
  i32 k = 0, zeros = 0, nans = 0, negZero = 0;
  for (i32 i = 0; i < n; i++) {
    const double v = a[i];
    if (v == 0) {
      zeros++;
      u64 b;
      __builtin_memcpy(&b, &v, 8);
      negZero |= (b >> 63) != 0;
    } else if (v != v)
      nans++;
    else
      key[k++] = float_key(v);
  }
  const u64 *s = radix_sort(key, 0, tk, 0, k) ? tk : key;
  // the distinct values into x, their counts into cn + 1, then the sums in place
  double *v = x, *c = cn + 1;
  i32 m = 0, t = 0;
  for (; t <= k; t++) {
    // the zeros before the first positive (keys of the positives have the top bit set)
    if (zeros && (t == k || s[t] >> 63)) v[m] = negZero ? -0.0 : 0.0, c[m++] = zeros, zeros = 0;
    if (t == k) break;
    if (t && s[t] == s[t - 1]) c[m - 1]++;
    else v[m] = key_float(s[t]), c[m++] = 1;
  }
  for (i32 j = 0; j < nans; j++) v[m] = __builtin_nan(""), c[m++] = 1;
  li_prefix(v, c, m, x, cn, cs, out);
  arena_release(mark);
  return m;
}
