// Sorting float64 values by their bits, shared by the kernels that put a whole image's pixels in
// order (sort.c's ranks and sorted values, granularity.c's max-tree order).
#pragma once
#include "arena.h"

/**
 * A key ordering float64 values as Float64Array.prototype.sort does (−0 before +0; NaN, which
 * has no place there, at the ends by its sign): negatives' bits flipped, the others' sign bit set.
 */
static inline u64 float_key(double v) {
  u64 b;
  __builtin_memcpy(&b, &v, 8);
  return (b >> 63) ? ~b : b | 0x8000000000000000ull;
}

/** float_key's inverse */
static inline double key_float(u64 k) {
  u64 b = (k >> 63) ? k & 0x7fffffffffffffffull : ~k;
  double v;
  __builtin_memcpy(&v, &b, 8);
  return v;
}

/**
 * LSD radix sort of n 64-bit keys ascending, each carrying its i32 index (index null: keys
 * alone), stable: 8-bit digits (the scatter's 256 targets stay in cache), all eight counted in one
 * read, a digit shared by every key skipped. key/index hold the input, tk/ti scratch of n; returns
 * 0 when the result is in key/index, 1 when it is in tk/ti.
 */
static int radix_sort(u64 *key, i32 *index, u64 *tk, i32 *ti, i32 n) {
  u32 count[8][256];
  __builtin_memset(count, 0, sizeof count);
  for (i32 i = 0; i < n; i++) {
    u64 k = key[i];
    for (int d = 0; d < 8; d++) count[d][(k >> (8 * d)) & 255]++;
  }
  int swapped = 0;
  for (int d = 0; d < 8; d++) {
    u32 *c = count[d];
    const int s = 8 * d;
    if (!n || c[(key[0] >> s) & 255] == (u32)n) continue;
    for (u32 j = 0, sum = 0; j < 256; j++) {
      u32 t = c[j];
      c[j] = sum;
      sum += t;
    }
    if (index)
      for (i32 t = 0; t < n; t++) {
        u64 k = key[t];
        u32 q = c[(k >> s) & 255]++;
        tk[q] = k;
        ti[q] = index[t];
      }
    else
      for (i32 t = 0; t < n; t++) {
        u64 k = key[t];
        tk[c[(k >> s) & 255]++] = k;
      }
    u64 *sk = key; key = tk; tk = sk;
    i32 *si = index; index = ti; ti = si;
    swapped ^= 1;
  }
  return swapped;
}
