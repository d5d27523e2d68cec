// Whole-image passes of the Image_ measurements (core/features/tubeness.ts,
// thresholdStep.ts, quality.ts, image.ts): scipy's Gaussian along y and x, the tubeness Hessian,
// and the counting and summing passes of the threshold steps and MeasureImageQuality. Each value
// takes the TypeScript loops' products and sums in their order (f64x2 lanes are independent
// pixels), with no fused multiply-add (WebAssembly has none), so every output is the same bits.
#include <wasm_simd128.h>
#include "arena.h"

typedef double v2 __attribute__((vector_size(16), aligned(8)));

static inline v2 load2(const double *p) { return *(const v2 *)p; }
static inline void store2(double *p, v2 v) { *(v2 *)p = v; }
static inline v2 splat(double a) { return (v2){a, a}; }

/** scipy's 'reflect' index (d c b a | a b c d) of i in 0 … n − 1 */
static i32 reflect(i32 i, i32 n) {
  if (n == 1) return 0;
  const i32 period = 2 * n;
  i32 j = i % period;
  if (j < 0) j += period;
  return j < n ? j : period - 1 - j;
}

/**
 * correlate1d along y of a w×h image with the 2r + 1 weights k: per output the centre weight's
 * product, then pair 1, 2, … (rows y − j and y + j, each reflected or 0 outside in constant mode).
 */
static void along_y(const double *src, double *out, i32 w, i32 h, const double *k, i32 r, i32 constant) {
  uintptr_t mark = arena_mark();
  double *zero = arena_take(8u * (w + 2));
  __builtin_memset(zero, 0, 8u * (w + 2));
  const double **rows = arena_take(sizeof(double *) * (2 * r + 2));
  const double c = k[r];
  for (i32 y = 0; y < h; y++) {
    const double *s = src + (uintptr_t)y * w;
    double *o = out + (uintptr_t)y * w;
    for (i32 j = 1; j <= r; j++) {
      const i32 a = y - j, b = y + j;
      rows[2 * j] = a >= 0 && a < h ? src + (uintptr_t)a * w : constant ? zero : src + (uintptr_t)reflect(a, h) * w;
      rows[2 * j + 1] = b >= 0 && b < h ? src + (uintptr_t)b * w : constant ? zero : src + (uintptr_t)reflect(b, h) * w;
    }
    i32 x = 0;
    for (; x + 4 <= w; x += 4) {
      v2 t0 = load2(s + x) * splat(c), t1 = load2(s + x + 2) * splat(c);
      for (i32 j = 1; j <= r; j++) {
        const double *a = rows[2 * j], *b = rows[2 * j + 1];
        const v2 kj = splat(k[r + j]);
        t0 += (load2(a + x) + load2(b + x)) * kj;
        t1 += (load2(a + x + 2) + load2(b + x + 2)) * kj;
      }
      store2(o + x, t0);
      store2(o + x + 2, t1);
    }
    for (; x < w; x++) {
      double t = s[x] * c;
      for (i32 j = 1; j <= r; j++) t += (rows[2 * j][x] + rows[2 * j + 1][x]) * k[r + j];
      o[x] = t;
    }
  }
  arena_release(mark);
}

