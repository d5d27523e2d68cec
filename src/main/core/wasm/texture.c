// MeasureTexture's kernels (core/features/texture.ts): per object the padded crop of grey levels,
// the four directions' co-occurrence counts at one scale, the sums the Haralick features are made
// of, and the features from those sums. Everything runs in the TypeScript formulas' order, in
// doubles, with no fused multiply-add (WebAssembly has none), so the results are the bits those
// loops gave. log2 and exp are not in the module: counts below LOG2_SIZE read the table texture.ts
// fills once per instance; larger ones (the whole image's) are collected on a first pass, and
// texture.ts passes their Math.log2 back for a second one; log2 T and InfoMeas2's exp come from
// texture.ts between texture_finish and texture_finish2.
#include <wasm_simd128.h>
#include "arena.h"

typedef uint16_t u16;

#define LOG2_SIZE 65536
/** Math.log2(c) for c < LOG2_SIZE (0 at 0), written by texture.ts */
static double log2_small[LOG2_SIZE];
/** 1/(1 + d²) for the level differences d */
static double idm[256];

/**
 * The four directions' count matrices, direction d's from d << 2·shift, row stride 2^shift (shift ≤ 9
 * for 256 levels). All zero between scales: each scale clears the entries it touched.
 */
static i32 cm[4 << 18];
/** each direction's entries in order of first occurrence, direction d's from d << 2·shift */
static i32 touched[4 << 18];

static struct {
  // the call's inputs (texture_begin)
  const u16 *grey;
  const i32 *start, *pixels, *bbox;
  i32 w, M, ignore;
  // scratch: the crop (zero where a pixel does not count), the counted pixels' runs
  u16 *crop;
  i32 *list;
  // the current object and scale's sums, 16 doubles per direction
  double *out;
  // counts ≥ LOG2_SIZE met on the recording pass, and their logs for the second
  double *bigval, *biglog;
  i32 nbig, cursor, replay;
  // the current object
  i32 gmin, gmax, shift, bw, bh, cw, dense;
  i32 m;  // runs
  i32 nt[4];
  // marginals: p_x on levels, p_{x+y} on level sums, p_{x−y} on differences (integer counts)
  double px[256], psum[512], pdiff[256];
} S;

__attribute__((export_name("log2_table"))) double *log2_table(void) { return log2_small; }

static double lg(double n) {
  if (n < LOG2_SIZE) return log2_small[(i32)n];
  if (S.replay) return S.biglog[S.cursor++];
  S.bigval[S.nbig++] = n;
  return 0;
}

/**
 * A computation's inputs and scratch (texture.ts allocates them all before, so the memory does not
 * grow after it): grey levels, the index's start/pixels/bbox (pixels may be 0 when every object is
 * dense), the crop of crop_size levels (cleared here), the runs' list of 2·max_pixels,
 * bigval/biglog of max_big.
 */
__attribute__((export_name("texture_begin")))
void texture_begin(const u16 *grey, i32 w, const i32 *start, const i32 *pixels, const i32 *bbox, i32 M, i32 ignore, u16 *crop, i32 crop_size, i32 *list,
                   double *bigval, double *biglog) {
  S.grey = grey;
  S.w = w;
  S.start = start;
  S.pixels = pixels;
  S.bbox = bbox;
  S.M = M;
  S.ignore = ignore;
  S.crop = crop;
  S.list = list;
  S.bigval = bigval;
  S.biglog = biglog;
  S.bw = S.bh = S.cw = 0;
  __builtin_memset(crop, 0, 2u * crop_size);
  for (i32 d = 0; d < 256; d++) idm[d] = 1.0 / (1.0 + (double)(d * d));
}

/**
 * Object k's crop (level − gmin + 1, 0 where a pixel does not count, margins of M left, right and
 * below) and, unless it fills its box with every pixel counted, the counted pixels as runs along
 * the rows in raster order (crop positions start, end). Clears the previous object's crop first.
 */
