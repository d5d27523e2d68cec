// The sorts and ranks of pixel values, by radix.h's LSD radix sort of the values' bits: the dense
// ranks of RWC (colocalization.ts, denseRanks.ts), the sorted values of the threshold steps
// (threshold.ts), the pixel passes of rankSelect.ts' order statistics, and each object's sort,
// quartiles and MAD for MeasureObjectIntensity (unitSort.ts). Sorting only compares and moves
// values (−0 + 0 aside, as the TypeScript did); what is computed (bucket keys, quantiles, MAD)
// is the TypeScript's arithmetic in its order, with no fused multiply-add (WebAssembly has none),
// so every output is the same bits.
// (A bucket pass on the leading varying bits, then insertion in each bucket, the TypeScript's
// way for the dense ranks, was slower here: 1.8× the radix sort's seven streaming passes on a
// corrected channel, from the unpredictable branches of the walk over a million small buckets.)
#include "radix.h"

/**
 * Dense ranks (0 = smallest; equal values share one, −0 = +0) of v at at[0..m) (at null: v[0..m)),
 * written to out at the same places (at given: out's other len − m places are 0). Returns how many
 * distinct values, −1 for a NaN (out then undefined).
 */
__attribute__((export_name("dense_ranks")))
i32 dense_ranks(const double *v, const i32 *at, i32 m, i32 *out, i32 len) {
  uintptr_t mark = arena_mark();
  u64 *key = arena_take(8u * m), *tk = arena_take(8u * m);
  i32 *pos = arena_take(4u * m), *tp = arena_take(4u * m);
  for (i32 j = 0; j < m; j++) {
    const i32 i = at ? at[j] : j;
    const double x = v[i];
    if (x != x) {
      arena_release(mark);
      return -1;
    }
    key[j] = float_key(x + 0.0); // −0 + 0 = +0
    pos[j] = i;
  }
  if (radix_sort(key, pos, tk, tp, m)) {
    key = tk;
    pos = tp;
  }
  if (at) __builtin_memset(out, 0, 4u * len);
  i32 r = -1;
  for (i32 t = 0; t < m; t++) {
    if (t == 0 || key[t] != key[t - 1]) r++;
    out[pos[t]] = r;
  }
  arena_release(mark);
  return r + 1;
}

/**
 * Dense ranks (0 = smallest) of any v[0..n), NaN too: equal values (−0 and 0 too) share one, each
 * NaN ranks 0 and, as a value of its own, counts in the returned maximum rank (≥ 0).
 */
__attribute__((export_name("sorted_ranks")))
i32 sorted_ranks(const double *v, i32 n, i32 *rank) {
  uintptr_t mark = arena_mark();
  u64 *key = arena_take(8u * n), *tk = arena_take(8u * n);
  i32 *pos = arena_take(4u * n), *tp = arena_take(4u * n);
  for (i32 i = 0; i < n; i++) {
    key[i] = float_key(v[i]);
    pos[i] = i;
  }
  if (radix_sort(key, pos, tk, tp, n)) pos = tp;
  i32 r = -1, nan = 0;
  double prev = 0;
  for (i32 t = 0; t < n; t++) {
    const i32 p = pos[t];
    const double x = v[p];
    if (x != x) {
      nan++;
      rank[p] = 0;
      continue;
    }
    if (r < 0 || x != prev) {
      r++;
      prev = x;
    }
    rank[p] = r;
  }
  arena_release(mark);
  return r + nan > 0 ? r + nan : 0;
}

/** u[0..n) in Float64Array.prototype.sort's order (numeric, −0 before +0) to out; 0, or −1 for a NaN (out then undefined) */
__attribute__((export_name("sorted_values")))
i32 sorted_values(const double *u, i32 n, double *out) {
  uintptr_t mark = arena_mark();
  u64 *key = arena_take(8u * n), *tk = arena_take(8u * n);
  for (i32 i = 0; i < n; i++) {
    const double x = u[i];
    if (x != x) {
      arena_release(mark);
      return -1;
    }
    key[i] = float_key(x);
  }
  if (radix_sort(key, 0, tk, 0, n)) key = tk;
  for (i32 i = 0; i < n; i++) out[i] = key_float(key[i]);
  arena_release(mark);
  return 0;
}

/** the buckets of rankValues (rankSelect.ts): equal steps of [lo, hi] */
#define BUCKETS 65536

/**
 * rankValues' first pass over a[0..n) (of |a − centre| when dev): each value's bucket, ⌊(v − lo)·scale⌋
 * clamped to the buckets, into keys, and the buckets' counts into counts (BUCKETS, zeroed here).
 */
__attribute__((export_name("rank_keys")))
void rank_keys(const double *a, i32 n, double lo, double scale, i32 dev, double centre, u32 *counts, unsigned short *keys) {
  __builtin_memset(counts, 0, 4u * BUCKETS);
  for (i32 i = 0; i < n; i++) {
    const double v = dev ? __builtin_fabs(a[i] - centre) : a[i];
    const double k = (v - lo) * scale;
    const u32 b = k >= BUCKETS ? BUCKETS - 1 : k > 0 ? (u32)k : 0;
    keys[i] = (unsigned short)b;
    counts[b]++;
  }
}