/** correlate1d along x, as along_y: each row padded by r reflected (or zero) values each side */
static void along_x(const double *src, double *out, i32 w, i32 h, const double *k, i32 r, i32 constant) {
  uintptr_t mark = arena_mark();
  double *line = arena_take(8u * (w + 2 * r));
  const double c = k[r];
  for (i32 y = 0; y < h; y++) {
    const double *s = src + (uintptr_t)y * w;
    double *o = out + (uintptr_t)y * w;
    __builtin_memcpy(line + r, s, 8u * w);
    for (i32 i = 1; i <= r; i++) {
      line[r - i] = constant ? 0 : s[reflect(-i, w)];
      line[r + w - 1 + i] = constant ? 0 : s[reflect(w - 1 + i, w)];
    }
    i32 i = 0;
    for (; i + 4 <= w; i += 4) {
      const double *m = line + i + r;
      v2 t0 = load2(m) * splat(c), t1 = load2(m + 2) * splat(c);
      for (i32 j = 1; j <= r; j++) {
        const v2 kj = splat(k[r + j]);
        t0 += (load2(m - j) + load2(m + j)) * kj;
        t1 += (load2(m + 2 - j) + load2(m + 2 + j)) * kj;
      }
      store2(o + i, t0);
      store2(o + i + 2, t1);
    }
    for (; i < w; i++) {
      const double *m = line + i + r;
      double t = m[0] * c;
      for (i32 j = 1; j <= r; j++) t += (m[-j] + m[j]) * k[r + j];
      o[i] = t;
    }
  }
  arena_release(mark);
}

/** gaussianFilter: along y into scratch, then along x into out */
static void gaussian(const double *src, double *out, i32 w, i32 h, const double *k, i32 r, i32 constant) {
  uintptr_t mark = arena_mark();
  double *t = arena_take(8u * w * h);
  along_y(src, t, w, h, k, r, constant);
  along_x(t, out, w, h, k, r, constant);
  arena_release(mark);
}

/** tubeness' value at pixel i of the smoothed image s (inY, inX: not on the top/bottom, left/right border) */
static inline double tube_at(const double *s, i32 i, i32 w, i32 inY, i32 inX, double sigma) {
  const double A = inY ? s[i - w] - 2 * s[i] + s[i + w] : 0;
  const double B = inY && inX ? (s[i + w + 1] + s[i - w - 1] - s[i + w - 1] - s[i - w + 1]) / 4 : 0;
  const double C = inX ? s[i - 1] - 2 * s[i] + s[i + 1] : 0;
  const double b = -(A + C), c = A * C - B * B;
  const double root = __builtin_sqrt(b * b - 4 * c);
  const double l0 = (-b + root) / 2, l1 = (-b - root) / 2;
  const double l = __builtin_fabs(l1) > __builtin_fabs(l0) ? l1 : l0;
  return l < 0 ? -l * sigma * sigma : 0;
}

/**
 * tubeness.ts's Hessian of the smoothed image s: per pixel the eigenvalue of larger magnitude
 * where it is negative, times σ², then the image's min … max stretched to 0 … 1. Inside the
 * border two pixels at a time, each lane with tube_at's operations. The values are never NaN
 * and never −0, so the extremes do not depend on the order they are taken in.
 */
