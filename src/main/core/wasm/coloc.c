// MeasureColocalization's pixel passes (core/features/colocalization.ts): each channel gathered at
// a compartment's object pixels with its per-object sums and its dense ranks (coloc_channel), then
// per object the correlation sums of every channel pair (coloc_pairs). Two sums run at once, one
// per f64x2 lane (two objects, or two pairs), each in the TypeScript loops' pixel order; a pixel
// below a threshold adds +0 where those loops skipped it, which leaves a sum started at +0 as it
// was (such a sum is never −0). No fused multiply-add (WebAssembly has none), and √ is f64.sqrt,
// so every output is the same bits as those loops gave.
#include <wasm_simd128.h>
#include "arena.h"

typedef uint8_t u8;
typedef uint16_t u16;
typedef double v2 __attribute__((vector_size(16)));
typedef long long m2 __attribute__((vector_size(16)));

/** JavaScript's NaN (what the TypeScript wrote for a constant channel's correlation) */
static inline double js_nan(void) { return __builtin_bit_cast(double, (u64)0x7ff8000000000000ull); }
/** x where m, else +0 */
static inline v2 keep(v2 x, m2 m) { return (v2)((m2)x & m); }
/** a where m, else b */
static inline v2 pick(v2 a, v2 b, m2 m) { return (v2)(((m2)a & m) | ((m2)b & ~m)); }

/**
 * Two lanes walk the objects 0 … n − 1 of `start`: lane j is at pixel p[j] of object o[j], which
 * ends at e[j]. BODY(steps) advances both lanes `steps` pixels (the shorter object's rest), DONE(j)
 * writes lane j's object and INIT(j) starts lane j's sums for a new one; once no object is left, a
 * lane copies the other's state (COPY(dst, src)) and both finish the same object.
 */
#define LANES(n, start, BODY, DONE, INIT, COPY)                                 \
  do {                                                                         \
    if ((n) <= 0) break;                                                       \
    i32 o[2], p[2], e[2], next = 0;                                            \
    for (i32 j = 0; j < 2; j++) {                                              \
      o[j] = next < (n) ? next++ : o[0];                                       \
      p[j] = (start)[o[j]];                                                    \
      e[j] = (start)[o[j] + 1];                                                \
      INIT(j);                                                                 \
    }                                                                          \
    for (;;) {                                                                 \
      const i32 steps = e[0] - p[0] < e[1] - p[1] ? e[0] - p[0] : e[1] - p[1]; \
      BODY(steps);                                                             \
      p[0] += steps;                                                           \
      p[1] += steps;                                                           \
      const i32 f0 = p[0] == e[0], f1 = p[1] == e[1];                          \
      if (f0) DONE(0);                                                         \
      if (f1) DONE(1);                                                         \
      if (f0) {                                                                \
        if (next < (n)) {                                                      \
          o[0] = next++, p[0] = (start)[o[0]], e[0] = (start)[o[0] + 1];       \
          INIT(0);                                                             \
        } else if (!f1) {                                                      \
          o[0] = o[1], p[0] = p[1], e[0] = e[1];                               \
          COPY(0, 1);                                                          \
        } else                                                                 \
          break;                                                               \
      }                                                                        \
      if (f1) {                                                                \
        if (next < (n)) {                                                      \
          o[1] = next++, p[1] = (start)[o[1]], e[1] = (start)[o[1] + 1];       \
          INIT(1);                                                             \
        } else {                                                               \
          o[1] = o[0], p[1] = p[0], e[1] = e[0];                               \
          COPY(1, 0);                                                          \
        }                                                                      \
      }                                                                        \
    }                                                                          \
  } while (0)

/** the level of pixel i: kind 1 u8, 2 u16, 3 i32 */
static inline u32 level_at(const void *lev, i32 kind, i32 i) {
  return kind == 1 ? ((const u8 *)lev)[i] : kind == 2 ? ((const u16 *)lev)[i] : (u32)((const i32 *)lev)[i];
}

/**
 * The first pass of one kind of levels: values (and levels) gathered, per object Σx (to mean),
 * extremes (to threshold and flat). Levels at or past `count` are not marked (the TypeScript's
 * presence table ignored them; their rank is 0).
 */
