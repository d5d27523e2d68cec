// segment/distance.ts's exact squared Euclidean distance transform (Felzenszwalb & Huttenlocher)
// and features/edgeDistance.ts's per-object transforms (centrosome distance_to_edge). The
// envelope's breakpoints and values are computed with the TypeScript's operations in its order,
// in doubles, and sqrt is f64.sqrt (exact, as Math.sqrt), so every distance is the same bits.
#include "arena.h"

#define INF 1e20

/** a transform's line buffers, for lines of up to n − 2 samples (the border's two included) */
typedef struct {
  double *f, *out, *z;
  i32 *v;
} lines;

static lines lines_take(i32 n) {
  lines s;
  s.f = arena_take(8u * n);
  s.out = arena_take(8u * n);
  s.z = arena_take(8u * (n + 1));
  s.v = arena_take(4u * n);
  return s;
}

/** Lower envelope of the parabolas at lo..hi (f's indices), evaluated at qa..qb into out. */
static void envelope(const lines *s, i32 lo, i32 hi, i32 qa, i32 qb) {
  const double *f = s->f;
  double *z = s->z, *out = s->out;
  i32 *v = s->v;
  i32 k = 0;
  v[0] = lo;
  z[0] = -__builtin_inf();
  z[1] = __builtin_inf();
  for (i32 q = lo + 1; q <= hi; q++) {
    double sv;
    for (;;) {
      const i32 p = v[k];
      sv = (f[q] + (double)q * q - (f[p] + (double)p * p)) / (double)(2 * q - 2 * p);
      if (sv <= z[k] && k > 0) k--;
      else break;
    }
    if (sv <= z[k]) {
      // k == 0 and the new parabola dominates everywhere
      v[0] = q;
      z[0] = -__builtin_inf();
      z[1] = __builtin_inf();
      continue;
    }
    k++;
    v[k] = q;
    z[k] = sv;
    z[k + 1] = __builtin_inf();
  }
  k = 0;
  for (i32 q = qa; q <= qb; q++) {
    while (z[k + 1] < q) k++;
    const i32 p = v[k];
    out[q] = (double)(q - p) * (q - p) + f[p];
  }
}

/** one line of len samples in f[off ..], with the border's background samples around it when off is 1 */
static void pass(const lines *s, i32 len, i32 off) {
  const i32 m = len + 2 * off;
  if (off) {
    s->f[0] = 0;
    s->f[m - 1] = 0;
  }
  envelope(s, 0, m - 1, 0, m - 1);
}

/**
 * distance.ts's squaredDistanceTransform (see there) into d (width × height); s's lines hold
 * max(width, height) + 2 samples, below holds width.
 */
static void sdt(const unsigned char *inside, i32 width, i32 height, i32 borderIsOutside, double *d, const lines *s, double *below) {
  const i32 off = borderIsOutside ? 1 : 0;
  double *f = s->f, *out = s->out;
  // Columns: with a 0 in the column (or the border counting as one) the squared distance to the
  // nearest 0 comes from a count down and a count up along whole rows; a column with no 0 goes
  // through the envelope.
  const double edge = borderIsOutside ? 1 : __builtin_inf();
  for (i32 x = 0; x < width; x++) d[x] = inside[x] ? edge : 0;
  for (i32 y = 1; y < height; y++)
    for (i32 x = 0, i = y * width; x < width; x++, i++) d[i] = inside[i] ? d[i - width] + 1 : 0;
  for (i32 y = height - 1; y >= 0; y--)
    for (i32 x = 0, i = y * width; x < width; x++, i++) {
      const double b = inside[i] ? (y < height - 1 ? below[x] + 1 : edge) : 0;
      below[x] = b;
      const double m = d[i] < b ? d[i] : b;
      d[i] = m * m;
    }
  int zeroInEveryColumn = 1;
  for (i32 x = 0; x < width; x++) {
    if (d[x] != __builtin_inf()) continue;
    zeroInEveryColumn = 0;
    for (i32 y = 0; y < height; y++) f[y + off] = INF;
    pass(s, height, off);
    for (i32 y = 0; y < height; y++) d[y * width + x] = out[y + off];
  }
  // Rows: the runs between 0s are independent when the column values are integers small enough
  // for the envelope to be exact (distance.ts); a column without a 0 (INF) takes whole rows.
  const i32 m = width + 2 * off;
  const double mm = m;
  const int byRuns = zeroInEveryColumn && ((double)(height + 1) * (height + 1) + mm * mm < 1125899906842624.0 / ((mm + 1) * (mm + 1)));
  for (i32 y = 0; y < height; y++) {
    double *row = d + (uintptr_t)y * width;
    if (!byRuns) {
      for (i32 x = 0; x < width; x++) f[x + off] = row[x];
      pass(s, width, off);
      for (i32 x = 0; x < width; x++) row[x] = out[x + off];
      continue;
    }
    for (i32 x = 0; x < width; x++) {
      if (row[x] == 0) continue;
      i32 b = x;
      while (b + 1 < width && row[b + 1] != 0) b++;
      // f's indices: the run is x + off..b + off, with its 0s (or the border's) around it
      const i32 lo = x + off > 0 ? x + off - 1 : 0, hi = b + off + 1 < m ? b + off + 1 : b + off;
      for (i32 p = lo; p <= hi; p++) f[p] = p - off >= 0 && p - off < width ? row[p - off] : 0;
      envelope(s, lo, hi, x + off, b + off);
      for (i32 q = x; q <= b; q++) row[q] = out[q + off];
      x = b;
    }
  }
}

