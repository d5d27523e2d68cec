// MeasureImageQuality's power spectrum (core/features/fft.ts, quality.ts): the DFTs of any length
// (radix 2, mixed radix 2/3/5/7, Bluestein) over plans whose twiddles fft.ts computes with
// Math.cos/sin, the 2-D DFT of a real image at a set of columns, and the sums of |F| and |F|² over
// rps' folded rings. Two independent sequences run at once, one per lane of an f64x2 (rows y…y+3,
// or two columns): each lane sees the products and sums of the scalar butterflies in the same
// order, and WebAssembly has no fused multiply-add, so the values are the same bits.
#include "arena.h"

typedef double v2 __attribute__((vector_size(16), aligned(16)));

static inline v2 splat(double a) { return (v2){a, a}; }

typedef double v2u __attribute__((vector_size(16), aligned(8)));
static inline v2 load2(const double *p) { return *(const v2u *)p; }

/*
 * Plans, laid out by fft.ts (i32 words; pointers into this memory):
 *   radix 2:   kind 0, n, tr, ti — the stages' twiddles concatenated (stage len at len/2 − 1)
 *   mixed:     kind 1, n, passes, perm, cr, ci, pass — perm: digit reversal; cr/ci: the n-point
 *              twiddles; pass: per pass p, size, stride, wq, wr, wi (the butterfly weights)
 *   Bluestein: kind 2, n, m, cr, ci, br, bi, forward, inverse — the chirp, its m-point transform,
 *              and the radix-2 plans of length m
 */
typedef struct { i32 kind, n; } Plan;
typedef struct { i32 kind, n; const double *tr, *ti; } Radix2;
typedef struct { i32 p, size, stride; const i32 *wq; const double *wr, *wi; } Pass;
typedef struct { i32 kind, n, passes; const i32 *perm; const double *cr, *ci; const Pass *pass; } Mixed;
typedef struct { i32 kind, n, m; const double *cr, *ci, *br, *bi; const Plan *forward, *inverse; } Bluestein;

static void radix2(const Radix2 *P, v2 *re, v2 *im) {
  const i32 n = P->n;
  for (i32 i = 1, j = 0; i < n; i++) {
    i32 bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      v2 t = re[i]; re[i] = re[j]; re[j] = t;
      t = im[i]; im[i] = im[j]; im[j] = t;
    }
  }
  for (i32 len = 2; len <= n; len <<= 1) {
    const i32 half = len >> 1;
    const double *wr = P->tr + half - 1, *wi = P->ti + half - 1;
    for (i32 i = 0; i < n; i += len)
      for (i32 k = 0; k < half; k++) {
        const i32 a = i + k, b = a + half;
        const v2 c = splat(wr[k]), s = splat(wi[k]);
        const v2 xr = re[b] * c - im[b] * s, xi = re[b] * s + im[b] * c;
        re[b] = re[a] - xr; im[b] = im[a] - xi;
        re[a] += xr; im[a] += xi;
      }
  }
}

/*
 * The radix-2, 3 and 5 passes written out, as fft.ts had them: the same products and sums as the
 * general butterfly, products by the table's entry 0 (twiddles at k = 0) left out.
 */
static void pass2(v2 *tr, v2 *ti, const double *cr, const double *ci, i32 n, i32 len, i32 stride, const double *wr, const double *wi) {
  const v2 r1 = splat(wr[3]), i1 = splat(wi[3]);
  for (i32 b = 0; b < n; b += 2 * len)
    for (i32 k = 0; k < len; k++) {
      const i32 a0 = b + k, a1 = a0 + len, t1 = k * stride;
      const v2 x0r = tr[a0], x0i = ti[a0];
      v2 x1r = tr[a1], x1i = ti[a1];
      if (k) {
        const v2 c = splat(cr[t1]), s = splat(ci[t1]);
        const v2 r = x1r * c - x1i * s;
        x1i = x1r * s + x1i * c;
        x1r = r;
      }
      tr[a0] = x0r + x1r;
      ti[a0] = x0i + x1i;
      tr[a1] = x0r + (x1r * r1 - x1i * i1);
      ti[a1] = x0i + (x1r * i1 + x1i * r1);
    }
}

static inline void twiddle(v2 *xr, v2 *xi, double c0, double s0) {
  const v2 c = splat(c0), s = splat(s0);
  const v2 r = *xr * c - *xi * s;
  *xi = *xr * s + *xi * c;
  *xr = r;
}