static inline __attribute__((always_inline)) void gather(const double *img, const void *lev, i32 kind, u32 count, const i32 *px, const i32 *start, i32 n, double frac,
                                                         double *v, i32 *level, u8 *present, double *stats) {
  double *mean = stats, *thr = stats + n, *flat = stats + 4 * n;
  v2 s, max, min;
#define G_INIT(j) (s[j] = 0, max[j] = -__builtin_inf(), min[j] = __builtin_inf())
#define G_COPY(d, f) (s[d] = s[f], max[d] = max[f], min[d] = min[f])
#define G_DONE(j)                                               \
  do {                                                          \
    const i32 k = o[j];                                         \
    mean[k] = s[j] / (double)(start[k + 1] - start[k]);         \
    thr[k] = frac * max[j];                                     \
    flat[k] = min[j] == max[j] ? 1 : 0;                         \
  } while (0)
#define G_BODY(steps)                                           \
  do {                                                          \
    const i32 *q0 = px + p[0], *q1 = px + p[1];                 \
    double *v0 = v + p[0], *v1 = v + p[1];                      \
    i32 *l0 = level + p[0], *l1 = level + p[1];                 \
    for (i32 t = 0; t < steps; t++) {                           \
      const i32 i0 = q0[t], i1 = q1[t];                         \
      const v2 x = {img[i0], img[i1]};                          \
      v0[t] = x[0];                                             \
      v1[t] = x[1];                                             \
      if (kind) {                                               \
        const u32 a = level_at(lev, kind, i0), b = level_at(lev, kind, i1); \
        l0[t] = (i32)a;                                         \
        l1[t] = (i32)b;                                         \
        present[a < count ? a : count] = 1;                     \
        present[b < count ? b : count] = 1;                     \
      }                                                         \
      s += x;                                                   \
      max = pick(x, max, x > max);                              \
      min = pick(x, min, x < min);                              \
    }                                                           \
  } while (0)
  LANES(n, start, G_BODY, G_DONE, G_INIT, G_COPY);
}

/** The second pass: per object Σ(x − mean)² and Σx over x ≥ threshold. */
static void spread(const double *v, const i32 *start, i32 n, double *stats) {
  const double *mean = stats, *thr = stats + n;
  double *ss = stats + 2 * n, *tot = stats + 3 * n;
  v2 q, above, m, t;
#define S_INIT(j) (q[j] = 0, above[j] = 0, m[j] = mean[o[j]], t[j] = thr[o[j]])
#define S_COPY(d, f) (q[d] = q[f], above[d] = above[f], m[d] = m[f], t[d] = t[f])
#define S_DONE(j) (ss[o[j]] = q[j], tot[o[j]] = above[j])
#define S_BODY(steps)                                           \
  do {                                                          \
    const double *v0 = v + p[0], *v1 = v + p[1];                \
    for (i32 u = 0; u < steps; u++) {                           \
      const v2 x = {v0[u], v1[u]};                              \
      q += (x - m) * (x - m);                                   \
      above += keep(x, x >= t);                                 \
    }                                                           \
  } while (0)
  LANES(n, start, S_BODY, S_DONE, S_INIT, S_COPY);
}

/**
 * One channel over a compartment's objects (pixels px, object k's at start[k] … start[k + 1]):
 * v[p] = img[px[p]]; stats (5n): per object mean, threshold frac·max, Σ(x − mean)², Σx over
 * x ≥ threshold, 1 when constant. With levels (kind 1 u8, 2 u16, 3 i32; integers below count),
 * rank[p] = the dense rank of px[p]'s level among those present at the pixels, and the return is
 * the largest rank (0 with none); kind 0: −1, and the caller ranks v itself.
 */
__attribute__((export_name("coloc_channel")))
i32 coloc_channel(const double *img, const void *lev, i32 kind, u32 count, const i32 *px, const i32 *start, i32 n, double frac, double *v, i32 *rank, double *stats) {
  if (!kind) {
    gather(img, 0, 0, 0, px, start, n, frac, v, 0, 0, stats);
    spread(v, start, n, stats);
    return -1;
  }
  uintptr_t mark = arena_mark();
  // present[count] takes the levels past the table
  u8 *present = arena_take(count + 1);
  i32 *dense = arena_take(4u * count + 4);
  __builtin_memset(present, 0, count + 1);
  if (kind == 1) gather(img, lev, 1, count, px, start, n, frac, v, rank, present, stats);
  else if (kind == 2) gather(img, lev, 2, count, px, start, n, frac, v, rank, present, stats);
  else gather(img, lev, 3, count, px, start, n, frac, v, rank, present, stats);
  spread(v, start, n, stats);
  // a level's dense rank: the levels present below it
  i32 r = 0;
  for (u32 l = 0; l < count; l++) {
    dense[l] = r;
    r += present[l];
  }
  dense[count] = 0;
  const i32 m = start[n];
  for (i32 p = 0; p < m; p++) {
    const u32 l = (u32)rank[p];
    rank[p] = dense[l < count ? l : count];
  }
  arena_release(mark);
  return r ? r - 1 : 0;
}

