// segment/filters.ts's separable Gaussian blur. Each output pixel sums its taps in kernel order,
// in doubles, from 0 (so −0 sums as the TypeScript's do), then rounds to float32; two pixels go
// through the same operations at once in the f64x2 lanes, with no fused multiply-add (WebAssembly
// has none), so every pixel is the same bits as the scalar loop's.
#include <wasm_simd128.h>
#include "arena.h"

static inline i32 mirror(i32 i, i32 n) {
  if (i < 0) return -i - 1 < n - 1 ? -i - 1 : n - 1;
  if (i >= n) return 2 * n - i - 1 > 0 ? 2 * n - i - 1 : 0;
  return i;
}

/** the horizontal pass of row y into dst (float32-rounded, held as doubles); line holds width + 2r doubles */
static void blur_row(const float *src, i32 width, i32 y, const double *k, i32 r, double *line, double *dst) {
  const float *row = src + (uintptr_t)y * width;
  for (i32 t = 0; t < width + 2 * r; t++) line[t] = row[mirror(t - r, width)];
  const i32 nt = 2 * r + 1;
  i32 x = 0;
  for (; x + 2 <= width; x += 2) {
    v128_t acc = wasm_f64x2_splat(0);
    for (i32 j = 0; j < nt; j++) acc = wasm_f64x2_add(acc, wasm_f64x2_mul(wasm_f64x2_splat(k[j]), wasm_v128_load(line + x + j)));
    wasm_v128_store(dst + x, wasm_f64x2_promote_low_f32x4(wasm_f32x4_demote_f64x2_zero(acc)));
  }
  for (; x < width; x++) {
    double acc = 0;
    for (i32 j = 0; j < nt; j++) acc += k[j] * line[x + j];
    dst[x] = (float)acc;
  }
}

/**
 * gaussianBlur (filters.ts) of width × height float32 src into out with the 2r + 1 taps k: the
 * horizontal rows live in a ring of 2r + 1 rows (the window of one output row: mirrored rows stay
 * inside it), so the intermediate image never leaves the cache.
 */
__attribute__((export_name("gaussian_blur")))
void gaussian_blur(const float *src, i32 width, i32 height, const double *k, i32 r, float *out) {
  uintptr_t mark = arena_mark();
  const i32 n = 2 * r + 1;
  double *line = arena_take(8u * (width + 2 * r + 2));
  double *ring = arena_take(8u * n * width);
  // which image row each ring slot holds
  i32 *held = arena_take(4u * n);
  const double **rows = arena_take(sizeof(double *) * n);
  for (i32 j = 0; j < n; j++) held[j] = -1;
  for (i32 y = 0; y < height; y++) {
    for (i32 j = 0; j < n; j++) {
      const i32 t = mirror(y + j - r, height), slot = t % n;
      if (held[slot] != t) {
        blur_row(src, width, t, k, r, line, ring + (uintptr_t)slot * width);
        held[slot] = t;
      }
      rows[j] = ring + (uintptr_t)slot * width;
    }
    float *o = out + (uintptr_t)y * width;
    i32 x = 0;
    for (; x + 2 <= width; x += 2) {
      v128_t acc = wasm_f64x2_splat(0);
      for (i32 j = 0; j < n; j++) acc = wasm_f64x2_add(acc, wasm_f64x2_mul(wasm_f64x2_splat(k[j]), wasm_v128_load(rows[j] + x)));
      v128_t f = wasm_f32x4_demote_f64x2_zero(acc);
      wasm_v128_store64_lane(o + x, f, 0);
    }
    for (; x < width; x++) {
      double acc = 0;
      for (i32 j = 0; j < n; j++) acc += k[j] * rows[j][x];
      o[x] = (float)acc;
    }
  }
  arena_release(mark);
}

// The maximum filter: every maximum is `a > b ? a : b` as in filters.ts, which is f32x4.pmax(b, a)
// lane by lane (b < a ? a : b), so ±0 and NaN come out as the TypeScript's do.
static inline float pmax(float b, float a) { return b < a ? a : b; }

