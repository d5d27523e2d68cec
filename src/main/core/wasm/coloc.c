// MeasureColocalization's pixel passes (core/features/colocalization.ts): each channel gathered at
// a compartment's object pixels with its per-object sums and its dense ranks (coloc_channel), then
// per channel pair and object the correlation sums (coloc_pair). Two objects are summed at once,
// one per f64x2 lane (lanes.h), each object's sums in the TypeScript loops' pixel order; a pixel
// below a threshold adds +0 where those loops skipped it, which leaves a sum started at +0 as it
// was (such a sum is never −0). No fused multiply-add (WebAssembly has none), and √ is f64.sqrt,
// so every output is the same bits as those loops gave.
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
 * One channel pair (a: va, ra, stats sa; b likewise, as coloc_channel made them) over the
 * objects: out (8n) per object Correlation, Overlap, K A→B, K B→A, Manders A→B, B→A, RWC A→B,
 * B→A, with R = the ranks' count.
 */
__attribute__((export_name("coloc_pair")))
void coloc_pair(const double *A, const double *B, const i32 *ra, const i32 *rb, const double *sa, const double *sb, const i32 *start, i32 n, double R, double *out) {
  v2 ma, mb, ta, tb, vab, aa, bb, ab, coA, coB, rwA, rwB;
  m2 both;
  const v2 RR = {R, R};
#define P_INIT(j)                                                                        \
  (ma[j] = sa[o[j]], mb[j] = sb[o[j]], ta[j] = sa[n + o[j]], tb[j] = sb[n + o[j]],      \
   vab[j] = 0, aa[j] = 0, bb[j] = 0, ab[j] = 0, coA[j] = 0, coB[j] = 0, rwA[j] = 0,     \
   rwB[j] = 0, both[j] = 0)
#define P_COPY(d, f)                                                                     \
  (ma[d] = ma[f], mb[d] = mb[f], ta[d] = ta[f], tb[d] = tb[f], vab[d] = vab[f],         \
   aa[d] = aa[f], bb[d] = bb[f], ab[d] = ab[f], coA[d] = coA[f], coB[d] = coB[f],       \
   rwA[d] = rwA[f], rwB[d] = rwB[f], both[d] = both[f])
#define P_DONE(j)                                                                        \
  do {                                                                                   \
    const i32 k = o[j];                                                                  \
    const double totA = sa[3 * n + k], totB = sb[3 * n + k];                            \
    /* a constant channel has no variance (rounding can leave a tiny one: CellProfiler's is 0) */ \
    out[k] = sa[4 * n + k] != 0 || sb[4 * n + k] != 0 ? js_nan() : vab[j] / (__builtin_sqrt(sa[2 * n + k]) * __builtin_sqrt(sb[2 * n + k])); \
    /* no pixel above both thresholds: cp_measure reports 0s */                         \
    const i32 any = both[j] != 0;                                                        \
    out[n + k] = any ? ab[j] / __builtin_sqrt(aa[j] * bb[j]) : 0;                        \
    out[2 * n + k] = any ? ab[j] / aa[j] : 0;                                            \
    out[3 * n + k] = any ? ab[j] / bb[j] : 0;                                            \
    out[4 * n + k] = coA[j] / totA;                                                      \
    out[5 * n + k] = coB[j] / totB;                                                      \
    out[6 * n + k] = rwA[j] / totA;                                                      \
    out[7 * n + k] = rwB[j] / totB;                                                      \
  } while (0)
#define P_BODY(steps)                                                                    \
  do {                                                                                   \
    const double *x0 = A + p[0], *x1 = A + p[1], *y0 = B + p[0], *y1 = B + p[1];        \
    const i32 *a0 = ra + p[0], *a1 = ra + p[1], *b0 = rb + p[0], *b1 = rb + p[1];       \
    for (i32 u = 0; u < steps; u++) {                                                    \
      const v2 x = {x0[u], x1[u]}, y = {y0[u], y1[u]};                                   \
      vab += (x - ma) * (y - mb);                                                        \
      const m2 in = (x >= ta) & (y >= tb);                                               \
      both -= in;                                                                        \
      aa += keep(x * x, in);                                                             \
      bb += keep(y * y, in);                                                             \
      ab += keep(x * y, in);                                                             \
      coA += keep(x, in);                                                                \
      coB += keep(y, in);                                                                \
      const i32 d0 = a0[u] - b0[u], d1 = a1[u] - b1[u];                                  \
      const v2 d = {(double)(d0 < 0 ? -d0 : d0), (double)(d1 < 0 ? -d1 : d1)};           \
      const v2 wgt = (RR - d) / RR;                                                      \
      rwA += keep(x * wgt, in);                                                          \
      rwB += keep(y * wgt, in);                                                          \
    }                                                                                    \
  } while (0)
  LANES(n, start, P_BODY, P_DONE, P_INIT, P_COPY);
}

/** the arena's end, and giving back what was taken after it (a channel's image and levels, once gathered) */
__attribute__((export_name("mark"))) uintptr_t mark(void) { return arena_mark(); }
__attribute__((export_name("release"))) void release(uintptr_t m) { arena_release(m); }