/** squaredDistanceTransform of a width × height mask (bytes) into d */
__attribute__((export_name("squared_distance")))
void squared_distance(const unsigned char *inside, i32 width, i32 height, i32 borderIsOutside, double *d) {
  uintptr_t mark = arena_mark();
  const i32 n = (width > height ? width : height) + 2;
  lines s = lines_take(n);
  double *below = arena_take(8u * width);
  sdt(inside, width, height, borderIsOutside, d, &s, below);
  arena_release(mark);
}

/** distanceTransform: the distances as float32 (0 where the squared one is 0) */
__attribute__((export_name("distance_f32")))
void distance_f32(const unsigned char *inside, i32 width, i32 height, i32 borderIsOutside, float *out) {
  uintptr_t mark = arena_mark();
  double *d = arena_take(8u * width * height);
  squared_distance(inside, width, height, borderIsOutside, d);
  for (i32 i = 0; i < width * height; i++) out[i] = d[i] != 0 ? (float)__builtin_sqrt(d[i]) : 0.0f;
  arena_release(mark);
}

/** object k's crop mask: its pixels (raster order) at their places in x0..x1 × y0..y1, at[t] = pixel t's place */
static void crop(const i32 *px, i32 np, i32 w, i32 x0, i32 y0, i32 bw, i32 bh, unsigned char *inside, i32 *at) {
  __builtin_memset(inside, 0, (uintptr_t)bw * bh);
  // pixels come in raster order: the row is tracked, not divided for
  i32 y = px[0] / w, rowStart = y * w;
  for (i32 t = 0; t < np; t++) {
    const i32 i = px[t];
    while (i >= rowStart + w) {
      y++;
      rowStart += w;
    }
    const i32 q = (y - y0) * bw + (i - rowStart - x0);
    at[t] = q;
    inside[q] = 1;
  }
}

/**
 * edgeDistance.ts's objectEdges (see there): per object k (pixels px[start[k] .. start[k + 1]),
 * bounding box bbox[4k ..]), its pixels' distances to the edge on the box plus a one-pixel margin
 * (toEdge, float32) and, when withClipped, on that crop clipped to the image (clipped), both in
 * the pixels' order.
 */
__attribute__((export_name("object_edges")))
void object_edges(i32 w, i32 h, i32 nobj, const i32 *start, const i32 *px, const i32 *bbox, i32 withClipped, float *toEdge, double *clipped) {
  uintptr_t mark = arena_mark();
  i32 maxArea = 0, maxSide = 0, maxW = 0, maxNp = 0;
  for (i32 k = 0; k < nobj; k++) {
    const i32 bw = bbox[4 * k + 2] - bbox[4 * k] + 3, bh = bbox[4 * k + 3] - bbox[4 * k + 1] + 3;
    if (bw * bh > maxArea) maxArea = bw * bh;
    if (bw > maxSide) maxSide = bw;
    if (bh > maxSide) maxSide = bh;
    if (bw > maxW) maxW = bw;
    if (start[k + 1] - start[k] > maxNp) maxNp = start[k + 1] - start[k];
  }
  lines s = lines_take(maxSide + 2);
  double *below = arena_take(8u * maxW);
  double *d2 = arena_take(8u * maxArea);
  unsigned char *inside = arena_take(maxArea);
  i32 *at = arena_take(4u * maxNp);
  for (i32 k = 0; k < nobj; k++) {
    const i32 x0 = bbox[4 * k] - 1, y0 = bbox[4 * k + 1] - 1, x1 = bbox[4 * k + 2] + 1, y1 = bbox[4 * k + 3] + 1;
    const i32 p0 = start[k], np = start[k + 1] - p0;
    if (!np) continue;
    const i32 *p = px + p0;
    i32 bw = x1 - x0 + 1, bh = y1 - y0 + 1;
    crop(p, np, w, x0, y0, bw, bh, inside, at);
    sdt(inside, bw, bh, 0, d2, &s, below);
    const int clear = x0 >= 0 && y0 >= 0 && x1 <= w - 1 && y1 <= h - 1;
    for (i32 t = 0; t < np; t++) {
      const double v = __builtin_sqrt(d2[at[t]]);
      toEdge[p0 + t] = (float)v;
      if (withClipped && clear) clipped[p0 + t] = v;
    }
    if (!withClipped || clear) continue;
    const i32 cx0 = x0 > 0 ? x0 : 0, cy0 = y0 > 0 ? y0 : 0, cx1 = x1 < w - 1 ? x1 : w - 1, cy1 = y1 < h - 1 ? y1 : h - 1;
    bw = cx1 - cx0 + 1;
    bh = cy1 - cy0 + 1;
    crop(p, np, w, cx0, cy0, bw, bh, inside, at);
    sdt(inside, bw, bh, 0, d2, &s, below);
    for (i32 t = 0; t < np; t++) clipped[p0 + t] = __builtin_sqrt(d2[at[t]]);
  }
  arena_release(mark);
}
