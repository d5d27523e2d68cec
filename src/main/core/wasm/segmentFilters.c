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