__attribute__((export_name("texture_object")))
void texture_object(i32 k) {
  const i32 M = S.M, w = S.w, ignore = S.ignore;
  u16 *crop = S.crop;
  __builtin_memset(crop, 0, 2u * S.cw * (S.bh + M));
  const i32 x0 = S.bbox[4 * k], y0 = S.bbox[4 * k + 1];
  const i32 bw = S.bbox[4 * k + 2] - x0 + 1, bh = S.bbox[4 * k + 3] - y0 + 1, cw = bw + 2 * M;
  const i32 p0 = S.start[k], p1 = S.start[k + 1];
  const i32 dense = !ignore && p1 - p0 == bw * bh;
  const u16 *grey = S.grey;
  i32 gmax = 0, gmin = 1 << 30, m = 0;
  if (dense) {
    // the object is its box: its pixels are the box's, in raster order
    for (i32 y = 0; y < bh; y++) {
      const u16 *g = grey + (y0 + y) * w + x0;
      for (i32 x = 0; x < bw; x++) {
        const i32 a = g[x];
        if (a > gmax) gmax = a;
        if (a < gmin) gmin = a;
      }
    }
    for (i32 y = 0; y < bh; y++) {
      const u16 *g = grey + (y0 + y) * w + x0;
      u16 *c = crop + y * cw + M;
      for (i32 x = 0; x < bw; x++) c[x] = (u16)(g[x] - gmin + 1);
    }
  } else {
    // one pass over the pixels: the crop gets level + 1 (gmin is not known yet) and the counted
    // pixels' runs along rows (crop positions [start, end)), in raster order; then gmin comes off
    // the runs. Uncounted pixels are 0 and cannot raise gmax.
    i32 *list = S.list;
    i32 last = -2;
    for (i32 p = p0, y = y0, rowStart = y0 * w; p < p1; p++) {
      const i32 i = S.pixels[p];
      while (i >= rowStart + w) {
        y++;
        rowStart += w;
      }
      const i32 a = grey[i];
      if (!a && ignore) continue;
      if (a > gmax) gmax = a;
      if (a < gmin) gmin = a;
      const i32 q = (y - y0) * cw + (i - rowStart - x0) + M;
      crop[q] = (u16)(a + 1);
      if (q != last + 1) {
        if (m) list[2 * m - 1] = last + 1;
        list[2 * m++] = q;
      }
      last = q;
    }
    if (m) list[2 * m - 1] = last + 1;
    const u16 g0 = (u16)gmin;
    for (i32 t = 0; t < 2 * m; t += 2)
      for (i32 q = list[t], e = list[t + 1]; q < e; q++) crop[q] -= g0;
  }
  const i32 R = gmax >= gmin ? gmax - gmin + 1 : 1;
  const i32 shift = 32 - __builtin_clz((u32)R);
  S.gmin = gmin;
  S.gmax = gmax;
  S.shift = shift;
  S.bw = bw;
  S.bh = bh;
  S.cw = cw;
  S.m = m;
  S.dense = dense;
}

/**
 * One-sided counts for the four offsets in one raster pass. Entry (a, b) of direction d: row a − gmin,
 * column b's crop value (column 0: the second pixel does not count, dropped after). Four independent
 * counters per pixel keep a repeated pair's increments from waiting on each other; touched gets
 * each entry's first occurrence in raster order. Most pairs repeat one met before, so the branch
 * on a first occurrence is predicted (cheaper than storing every key and advancing by the test).
 */
#define FIRST(v, n, k) \
  if (__builtin_expect((v) == 0, 0)) touched[(n)++] = (k)
#define PAIR(q, r)                                \
  do {                                            \
    const i32 k0 = (r) + crop[(q) + o0];          \
    const i32 k1 = c1 + (r) + crop[(q) + o1];     \
    const i32 k2 = c2 + (r) + crop[(q) + o2];     \
    const i32 k3 = c3 + (r) + crop[(q) + o3];     \
    const i32 v0 = cm[k0]++, v1 = cm[k1]++;       \
    const i32 v2 = cm[k2]++, v3 = cm[k3]++;       \
    if (__builtin_expect((v0 == 0) | (v1 == 0) | (v2 == 0) | (v3 == 0), 0)) { \
      FIRST(v0, n0, k0);                          \
      FIRST(v1, n1, k1);                          \
      FIRST(v2, n2, k2);                          \
      FIRST(v3, n3, k3);                          \
    }                                             \
  } while (0)

// the row stride a constant (one copy per shift): the matrices' corners fold into the accesses'
// offsets, which leaves registers for the rest
/**
 * Eight pixels of a run at once for row strides up to 2^7: entry byte offsets (r + b)·4 fit in 16
 * bits, so one vector per direction holds eight keys; the lanes are counted in pixel order, each
 * direction's as the one-pixel loop counts them.
 */