__attribute__((export_name("tubeness")))
void tubeness(const double *u, double *out, i32 w, i32 h, const double *k, i32 r, double sigma) {
  uintptr_t mark = arena_mark();
  double *s = arena_take(8u * w * h);
  gaussian(u, s, w, h, k, r, 0);
  double min = __builtin_inf(), max = -__builtin_inf();
  v128_t vmin = wasm_f64x2_splat(min), vmax = wasm_f64x2_splat(max);
  const v128_t two = wasm_f64x2_splat(2), four = wasm_f64x2_splat(4), sg = wasm_f64x2_splat(sigma), zero = wasm_f64x2_splat(0);
  for (i32 y = 0; y < h; y++) {
    const i32 inY = y > 0 && y < h - 1;
    i32 x = 0;
    if (inY)
      for (x = 1; x + 2 <= w - 1; x += 2) {
        const double *p = s + y * w + x;
        const v128_t c0 = wasm_v128_load(p), up = wasm_v128_load(p - w), dn = wasm_v128_load(p + w);
        const v128_t A = wasm_f64x2_add(wasm_f64x2_sub(up, wasm_f64x2_mul(two, c0)), dn);
        const v128_t B = wasm_f64x2_div(wasm_f64x2_sub(wasm_f64x2_sub(wasm_f64x2_add(wasm_v128_load(p + w + 1), wasm_v128_load(p - w - 1)), wasm_v128_load(p + w - 1)), wasm_v128_load(p - w + 1)), four);
        const v128_t C = wasm_f64x2_add(wasm_f64x2_sub(wasm_v128_load(p - 1), wasm_f64x2_mul(two, c0)), wasm_v128_load(p + 1));
        const v128_t b = wasm_f64x2_neg(wasm_f64x2_add(A, C)), c = wasm_f64x2_sub(wasm_f64x2_mul(A, C), wasm_f64x2_mul(B, B));
        const v128_t root = wasm_f64x2_sqrt(wasm_f64x2_sub(wasm_f64x2_mul(b, b), wasm_f64x2_mul(four, c)));
        const v128_t nb = wasm_f64x2_neg(b);
        const v128_t l0 = wasm_f64x2_div(wasm_f64x2_add(nb, root), two), l1 = wasm_f64x2_div(wasm_f64x2_sub(nb, root), two);
        const v128_t l = wasm_v128_bitselect(l1, l0, wasm_f64x2_gt(wasm_f64x2_abs(l1), wasm_f64x2_abs(l0)));
        const v128_t v = wasm_v128_bitselect(wasm_f64x2_mul(wasm_f64x2_mul(wasm_f64x2_neg(l), sg), sg), zero, wasm_f64x2_lt(l, zero));
        wasm_v128_store(out + y * w + x, v);
        vmin = wasm_f64x2_min(vmin, v);
        vmax = wasm_f64x2_max(vmax, v);
      }
    for (i32 t = 0; t < w; t++) {
      if (inY && t >= 1 && t < x) continue;
      const i32 i = y * w + t;
      const double v = tube_at(s, i, w, inY, t > 0 && t < w - 1, sigma);
      out[i] = v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  for (int lane = 0; lane < 2; lane++) {
    const double a = wasm_f64x2_extract_lane(vmin, 0), b = wasm_f64x2_extract_lane(vmax, 0);
    const double a1 = wasm_f64x2_extract_lane(vmin, 1), b1 = wasm_f64x2_extract_lane(vmax, 1);
    const double lo = lane ? a1 : a, hi = lane ? b1 : b;
    if (lo < min) min = lo;
    if (hi > max) max = hi;
  }
  const i32 n = w * h;
  if (max > min) {
    for (i32 i = 0; i < n; i++) out[i] = (out[i] - min) / (max - min);
  } else {
    double f = min > 0 ? min : 0;
    f = f < 1 ? f : 1;
    for (i32 i = 0; i < n; i++) out[i] = f;
  }
  arena_release(mark);
}

/**
 * Haralick correlation's quantised image (quality.ts): level table[levels[i]] per pixel on the
 * 16-bit grid (levels non-null), else ⌊(u − min)/div/0.125⌋ clamped to 0 … 7 (NaN: 0, as a
 * Uint8Array stores it). Returns the number of levels used (the highest level + 1).
 */
__attribute__((export_name("quantize8")))
i32 quantize8(const double *u, const uint16_t *levels, const unsigned char *table, i32 n, double min, double div, unsigned char *q) {
  if (levels)
    for (i32 i = 0; i < n; i++) q[i] = table[levels[i]];
  else
    for (i32 i = 0; i < n; i++) {
      const double t = __builtin_floor((u[i] - min) / div / 0.125);
      q[i] = t >= 7 ? 7 : t > 0 ? (unsigned char)t : 0;
    }
  u32 top = 0;
  for (i32 i = 0; i < n; i++) top |= 1u << q[i];
  return 32 - __builtin_clz(top | 1);
}

/** counts[a·8 + b] of the pixel pairs (y, x), (y, x + scale) with levels a, b (integer counts: any order) */
__attribute__((export_name("pair_counts")))
void pair_counts(const unsigned char *q, i32 w, i32 h, i32 scale, i32 *counts) {
  // four tables in turn, so that runs of the same pair do not wait on each other's increments
  i32 c[256];
  __builtin_memset(c, 0, sizeof c);
  const i32 span = w - scale;
  for (i32 y = 0; y < h; y++) {
    const unsigned char *p = q + (uintptr_t)y * w, *r = p + scale;
    i32 x = 0;
    for (; x + 3 < span; x += 4) {
      c[(p[x] << 3) | r[x]]++;
      c[64 | (p[x + 1] << 3) | r[x + 1]]++;
      c[128 | (p[x + 2] << 3) | r[x + 2]]++;
      c[192 | (p[x + 3] << 3) | r[x + 3]]++;
    }
    for (; x < span; x++) c[(p[x] << 3) | r[x]]++;
  }
  for (i32 t = 0; t < 64; t++) counts[t] = c[t] + c[64 + t] + c[128 + t] + c[192 + t];
}

/**
 * thresholdStep.ts's classHistograms, the pixels binned by their exponent itself: counts
 * (background 0 … 255, foreground 256 … 511) of every exponent farther than margin from the
 * edges and the ends; the others' indices go to exact (their count returned) for the two calls.
 */
__attribute__((export_name("class_histograms")))
i32 class_histograms(const double *x, const unsigned char *fg, i32 n, double lower, double low_end, double high_end, double norm, const double *edges, i32 *counts, i32 *exact, double margin) {
  const i32 bins = 256;
  i32 m = 0;
  for (i32 i = 0; i < n; i++) {
    const double e = x[i];
    i32 k = -1;
    if (e > low_end && e < high_end) {
      k = (i32)((e - lower) * norm);
      if (k >= bins) k = bins - 1;
      while (k > 0 && e < edges[k]) k--;
      while (k < bins - 1 && e >= edges[k + 1]) k++;
      if (e - edges[k] < margin || edges[k + 1] - e < margin) k = -1;
    }
    if (k < 0) exact[m++] = i;
    else counts[fg[i] * bins + k]++;
  }
  return m;
}

/**
 * The threshold step's foreground with smoothing (thresholdStep.ts): u smoothed by the Gaussian
 * (constant mode) over the same Gaussian of an image of ones (the weight inside the image, one
 * value per row from the pass along y, each distinct row then filtered along x), + 2⁻⁵², ≥ final.
 * Writes fg (1 / 0); returns the foreground's pixel count.
 */
__attribute__((export_name("smoothed_foreground")))
i32 smoothed_foreground(const double *u, i32 w, i32 h, const double *k, i32 r, double final, unsigned char *fg) {
  uintptr_t mark = arena_mark();
  double *sm = arena_take(8u * w * h), *ones = arena_take(8u * (h > w ? h : w)), *col = arena_take(8u * h), *bleed = arena_take(8u * w);
  gaussian(u, sm, w, h, k, r, 1);
  for (i32 y = 0; y < h; y++) ones[y] = 1;
  along_y(ones, col, 1, h, k, r, 1);
  i32 nf = 0;
  for (i32 y = 0; y < h; y++) {
    if (!y || col[y] != col[y - 1]) {
      for (i32 x = 0; x < w; x++) ones[x] = col[y];
      along_x(ones, bleed, w, 1, k, r, 1);
    }
    const double *s = sm + (uintptr_t)y * w;
    unsigned char *f = fg + (uintptr_t)y * w;
    for (i32 x = 0; x < w; x++) nf += f[x] = s[x] / (bleed[x] + 0x1p-52) >= final ? 1 : 0;
  }
  arena_release(mark);
  return nf;
}

/**
 * classVariances' sums (thresholdStep.ts): t = fv[levels[i]] on the 16-bit grid (levels non-null),
 * else fv[i]; per class (fg 0 / 1) the count and Σ(t − mean)², each summed in pixel order.
 * out: n0, n1, q0, q1.
 */
__attribute__((export_name("class_variances")))
void class_variances(const double *fv, const uint16_t *levels, const unsigned char *fg, i32 n, double *out) {
  i32 n1 = 0;
  double s0 = 0, s1 = 0;
  for (i32 i = 0; i < n; i++) {
    const double t = levels ? fv[levels[i]] : fv[i];
    if (fg[i]) {
      n1++;
      s1 += t;
    } else s0 += t;
  }
  const i32 n0 = n - n1;
  const double m0 = s0 / n0, m1 = s1 / n1;
  double q0 = 0, q1 = 0;
  for (i32 i = 0; i < n; i++) {
    const double t = levels ? fv[levels[i]] : fv[i];
    if (fg[i]) q1 += (t - m1) * (t - m1);
    else q0 += (t - m0) * (t - m0);
  }
  out[0] = n0;
  out[1] = n1;
  out[2] = q0;
  out[3] = q1;
}

/** acc[base + j] += the pixels of row o's tile runs (column j: x = from[j] … from[j + 1] − 1), or their squared deviations from mu[base + j] */
static void add_runs(const double *u, const i32 *from, i32 nn, double *acc, const double *mu) {
  for (i32 j = 0; j < nn; j++) {
    double s = acc[j];
    const double *p = u + from[j], *e = u + from[j + 1];
    if (mu) {
      const double m = mu[j];
      for (; p < e; p++) s += (*p - m) * (*p - m);
    } else
      for (; p < e; p++) s += *p;
    acc[j] = s;
  }
}

/**
 * LocalFocusScore's tile sums (image.ts): the mean of each tile (NaN where empty; row y in tile
 * row row_of[y], column runs from) and the sum of its squared deviations from it, each summed
 * pixel by pixel in raster order.
 */
__attribute__((export_name("tile_moments")))
void tile_moments(const double *u, i32 w, i32 h, const i32 *row_of, const i32 *from, i32 nn, i32 tiles, const double *cnt, double *lm, double *sq) {
  for (i32 g = 0; g < tiles; g++) lm[g] = sq[g] = 0;
  for (i32 y = 0; y < h; y++) add_runs(u + (uintptr_t)y * w, from, nn, lm + (uintptr_t)row_of[y] * nn, 0);
  for (i32 g = 0; g < tiles; g++) lm[g] = cnt[g] != 0 ? lm[g] / cnt[g] : __builtin_nan("");
  for (i32 y = 0; y < h; y++) add_runs(u + (uintptr_t)y * w, from, nn, sq + (uintptr_t)row_of[y] * nn, lm + (uintptr_t)row_of[y] * nn);
}

/** the indices of the pixels labelled 0 (outside every object), ascending, into out; returns their count */
__attribute__((export_name("unlabelled")))
i32 unlabelled(const i32 *labels, i32 n, i32 *out) {
  i32 m = 0;
  for (i32 i = 0; i < n; i++) {
    out[m] = i;
    m += labels[i] == 0;
  }
  return m;
}

/**
 * smooth_with_noise's exponents on the 16-bit grid (thresholdStep.ts mixedExponents): per pixel
 * up[l]·r + (1 − r)·at[l] of its level l and noise r, with their extremes (minmax: min, max, kept
 * first-found as the TypeScript comparisons keep them).
 */
__attribute__((export_name("mix_levels")))
void mix_levels(const uint16_t *levels, const double *up, const double *at, const double *r, i32 n, double *x, double *minmax) {
  double xmin = __builtin_inf(), xmax = -__builtin_inf();
  for (i32 i = 0; i < n; i++) {
    const i32 l = levels[i];
    const double e = up[l] * r[i] + (1 - r[i]) * at[l];
    x[i] = e;
    if (e < xmin) xmin = e;
    if (e > xmax) xmax = e;
  }
  minmax[0] = xmin;
  minmax[1] = xmax;
}

/** the indices of the exponents ≤ near_min or ≥ near_max, ascending, into out; returns their count */
__attribute__((export_name("near_ends")))
i32 near_ends(const double *x, i32 n, double near_min, double near_max, i32 *out) {
  i32 m = 0;
  for (i32 i = 0; i < n; i++) {
    out[m] = i;
    m += x[i] <= near_min || x[i] >= near_max;
  }
  return m;
}