static void pass3(v2 *tr, v2 *ti, const double *cr, const double *ci, i32 n, i32 len, i32 stride, const double *wr, const double *wi) {
  const v2 r11 = splat(wr[4]), i11 = splat(wi[4]), r12 = splat(wr[5]), i12 = splat(wi[5]);
  const v2 r21 = splat(wr[7]), i21 = splat(wi[7]), r22 = splat(wr[8]), i22 = splat(wi[8]);
  for (i32 b = 0; b < n; b += 3 * len)
    for (i32 k = 0; k < len; k++) {
      const i32 a0 = b + k, a1 = a0 + len, a2 = a1 + len, t1 = k * stride, t2 = 2 * k * stride;
      const v2 x0r = tr[a0], x0i = ti[a0];
      v2 x1r = tr[a1], x1i = ti[a1], x2r = tr[a2], x2i = ti[a2];
      if (k) {
        twiddle(&x1r, &x1i, cr[t1], ci[t1]);
        twiddle(&x2r, &x2i, cr[t2], ci[t2]);
      }
      tr[a0] = x0r + x1r + x2r;
      ti[a0] = x0i + x1i + x2i;
      tr[a1] = x0r + (x1r * r11 - x1i * i11) + (x2r * r12 - x2i * i12);
      ti[a1] = x0i + (x1r * i11 + x1i * r11) + (x2r * i12 + x2i * r12);
      tr[a2] = x0r + (x1r * r21 - x1i * i21) + (x2r * r22 - x2i * i22);
      ti[a2] = x0i + (x1r * i21 + x1i * r21) + (x2r * i22 + x2i * r22);
    }
}

static void pass5(v2 *tr, v2 *ti, const double *cr, const double *ci, i32 n, i32 len, i32 stride, const double *wr, const double *wi) {
  for (i32 b = 0; b < n; b += 5 * len)
    for (i32 k = 0; k < len; k++) {
      const i32 a0 = b + k, a1 = a0 + len, a2 = a1 + len, a3 = a2 + len, a4 = a3 + len;
      const i32 t1 = k * stride, t2 = 2 * k * stride, t3 = 3 * k * stride, t4 = 4 * k * stride;
      const v2 x0r = tr[a0], x0i = ti[a0];
      v2 x1r = tr[a1], x1i = ti[a1], x2r = tr[a2], x2i = ti[a2], x3r = tr[a3], x3i = ti[a3], x4r = tr[a4], x4i = ti[a4];
      if (k) {
        twiddle(&x1r, &x1i, cr[t1], ci[t1]);
        twiddle(&x2r, &x2i, cr[t2], ci[t2]);
        twiddle(&x3r, &x3i, cr[t3], ci[t3]);
        twiddle(&x4r, &x4i, cr[t4], ci[t4]);
      }
      tr[a0] = x0r + x1r + x2r + x3r + x4r;
      ti[a0] = x0i + x1i + x2i + x3i + x4i;
      for (i32 o = 1, at = a1; o < 5; o++, at += len) {
        const i32 q = o * 5;
        const v2 r1 = splat(wr[q + 1]), i1 = splat(wi[q + 1]), r2 = splat(wr[q + 2]), i2 = splat(wi[q + 2]);
        const v2 r3 = splat(wr[q + 3]), i3 = splat(wi[q + 3]), r4 = splat(wr[q + 4]), i4 = splat(wi[q + 4]);
        tr[at] = x0r + (x1r * r1 - x1i * i1) + (x2r * r2 - x2i * i2) + (x3r * r3 - x3i * i3) + (x4r * r4 - x4i * i4);
        ti[at] = x0i + (x1r * i1 + x1i * r1) + (x2r * i2 + x2i * r2) + (x3r * i3 + x3i * r3) + (x4r * i4 + x4i * r4);
      }
    }
}

/** a radix-p pass of any p ≤ 7: each input twiddled by w_size^(q·k), then the p-point DFT term by term */
static void pass_any(v2 *tr, v2 *ti, const double *cr, const double *ci, i32 n, const Pass *P) {
  const i32 p = P->p, size = P->size, stride = P->stride, span = size / p;
  v2 br[8], bi[8];
  for (i32 s0 = 0; s0 < n; s0 += size)
    for (i32 k = 0; k < span; k++) {
      for (i32 q = 0; q < p; q++) {
        const i32 at = s0 + q * span + k, t = q * k * stride;
        const v2 c = splat(cr[t]), s = splat(ci[t]);
        br[q] = tr[at] * c - ti[at] * s;
        bi[q] = tr[at] * s + ti[at] * c;
      }
      for (i32 o = 0; o < p; o++) {
        v2 sr = br[0], si = bi[0];
        for (i32 q = 1; q < p; q++) {
          const i32 t = P->wq[o * p + q];
          const v2 c = splat(cr[t]), s = splat(ci[t]);
          sr += br[q] * c - bi[q] * s;
          si += br[q] * s + bi[q] * c;
        }
        const i32 at = s0 + o * span + k;
        tr[at] = sr;
        ti[at] = si;
      }
    }
}