#define LANE(j)                                                                                  \
  do {                                                                                           \
    const i32 b0 = wasm_u16x8_extract_lane(K0, j), b1 = wasm_u16x8_extract_lane(K1, j);          \
    const i32 b2 = wasm_u16x8_extract_lane(K2, j), b3 = wasm_u16x8_extract_lane(K3, j);          \
    i32 *p0 = (i32 *)((char *)cm + b0), *p1 = (i32 *)((char *)(cm + c1) + b1);                   \
    i32 *p2 = (i32 *)((char *)(cm + c2) + b2), *p3 = (i32 *)((char *)(cm + c3) + b3);            \
    const i32 v0 = (*p0)++, v1 = (*p1)++, v2 = (*p2)++, v3 = (*p3)++;                            \
    if (__builtin_expect((v0 == 0) | (v1 == 0) | (v2 == 0) | (v3 == 0), 0)) {                    \
      FIRST(v0, n0, b0 >> 2);                                                                    \
      FIRST(v1, n1, c1 + (b1 >> 2));                                                             \
      FIRST(v2, n2, c2 + (b2 >> 2));                                                             \
      FIRST(v3, n3, c3 + (b3 >> 2));                                                             \
    }                                                                                            \
  } while (0)

static inline __attribute__((always_inline)) void count_shift(const i32 shift, const i32 *off) {
  const u16 *crop = S.crop;
  const i32 o0 = off[0], o1 = off[1], o2 = off[2], o3 = off[3];
  const i32 c1 = 1 << (2 * shift), c2 = 2 * c1, c3 = 3 * c1;
  i32 n0 = 0, n1 = c1, n2 = c2, n3 = c3;
  const v128_t one = wasm_i16x8_splat(1);
  // the pixels [q, qe) of a row, counted in order
#define RUN(qa, qb)                                                                     \
  do {                                                                                  \
    i32 q = (qa);                                                                       \
    const i32 qe = (qb);                                                                \
    if (shift <= 7)                                                                     \
      for (; q + 8 <= qe; q += 8) {                                                     \
        const v128_t r = wasm_i16x8_shl(wasm_i16x8_sub(wasm_v128_load(crop + q), one), shift + 2); \
        const v128_t K0 = wasm_i16x8_add(r, wasm_i16x8_shl(wasm_v128_load(crop + q + o0), 2)); \
        const v128_t K1 = wasm_i16x8_add(r, wasm_i16x8_shl(wasm_v128_load(crop + q + o1), 2)); \
        const v128_t K2 = wasm_i16x8_add(r, wasm_i16x8_shl(wasm_v128_load(crop + q + o2), 2)); \
        const v128_t K3 = wasm_i16x8_add(r, wasm_i16x8_shl(wasm_v128_load(crop + q + o3), 2)); \
        LANE(0);                                                                        \
        LANE(1);                                                                        \
        LANE(2);                                                                        \
        LANE(3);                                                                        \
        LANE(4);                                                                        \
        LANE(5);                                                                        \
        LANE(6);                                                                        \
        LANE(7);                                                                        \
      }                                                                                 \
    for (; q < qe; q++) {                                                               \
      const i32 r = (crop[q] - 1) << shift;                                             \
      PAIR(q, r);                                                                       \
    }                                                                                   \
  } while (0)
  if (S.dense) {
    const i32 cw = S.cw, bw = S.bw, bh = S.bh, M = S.M;
    for (i32 y = 0; y < bh; y++) RUN(y * cw + M, y * cw + M + bw);
  } else {
    const i32 *list = S.list;
    for (i32 t = 0, e = 2 * S.m; t < e; t += 2) RUN(list[t], list[t + 1]);
  }
#undef RUN
  S.nt[0] = n0;
  S.nt[1] = n1 - c1;
  S.nt[2] = n2 - c2;
  S.nt[3] = n3 - c3;
}

static void count_pairs(const i32 *off) {
  switch (S.shift) {
    case 1: count_shift(1, off); break;
    case 2: count_shift(2, off); break;
    case 3: count_shift(3, off); break;
    case 4: count_shift(4, off); break;
    case 5: count_shift(5, off); break;
    case 6: count_shift(6, off); break;
    case 7: count_shift(7, off); break;
    case 8: count_shift(8, off); break;
    default: count_shift(9, off); break;
  }
}

/** removes column 0 (second pixel not counted) from n first occurrences at `from`, keeping their order */
static i32 drop_uncounted(i32 from, i32 n, i32 mask) {
  i32 w = from;
  for (i32 t = from; t < from + n; t++) {
    const i32 key = touched[t];
    touched[w] = key;
    if (key & mask) w++;
    else cm[key] = 0;
  }
  return w - from;
}