/**
 * Every channel pair of a compartment, object by object (each object's pixels of all channels
 * then stay in cache for all its pairs), two pairs at once, one per f64x2 lane. Channel c: values
 * v[c], ranks r[c], stats s[c] as coloc_channel made them; pair j: channels pa[j], pb[j] and the
 * ranks' count R[j]; np even (the caller repeats a pair to make it so). out[j] (8n) per object
 * Correlation, Overlap, K A→B, K B→A, Manders A→B, B→A, RWC A→B, B→A.
 */
__attribute__((export_name("coloc_pairs")))
void coloc_pairs(const double *const *v, const i32 *const *r, const double *const *s, const i32 *pa, const i32 *pb, const double *R, i32 np, const i32 *start, i32 n, double *const *out) {
  for (i32 k = 0; k < n; k++) {
    const i32 s0 = start[k], s1 = start[k + 1];
    for (i32 j = 0; j < np; j += 2) {
      const double *A0 = v[pa[j]], *A1 = v[pa[j + 1]], *B0 = v[pb[j]], *B1 = v[pb[j + 1]];
      const i32 *a0 = r[pa[j]], *a1 = r[pa[j + 1]], *b0 = r[pb[j]], *b1 = r[pb[j + 1]];
      const double *sa[2] = {s[pa[j]], s[pa[j + 1]]}, *sb[2] = {s[pb[j]], s[pb[j + 1]]};
      const v2 ma = {sa[0][k], sa[1][k]}, mb = {sb[0][k], sb[1][k]};
      const v2 ta = {sa[0][n + k], sa[1][n + k]}, tb = {sb[0][n + k], sb[1][n + k]};
      const v2 RR = {R[j], R[j + 1]};
      v2 vab = {0, 0}, aa = {0, 0}, bb = {0, 0}, ab = {0, 0}, coA = {0, 0}, coB = {0, 0}, rwA = {0, 0}, rwB = {0, 0};
      m2 both = {0, 0};
      for (i32 p = s0; p < s1; p++) {
        const v2 x = {A0[p], A1[p]}, y = {B0[p], B1[p]};
        vab += (x - ma) * (y - mb);
        const m2 in = (x >= ta) & (y >= tb);
        both -= in;
        aa += keep(x * x, in);
        bb += keep(y * y, in);
        ab += keep(x * y, in);
        coA += keep(x, in);
        coB += keep(y, in);
        // |rank A − rank B| exactly (ranks < 2³¹ − 1 apart), as a double
        const v128_t dr = wasm_i32x4_abs(wasm_i32x4_sub(wasm_i32x4_make(a0[p], a1[p], 0, 0), wasm_i32x4_make(b0[p], b1[p], 0, 0)));
        const v2 wgt = (RR - (v2)wasm_f64x2_convert_low_i32x4(dr)) / RR;
        rwA += keep(x * wgt, in);
        rwB += keep(y * wgt, in);
      }
      for (i32 l = 0; l < 2; l++) {
        double *o = out[j + l];
        const double totA = sa[l][3 * n + k], totB = sb[l][3 * n + k];
        // a constant channel has no variance (rounding can leave a tiny one: CellProfiler's is 0)
        o[k] = sa[l][4 * n + k] != 0 || sb[l][4 * n + k] != 0 ? js_nan() : vab[l] / (__builtin_sqrt(sa[l][2 * n + k]) * __builtin_sqrt(sb[l][2 * n + k]));
        // no pixel above both thresholds: cp_measure reports 0s
        const i32 any = both[l] != 0;
        o[n + k] = any ? ab[l] / __builtin_sqrt(aa[l] * bb[l]) : 0;
        o[2 * n + k] = any ? ab[l] / aa[l] : 0;
        o[3 * n + k] = any ? ab[l] / bb[l] : 0;
        o[4 * n + k] = coA[l] / totA;
        o[5 * n + k] = coB[l] / totB;
        o[6 * n + k] = rwA[l] / totA;
        o[7 * n + k] = rwB[l] / totB;
      }
    }
  }
}

/** the arena's end, and giving back what was taken after it (a channel's image and levels, once gathered) */
__attribute__((export_name("mark"))) uintptr_t mark(void) { return arena_mark(); }
__attribute__((export_name("release"))) void release(uintptr_t m) { arena_release(m); }