static void mixed(const Mixed *P, v2 *re, v2 *im) {
  const i32 n = P->n;
  uintptr_t mark = arena_mark();
  v2 *tr = arena_take(16u * n), *ti = arena_take(16u * n);
  for (i32 i = 0; i < n; i++) {
    tr[i] = re[P->perm[i]];
    ti[i] = im[P->perm[i]];
  }
  for (i32 f = 0; f < P->passes; f++) {
    const Pass *q = &P->pass[f];
    const i32 len = q->size / q->p;
    if (q->p == 2) pass2(tr, ti, P->cr, P->ci, n, len, q->stride, q->wr, q->wi);
    else if (q->p == 3) pass3(tr, ti, P->cr, P->ci, n, len, q->stride, q->wr, q->wi);
    else if (q->p == 5) pass5(tr, ti, P->cr, P->ci, n, len, q->stride, q->wr, q->wi);
    else pass_any(tr, ti, P->cr, P->ci, n, q);
  }
  __builtin_memcpy(re, tr, 16u * n);
  __builtin_memcpy(im, ti, 16u * n);
  arena_release(mark);
}

static void dft(const Plan *P, v2 *re, v2 *im);

static void bluestein(const Bluestein *P, v2 *re, v2 *im) {
  const i32 n = P->n, m = P->m;
  uintptr_t mark = arena_mark();
  v2 *ar = arena_take(16u * m), *ai = arena_take(16u * m);
  __builtin_memset(ar, 0, 16u * m);
  __builtin_memset(ai, 0, 16u * m);
  for (i32 k = 0; k < n; k++) {
    const v2 c = splat(P->cr[k]), s = splat(P->ci[k]);
    ar[k] = re[k] * c - im[k] * s;
    ai[k] = re[k] * s + im[k] * c;
  }
  dft(P->forward, ar, ai);
  for (i32 k = 0; k < m; k++) {
    const v2 c = splat(P->br[k]), s = splat(P->bi[k]);
    const v2 r = ar[k] * c - ai[k] * s;
    ai[k] = ar[k] * s + ai[k] * c;
    ar[k] = r;
  }
  dft(P->inverse, ar, ai);
  const v2 mm = splat((double)m);
  for (i32 k = 0; k < n; k++) {
    const v2 r = ar[k] / mm, i = ai[k] / mm;
    const v2 c = splat(P->cr[k]), s = splat(P->ci[k]);
    re[k] = r * c - i * s;
    im[k] = r * s + i * c;
  }
  arena_release(mark);
}

static void dft(const Plan *P, v2 *re, v2 *im) {
  if (P->kind == 0) radix2((const Radix2 *)P, re, im);
  else if (P->kind == 1) mixed((const Mixed *)P, re, im);
  else bluestein((const Bluestein *)P, re, im);
}

/** the plan's DFT of one sequence of n complex values (re, im: n doubles each), in place; fft.ts builds Bluestein's chirp transform with it */
__attribute__((export_name("dft1")))
void dft1(const Plan *P, double *re, double *im) {
  const i32 n = P->n;
  uintptr_t mark = arena_mark();
  v2 *xr = arena_take(16u * n), *xi = arena_take(16u * n);
  for (i32 k = 0; k < n; k++) {
    xr[k] = (v2){re[k], 0};
    xi[k] = (v2){im[k], 0};
  }
  dft(P, xr, xi);
  for (i32 k = 0; k < n; k++) {
    re[k] = xr[k][0];
    im[k] = xi[k][0];
  }
  arena_release(mark);
}

/**
 * The 2-D DFT of the real h×w image u/scale − shift at the columns cols (nc of them), as fft.ts's
 * fft2 made it (two real rows per complex row transform, split by the conjugate symmetry; then
 * each column), and the sums of |F| (mag) and |F|² (pow) over rings 2 … last − 1 of radius
 * ⌊√(min(y², (h−1−y)²) + min(x², (w−1−x)²))⌋ + 1, in raster order of (y, column).
 */