/**
 * Direction d's sums into out[16·d ..]: T (twice the pairs), Σ S², Σ S·log2 S, Σ S/(1+(i−j)²),
 * Σ i·j·S, then on p_x Σ i·n, Σ i²·n, Σ n·log2 n, the levels used, on p_{x−y} Σ i²·n, Σ n²,
 * Σ n·log2 n, on p_{x+y} Σ i·n, Σ i²·n, Σ n·log2 n (n the integer counts; S symmetric), and the
 * side of mahotas' matrix (largest level + 1).
 */
static void sums(i32 d) {
  const i32 shift = S.shift, base = d << (2 * shift), end = base + S.nt[d], mask = (1 << shift) - 1;
  const i32 gmin = S.gmin, gmax = S.gmax;
  double *px = S.px, *psum = S.psum, *pdiff = S.pdiff;
  double pairs = 0;
  for (i32 t = base; t < end; t++) pairs += cm[touched[t]];
  const i32 lo = gmin, hi = gmax, dmax = gmax - gmin;
  for (i32 i = lo; i <= hi; i++) px[i] = 0;
  for (i32 i = 2 * lo; i <= 2 * hi; i++) psum[i] = 0;
  for (i32 i = 0; i <= dmax; i++) pdiff[i] = 0;
  const double T = 2 * pairs;
  double sc2 = 0, clc = 0, idmC = 0, sijC = 0;
  for (i32 t = base; t < end; t++) {
    const i32 key = touched[t] - base;
    const i32 qi = key >> shift, qj = (key & mask) - 1;
    const double c = cm[base + key];
    const i32 i = gmin + qi, j = gmin + qj, ad = i > j ? i - j : j - i;
    // C(i,j) lands in S at (i,j) and (j,i)
    px[j] += c;
    px[i] += c;
    psum[i + j] += 2 * c;
    pdiff[ad] += 2 * c;
    idmC += 2 * c * idm[ad];
    sijC += (double)(2 * i) * j * c;
    // Σ S² and Σ S·log2 S need whole cells of S: S(i,j) = C(i,j) + C(j,i)
    double sv, cells;
    if (i == j) {
      sv = 2 * c;
      cells = 1;
    } else {
      const double other = cm[base + ((qj << shift) | (qi + 1))];
      if (i > j && other != 0) continue;  // counted with its partner
      sv = c + other;
      cells = 2;
    }
    sc2 += cells * sv * sv;
    clc += cells * sv * lg(sv);
  }
  // empty levels are not skipped: their terms are +0, which leaves these sums (+0 or positive) as
  // the skipping loops had them, and the loops run without a branch on the data
  double ux = 0, vx = 0, hxc = 0, used = 0;
  for (i32 i = lo; i <= hi; i++) {
    const double n = px[i];
    used += n != 0;
    ux += i * n;
    vx += (double)(i * i) * n;
    hxc += n * lg(n);
  }
  double contrast = 0, dm2 = 0, dEnt = 0;
  for (i32 i = 0; i <= dmax; i++) {
    const double n = pdiff[i];
    contrast += (double)(i * i) * n;
    dm2 += n * n;
    dEnt += n * lg(n);
  }
  double sumAvg = 0, sumSq = 0, sEnt = 0;
  for (i32 i = 2 * lo; i <= 2 * hi; i++) {
    const double n = psum[i];
    sumAvg += i * n;
    sumSq += (double)(i * i) * n;
    sEnt += n * lg(n);
  }
  double *o = S.out + 16 * d;
  o[0] = T;
  o[1] = sc2;
  o[2] = clc;
  o[3] = idmC;
  o[4] = sijC;
  o[5] = ux;
  o[6] = vx;
  o[7] = hxc;
  o[8] = used;
  o[9] = contrast;
  o[10] = dm2;
  o[11] = dEnt;
  o[12] = sumAvg;
  o[13] = sumSq;
  o[14] = sEnt;
  o[15] = S.gmax + 1;
}

static void clear_counts(void) {
  for (i32 d = 0; d < 4; d++)
    for (i32 t = d << (2 * S.shift), e = t + S.nt[d]; t < e; t++) cm[touched[t]] = 0;
}

/**
 * The current object's counts at `scale` and their sums (out; T = 0 in every direction when one
 * has no pair). Returns how many counts ≥ LOG2_SIZE the sums met (their values in bigval): then
 * the counts stay, and texture_resum finishes with their logs.
 */