/**
 * Running maximum of window 2r + 1 along one row of len values, edges clipped (as if padded
 * with −∞): van Herk / Gil–Werman. g and hh hold len + 2r values.
 */
static void row_max(const float *src, float *dst, i32 len, i32 r, float *g, float *hh) {
  const i32 k = 2 * r + 1, m = len + 2 * r;
  for (i32 t = 0; t < m; t++) g[t] = -__builtin_inff();
  for (i32 t = 0; t < len; t++) g[r + t] = src[t];
  for (i32 t = 0; t < m; t++) hh[t] = g[t];
  // padded index t ↔ value t − r; maxima from each block's start (g) and to its end (hh)
  for (i32 b = 0; b < m; b += k) {
    const i32 e = m < b + k ? m : b + k;
    for (i32 t = b + 1; t < e; t++) g[t] = pmax(g[t], g[t - 1]);
    for (i32 t = e - 2; t >= b; t--) hh[t] = pmax(hh[t], hh[t + 1]);
  }
  // window of value x is padded [x, x + 2r]
  for (i32 x = 0; x < len; x++) dst[x] = pmax(g[x + k - 1], hh[x]);
}

/** dst[x] = pmax(b[x], a[x]) over a row */
static void row_pmax(float *dst, const float *b, const float *a, i32 width) {
  i32 x = 0;
  for (; x + 4 <= width; x += 4) wasm_v128_store(dst + x, wasm_f32x4_pmax(wasm_v128_load(b + x), wasm_v128_load(a + x)));
  for (; x < width; x++) dst[x] = pmax(b[x], a[x]);
}

/** maxFilter (filters.ts): the square maximum filter of half-width r, separable, edges clipped */
__attribute__((export_name("max_filter")))
void max_filter(const float *src, i32 width, i32 height, i32 r, float *out) {
  uintptr_t mark = arena_mark();
  const uintptr_t n = (uintptr_t)width * height;
  float *tmp = arena_take(4u * n), *gr = arena_take(4u * n), *hr = arena_take(4u * n);
  float *g = arena_take(4u * (width + 2 * r)), *hh = arena_take(4u * (width + 2 * r));
  for (i32 y = 0; y < height; y++) row_max(src + (uintptr_t)y * width, tmp + (uintptr_t)y * width, width, r, g, hh);
  // columns, along whole rows: van Herk over blocks of k rows (running maxima from each block's
  // first row, gr, and to its last, hr); a full window spans the end of one block and the start
  // of the next. Clipped windows (the r rows at either edge) take their rows directly.
  const i32 k = 2 * r + 1;
  for (i32 b = 0; b < height; b += k) {
    const i32 e = height < b + k ? height : b + k;
    __builtin_memcpy(gr + (uintptr_t)b * width, tmp + (uintptr_t)b * width, 4u * width);
    for (i32 t = b + 1; t < e; t++) {
      const uintptr_t o = (uintptr_t)t * width;
      row_pmax(gr + o, gr + o - width, tmp + o, width);
    }
    __builtin_memcpy(hr + (uintptr_t)(e - 1) * width, tmp + (uintptr_t)(e - 1) * width, 4u * width);
    for (i32 t = e - 2; t >= b; t--) {
      const uintptr_t o = (uintptr_t)t * width;
      row_pmax(hr + o, hr + o + width, tmp + o, width);
    }
  }
  for (i32 y = 0; y < height; y++) {
    float *o = out + (uintptr_t)y * width;
    if (y >= r && y + r < height) {
      row_pmax(o, gr + (uintptr_t)(y + r) * width, hr + (uintptr_t)(y - r) * width, width);
      continue;
    }
    const i32 lo = y - r > 0 ? y - r : 0, hi = y + r < height - 1 ? y + r : height - 1;
    __builtin_memcpy(o, tmp + (uintptr_t)lo * width, 4u * width);
    for (i32 t = lo + 1; t <= hi; t++) row_pmax(o, o, tmp + (uintptr_t)t * width, width);
  }
  arena_release(mark);
}