__attribute__((export_name("ring_spectrum")))
void ring_spectrum(const double *u, i32 w, i32 h, double scale, double shift, const Plan *rows, const Plan *columns, const i32 *cols, i32 nc, i32 last, double *mag, double *pow) {
  const i32 pairs = (nc + 1) / 2;
  // column pair c/2, lane c % 2: the spectrum's column cols[c] (h values)
  double *cre = arena_take(16u * h * pairs), *cim = arena_take(16u * h * pairs);
  // every entry of a real column is written below; an odd count's spare lane is transformed as zeros
  if (nc & 1) {
    __builtin_memset(cre + (uintptr_t)(pairs - 1) * h * 2, 0, 16u * h);
    __builtin_memset(cim + (uintptr_t)(pairs - 1) * h * 2, 0, 16u * h);
  }
  v2 *zr = arena_take(16u * w), *zi = arena_take(16u * w);
  // lane 0: rows y (real part) and y + 1 (imaginary part); lane 1: rows y + 2 and y + 3
  for (i32 y = 0; y < h; y += 4) {
    const i32 have[4] = {y < h, y + 1 < h, y + 2 < h, y + 3 < h};
    const double *r0 = u + (uintptr_t)y * w, *r1 = r0 + w, *r2 = r1 + w, *r3 = r2 + w;
    i32 x = 0;
    if (have[3]) {
      // four rows: each row's quotients two at a time, then regrouped into the lanes
      const v2 S = splat(scale), T = splat(shift);
      for (; x + 2 <= w; x += 2) {
        const v2 a = load2(r0 + x) / S - T, b = load2(r1 + x) / S - T, c = load2(r2 + x) / S - T, d = load2(r3 + x) / S - T;
        zr[x] = __builtin_shufflevector(a, c, 0, 2);
        zr[x + 1] = __builtin_shufflevector(a, c, 1, 3);
        zi[x] = __builtin_shufflevector(b, d, 0, 2);
        zi[x + 1] = __builtin_shufflevector(b, d, 1, 3);
      }
    }
    for (; x < w; x++) {
      zr[x] = (v2){r0[x] / scale - shift, have[2] ? r2[x] / scale - shift : 0};
      zi[x] = (v2){have[1] ? r1[x] / scale - shift : 0, have[3] ? r3[x] / scale - shift : 0};
    }
    dft(rows, zr, zi);
    for (i32 c = 0; c < nc; c++) {
      const i32 k = cols[c], m = k ? w - k : 0;
      const v2 ar = zr[k], ai = zi[k], br = zr[m], bi = -zi[m];
      const v2 re0 = (ar + br) / 2, im0 = (ai + bi) / 2, re1 = (ai - bi) / 2, im1 = -(ar - br) / 2;
      double *pr = cre + ((uintptr_t)(c >> 1) * h) * 2 + (c & 1), *pi = cim + ((uintptr_t)(c >> 1) * h) * 2 + (c & 1);
      pr[2 * y] = re0[0];
      pi[2 * y] = im0[0];
      if (have[1]) {
        pr[2 * y + 2] = re1[0];
        pi[2 * y + 2] = im1[0];
      }
      if (have[2]) {
        pr[2 * y + 4] = re0[1];
        pi[2 * y + 4] = im0[1];
      }
      if (have[3]) {
        pr[2 * y + 6] = re1[1];
        pi[2 * y + 6] = im1[1];
      }
    }
  }
  for (i32 p = 0; p < pairs; p++) dft(columns, (v2 *)cre + (uintptr_t)p * h, (v2 *)cim + (uintptr_t)p * h);
  for (i32 r = 0; r < last; r++) mag[r] = pow[r] = 0;
  for (i32 y = 0; y < h; y++) {
    const i32 iy = y * y < (h - 1 - y) * (h - 1 - y) ? y * y : (h - 1 - y) * (h - 1 - y);
    if (iy >= last * last) continue;
    for (i32 c = 0; c < nc; c++) {
      const i32 x = cols[c], ix = x * x < (w - 1 - x) * (w - 1 - x) ? x * x : (w - 1 - x) * (w - 1 - x);
      const i32 r = (i32)__builtin_floor(__builtin_sqrt((double)(iy + ix))) + 1;
      if (r < 2 || r >= last) continue;
      const uintptr_t at = ((uintptr_t)(c >> 1) * h + y) * 2 + (c & 1);
      const double p = cre[at] * cre[at] + cim[at] * cim[at];
      mag[r] += __builtin_sqrt(p);
      pow[r] += p;
    }
  }
}