__attribute__((export_name("texture_scale")))
i32 texture_scale(i32 scale, double *out) {
  S.out = out;
  const i32 cw = S.cw;
  const i32 off[4] = {scale, scale * cw + scale, scale * cw, scale * cw - scale};
  count_pairs(off);
  const i32 shift = S.shift, mask = (1 << shift) - 1;
  i32 empty = 0;
  for (i32 d = 0; d < 4; d++) {
    S.nt[d] = drop_uncounted(d << (2 * shift), S.nt[d], mask);
    empty |= S.nt[d] == 0;
  }
  if (empty) {
    for (i32 d = 0; d < 4; d++) S.out[16 * d] = 0;
    clear_counts();
    return 0;
  }
  S.nbig = 0;
  S.replay = 0;
  for (i32 d = 0; d < 4; d++) sums(d);
  if (S.nbig) return S.nbig;
  clear_counts();
  return 0;
}

/** texture_scale's sums again, the large counts' logs in biglog in the order bigval had them */
__attribute__((export_name("texture_resum")))
void texture_resum(void) {
  S.replay = 1;
  S.cursor = 0;
  for (i32 d = 0; d < 4; d++) sums(d);
  S.replay = 0;
  clear_counts();
}

/**
 * The Haralick features of cnt entries (object, scale, direction) from their sums (raw, 16 doubles
 * each; entry e = (scale·n + object)·4 + direction) and lg[e] = log2 T (texture.ts's Math.log2):
 * every feature but InfoMeas2 into res, feature f of scale s at res[((s·13 + f)·4 + d)·n + object],
 * and lg[e] becomes the argument of InfoMeas2's exp. The formulas are texture.ts's, in its order.
 * T = 0 marks an object with no pair in some direction: every feature 0 (CellProfiler's, when
 * mahotas raises).
 */
__attribute__((export_name("texture_finish")))
void texture_finish(const double *raw, double *lg, i32 cnt, i32 n, double *res) {
  for (i32 e = 0; e < cnt; e++) {
    const double *o = raw + 16 * e;
    const i32 d = e & 3, k = (e >> 2) % n, si = (e >> 2) / n;
    double *r = res + (si * 52 + d) * n + k;  // feature f at r[4·f·n]
    const double T = o[0];
    if (T == 0) {
      for (i32 f = 0; f < 13; f++) r[4 * f * n] = 0;
      lg[e] = 0;
      continue;
    }
    const double log2T = lg[e];
    const double asm_ = o[1] / (T * T);
    const double ent = log2T - o[2] / T;
    const double idmv = o[3] / T;
    const double sij = o[4] / T;
    const double ux = o[5] / T;
    // one grey level: the entropies and the variance are exactly 0
    const i32 single = o[8] == 1;
    const double vx = single ? 0 : o[6] / T - ux * ux;
    const double sx = __builtin_sqrt(vx);
    const double contrast = o[9] / T;
    const double dm2 = o[10] / (T * T);
    const double sumAvg = o[12] / T;
    const double sumSq = o[13] / T;
    const double side = o[15];
    const double dm = 1 / side;
    const double diffVar = dm2 / side - dm * dm;
    const double hx = single ? 0 : log2T - o[7] / T;
    const double hxy1 = 2 * hx, hxy2 = hx + hx;
    const double e0 = single ? 0 : ent;
    r[0] = asm_;
    r[4 * n] = contrast;
    r[8 * n] = sx == 0 ? 1 : (sij - ux * ux) / sx / sx;
    r[12 * n] = vx;
    r[16 * n] = idmv;
    r[20 * n] = sumAvg;
    r[24 * n] = sumSq - sumAvg * sumAvg;
    r[28 * n] = log2T - o[14] / T;
    r[32 * n] = e0;
    r[36 * n] = diffVar;
    r[40 * n] = log2T - o[11] / T;
    r[44 * n] = hx == 0 ? e0 - hxy1 : (e0 - hxy1) / hx;
    lg[e] = -2 * (hxy2 - e0);
  }
}

/**
 * InfoMeas2 = √max(0, 1 − ex[e]) with ex[e] texture.ts's Math.exp of texture_finish's argument, then
 * every non-finite feature 0 (CellProfiler stores them so).
 */
__attribute__((export_name("texture_finish2")))
void texture_finish2(const double *raw, const double *ex, i32 cnt, i32 n, double *res) {
  for (i32 e = 0; e < cnt; e++) {
    const i32 d = e & 3, k = (e >> 2) % n, si = (e >> 2) / n;
    const double x = 1 - ex[e];
    res[(si * 52 + 48 + d) * n + k] = raw[16 * e] == 0 ? 0 : __builtin_sqrt(x > 0 ? x : 0);
  }
  for (i32 t = 0, e = 13 * cnt; t < e; t++) {
    const double v = res[t];
    if (!(v - v == 0)) res[t] = 0;
  }
}