/** rankValues' second pass: the values (or deviations) of the buckets with a slot (≥ 0: the next place in buf) gathered there */
__attribute__((export_name("rank_gather")))
void rank_gather(const double *a, i32 n, const unsigned short *keys, i32 *slot, i32 dev, double centre, double *buf) {
  for (i32 i = 0; i < n; i++) {
    const i32 p = slot[keys[i]];
    if (p >= 0) {
      buf[p] = dev ? __builtin_fabs(a[i] - centre) : a[i];
      slot[keys[i]] = p + 1;
    }
  }
}

/**
 * windowDeviations' pass: the deviations |a − centre| in [d1, d2] kept in buf, in order; returns
 * how many, and writes how many lay below d1 at *below.
 */
__attribute__((export_name("window_deviations")))
i32 window_deviations(const double *a, i32 n, double centre, double d1, double d2, double *buf, i32 *below) {
  i32 b = 0, k = 0;
  for (i32 i = 0; i < n; i++) {
    const double d = __builtin_fabs(a[i] - centre);
    if (d < d1) b++;
    else if (d <= d2) buf[k++] = d;
  }
  *below = b;
  return k;
}

/**
 * v[0..n) (no NaN) in Float64Array.prototype.sort's order into out, for one object's quantiles:
 * radix_sort of the values' bits. (A counting sort on equal steps of the object's range, then
 * insertion, the TypeScript's way, spent 1.5× as long on corrected objects, whose values crowd
 * into a few steps: half of them ran out of the insertion's budget and were sorted again.) key,
 * tk: scratch of n.
 */
static void unit_sort(const double *v, i32 n, double *out, u64 *key, u64 *tk) {
  for (i32 i = 0; i < n; i++) key[i] = float_key(v[i]);
  const u64 *s = radix_sort(key, 0, tk, 0, n) ? tk : key;
  for (i32 i = 0; i < n; i++) out[i] = key_float(s[i]);
}

/** unitSort.ts's sortedQuantile: position q·n of s[0..n) (n ≥ 1), linear with the next value, the last when there is none */
static double sorted_quantile(const double *s, i32 n, double q) {
  const double pos = n * q;
  const i32 i = (i32)__builtin_floor(pos);
  const double f = pos - i;
  return i < n - 1 ? s[i] * (1 - f) + s[i + 1] * f : s[i < n - 1 ? i : n - 1];
}

/** unitSort.ts's sortedMad with no NaN: the median of |s − m| by merging outward from m */
static double sorted_mad(const double *s, i32 n, double m) {
  const double pos = n * 0.5;
  const i32 i = (i32)__builtin_floor(pos);
  const double f = pos - i;
  const i32 need = i < n - 1 ? i + 1 : i;
  i32 r = i < 0 ? 0 : i > n ? n : i;
  while (r > 0 && s[r - 1] >= m) r--;
  while (r < n && s[r] < m) r++;
  i32 l = r - 1;
  double di = 0, dnext = 0;
  for (i32 t = 0; t <= need; t++) {
    const int left = l >= 0 && (r >= n || __builtin_fabs(s[l] - m) <= __builtin_fabs(s[r] - m));
    const double d = left ? __builtin_fabs(s[l--] - m) : __builtin_fabs(s[r++] - m);
    if (t == i) di = d;
    else if (t > i) dnext = d;
  }
  return i < n - 1 ? di * (1 - f) + dnext * f : di;
}

/** unit_sort for sortUnit (unitSort.ts): src[0..n) to out; returns 1 for a NaN (out then undefined) */
__attribute__((export_name("sort_unit")))
i32 sort_unit(const double *src, i32 n, double *out) {
  for (i32 i = 0; i < n; i++)
    if (src[i] != src[i]) return 1;
  if (!n) return 0;
  uintptr_t mark = arena_mark();
  u64 *key = arena_take(8u * n), *tk = arena_take(8u * n);
  unit_sort(src, n, out, key, tk);
  arena_release(mark);
  return 0;
}

/**
 * MeasureObjectIntensity's quartiles and MAD of each object (values[start[k]..start[k+1]), its
 * pixels' values as the caller gathered them): sorted by unit_sort, then sortedQuantile and
 * sortedMad. An object with a NaN (or no pixel) gets nan[k] = 1 and is left to the caller.
 */
__attribute__((export_name("object_quartiles")))
void object_quartiles(const double *values, const i32 *start, i32 nobj, double *lq, double *med, double *uq, double *mad, i32 *nan) {
  i32 most = 0;
  for (i32 k = 0; k < nobj; k++)
    if (start[k + 1] - start[k] > most) most = start[k + 1] - start[k];
  uintptr_t mark = arena_mark();
  double *s = arena_take(8u * most);
  u64 *key = arena_take(8u * most), *tk = arena_take(8u * most);
  for (i32 k = 0; k < nobj; k++) {
    const i32 a = start[k + 1] - start[k];
    const double *v = values + start[k];
    int bad = a == 0;
    for (i32 p = 0; p < a; p++)
      if (v[p] != v[p]) bad = 1;
    nan[k] = bad;
    if (bad) continue;
    unit_sort(v, a, s, key, tk);
    const double m = sorted_quantile(s, a, 0.5);
    lq[k] = sorted_quantile(s, a, 0.25);
    med[k] = m;
    uq[k] = sorted_quantile(s, a, 0.75);
    mad[k] = sorted_mad(s, a, m);
  }
  arena_release(mark);
}
