// The object geometry kernels (core/features/granularity.ts upsampleMeans, areaShape.ts
// measureAreaShape's per-pixel passes). Objects come as an ObjectIndex: pixels of object k are
// pixels[start[k] .. start[k+1]) in raster order, bbox[4k..4k+3] = minX, minY, maxX, maxY. Sums run
// in the TypeScript loops' order with the same operations (WebAssembly has no fused multiply-add),
// so every output is the same bits.
#include <wasm_simd128.h>
#include "arena.h"

static void zero(void *p, u32 bytes) { __builtin_memset(p, 0, bytes); }

/**
 * upsampleMeans' weights: per object, the bilinear weights (map_coordinates order 1 at y·qy,
 * x·qx) of its pixels summed over the w×h grid, only the cells with a non-zero sum kept, in
 * raster order of the object's footprint. cell/weight hold at least Σ min(4·area, footprint)
 * entries; offs gets n + 1 offsets, count the pixel counts. Returns the number of cells.
 */
__attribute__((export_name("upsample_means")))
i32 upsample_means(const i32 *start, const i32 *pixels, const i32 *bbox, i32 n, i32 W, i32 w, i32 h, double qy, double qx, i32 *offs, double *count, i32 *cell, double *weight) {
  uintptr_t mark = arena_mark();
  u32 most = 0;
  for (i32 k = 0; k < n; k++) {
    const double gx0 = __builtin_floor(bbox[4 * k] * qx), gy0 = __builtin_floor(bbox[4 * k + 1] * qy);
    double gx1 = __builtin_floor(bbox[4 * k + 2] * qx) + 1, gy1 = __builtin_floor(bbox[4 * k + 3] * qy) + 1;
    if (gx1 > w - 1) gx1 = w - 1;
    if (gy1 > h - 1) gy1 = h - 1;
    const u32 size = (u32)((gx1 - gx0 + 1) * (gy1 - gy0 + 1));
    if (size > most) most = size;
  }
  double *acc = arena_take(8 * (uintptr_t)most);
  zero(acc, 8 * most);
  i32 t = 0;
  offs[0] = 0;
  for (i32 k = 0; k < n; k++) {
    const i32 gx0 = (i32)__builtin_floor(bbox[4 * k] * qx), gy0 = (i32)__builtin_floor(bbox[4 * k + 1] * qy);
    i32 gx1 = (i32)__builtin_floor(bbox[4 * k + 2] * qx) + 1, gy1 = (i32)__builtin_floor(bbox[4 * k + 3] * qy) + 1;
    if (gx1 > w - 1) gx1 = w - 1;
    if (gy1 > h - 1) gy1 = h - 1;
    const i32 gw = gx1 - gx0 + 1, size = gw * (gy1 - gy0 + 1);
    const i32 p0 = start[k], p1 = start[k + 1];
    // pixels come in raster order: the row is tracked, not divided for
    i32 y = p0 < p1 ? pixels[p0] / W : 0, rowStart = y * W;
    for (i32 p = p0; p < p1; p++) {
      const i32 i = pixels[p];
      while (i >= rowStart + W) {
        y++;
        rowStart += W;
      }
      const i32 x = i - rowStart;
      const double fy = y * qy, fx = x * qx;
      const double fy0 = __builtin_floor(fy), fx0 = __builtin_floor(fx);
      const i32 y0 = fy0 < h - 1 ? (i32)fy0 : h - 1, x0 = fx0 < w - 1 ? (i32)fx0 : w - 1;
      const double ty = fy - y0, tx = fx - x0;
      const i32 y1 = y0 + 1 < h - 1 ? y0 + 1 : h - 1, x1 = x0 + 1 < w - 1 ? x0 + 1 : w - 1;
      const i32 r0 = (y0 - gy0) * gw, r1 = (y1 - gy0) * gw;
      acc[r0 + x0 - gx0] += (1 - ty) * (1 - tx);
      acc[r0 + x1 - gx0] += (1 - ty) * tx;
      acc[r1 + x0 - gx0] += ty * (1 - tx);
      acc[r1 + x1 - gx0] += ty * tx;
    }
    for (i32 q = 0, gy = gy0, gx = gx0; q < size; q++) {
      if (acc[q] != 0) {
        cell[t] = gy * w + gx;
        weight[t++] = acc[q];
      }
      acc[q] = 0;
      if (++gx > gx1) {
        gx = gx0;
        gy++;
      }
    }
    count[k] = p1 - p0;
    offs[k + 1] = t;
  }
  arena_release(mark);
  return t;
}

/** JavaScript's Math.round of x ≥ 0 (halves up; x − ⌊x⌋ is exact) */
static double js_round(double x) {
  const double f = __builtin_floor(x);
  return x - f >= 0.5 ? f + 1 : f;
}

/**
 * areaShape.ts's RadiusMedian: the median of the distances dist[pixels[0 .. n)], all square roots
 * of whole numbers, ranked by a count per rounded r² (no selection). Returns 0, leaving *out, where
 * two different values share a count, or the values are not finite below 2^15.
 */
static int radius_median(const float *dist, const i32 *pixels, i32 n, double max, double *out) {
  if (!(max < 32768)) return 0;
  const i32 top = (i32)js_round(max * max);
  uintptr_t mark = arena_mark();
  i32 *count = arena_take(4 * ((uintptr_t)top + 1));
  double *value = arena_take(8 * ((uintptr_t)top + 1));
  zero(count, 4 * ((u32)top + 1));
  int ok = 1;
  for (i32 q = 0; q < n && ok; q++) {
    const double r = dist[pixels[q]];
    // (r ≥ 0 here: the largest is finite and below 2^15, and NaN or negative would fail below)
    if (!(r >= 0)) {
      ok = 0;
      break;
    }
    const i32 key = (i32)js_round(r * r);
    if (count[key]++ == 0) value[key] = r;
    else if (value[key] != r) ok = 0;
  }
  if (ok) {
    // the values of rank ⌊n/2⌋ and (n even) the one before it
    const i32 mid = n >> 1;
    i32 seen = 0;
    double below = __builtin_nan("");
    ok = 0;
    for (i32 key = 0; key <= top; key++) {
      if (!count[key]) continue;
      seen += count[key];
      if (seen > mid) {
        *out = n % 2 ? value[key] : ((seen - count[key] == mid ? below : value[key]) + value[key]) / 2;
        ok = 1;
        break;
      }
      below = value[key];
    }
  }
  arena_release(mark);
  return ok;
}

// skimage.measure.perimeter's weights of a border pixel's code 1 + 2·(4-neighbours on the border)
// + 10·(diagonals on the border)
static double perim_w[50];

/** convex_area's buffers, for frames up to `side` pixels a side */
typedef struct {
  i32 *yLo, *yHi, *X, *Y, *chain, *hx, *hy;
  double *lo, *hi;
} hull_scratch;

/**
 * feret.ts's monotoneChain over the points from, from + step, … (to excluded) into h: right turns
 * and collinear points dropped (the cross products exact in 64 bits, as JavaScript's doubles are
 * for these sizes). Returns the chain's length.
 */
static i32 monotone_chain(const i32 *xs, const i32 *ys, i32 from, i32 to, i32 step, i32 *h) {
  i32 nh = 0;
  for (i32 i = from; i != to; i += step) {
    while (nh >= 2) {
      const i32 o = h[nh - 2], a = h[nh - 1];
      if (!((int64_t)(xs[a] - xs[o]) * (ys[i] - ys[o]) - (int64_t)(ys[a] - ys[o]) * (xs[i] - xs[o]) <= 0)) break;
      nh--;
    }
    h[nh++] = i;
  }
  return nh;
}

/** areaShape.ts's addMidpoints: the four edge midpoints of pixel (x, y), slot X + 1 (X ≥ −1) */
static void add_midpoints(i32 *yLo, i32 *yHi, i32 x, i32 y) {
  const i32 a = 2 * x, b = 2 * y;
  if (b < yLo[a]) yLo[a] = b;
  if (b > yHi[a]) yHi[a] = b;
  if (b < yLo[a + 2]) yLo[a + 2] = b;
  if (b > yHi[a + 2]) yHi[a + 2] = b;
  if (b - 1 < yLo[a + 1]) yLo[a + 1] = b - 1;
  if (b + 1 > yHi[a + 1]) yHi[a + 1] = b + 1;
}

static inline double dmin(double a, double b) { return b < a ? b : a; }
static inline double dmax(double a, double b) { return b > a ? b : a; }

/**
 * skimage.morphology.convex_hull_image's area (what areaShape.ts's doc describes): hull of the
 * midpoints of the outer pixels' edges (half-pixel units; only the lowest and highest point of
 * each X kept, so the points come sorted), then every pixel centre inside or on the hull, counted
 * per row with the crossings of the edges over that row.
 */
static double convex_area(const i32 *rf, const i32 *rl, const i32 *cf, const i32 *cl, i32 fw, i32 fh, double area, hull_scratch *s) {
  const i32 nx = 2 * fw + 2;
  i32 *yLo = s->yLo, *yHi = s->yHi, *X = s->X, *Y = s->Y;
  for (i32 c = 0; c < nx; c++) {
    yLo[c] = 0x7fffffff;
    yHi[c] = -0x7fffffff;
  }
  for (i32 y = 0; y < fh; y++) {
    if (rf[y] < 0) continue;
    add_midpoints(yLo, yHi, rf[y], y);
    if (rl[y] != rf[y]) add_midpoints(yLo, yHi, rl[y], y);
  }
  for (i32 x = 0; x < fw; x++) {
    if (cf[x] < 0) continue;
    add_midpoints(yLo, yHi, x, cf[x]);
    if (cl[x] != cf[x]) add_midpoints(yLo, yHi, x, cl[x]);
  }
  i32 np = 0;
  for (i32 c = 0; c < nx; c++) {
    if (yHi[c] < yLo[c]) continue;
    X[np] = c - 1;
    Y[np++] = yLo[c];
    if (yHi[c] != yLo[c]) {
      X[np] = c - 1;
      Y[np++] = yHi[c];
    }
  }
  // lower chain less its last point, then the upper one less its last
  i32 *chain = s->chain, *hx = s->hx, *hy = s->hy;
  i32 nh = monotone_chain(X, Y, 0, np, 1, chain) - 1;
  if (nh < 0) nh = 0;
  for (i32 v = 0; v < nh; v++) {
    hx[v] = X[chain[v]];
    hy[v] = Y[chain[v]];
  }
  i32 nu = monotone_chain(X, Y, np - 1, -1, -1, chain) - 1;
  for (i32 v = 0; v < nu; v++, nh++) {
    hx[nh] = X[chain[v]];
    hy[nh] = Y[chain[v]];
  }
  if (nh < 3) return area;
  double *lo = s->lo, *hi = s->hi;
  for (i32 y = 0; y < fh; y++) {
    lo[y] = __builtin_inf();
    hi[y] = -__builtin_inf();
  }
  for (i32 e = 0; e < nh; e++) {
    const i32 f = (e + 1) % nh;
    const i32 ya = hy[e], yb = hy[f];
    const double ymin = ya < yb ? ya : yb, ymax = ya < yb ? yb : ya;
    double ys = __builtin_ceil(ymin / 2), ye = __builtin_floor(ymax / 2);
    if (ys < 0) ys = 0;
    if (ye > fh - 1) ye = fh - 1;
    for (i32 y = (i32)ys; y <= (i32)ye; y++) {
      const i32 py = 2 * y;
      if (ya == yb) {
        lo[y] = dmin(dmin(lo[y], hx[e]), hx[f]);
        hi[y] = dmax(dmax(hi[y], hx[e]), hx[f]);
      } else {
        const double x = hx[e] + (double)((int64_t)(py - ya) * (hx[f] - hx[e])) / (double)(yb - ya);
        if (x < lo[y]) lo[y] = x;
        if (x > hi[y]) hi[y] = x;
      }
    }
  }
  double count = 0;
  for (i32 y = 0; y < fh; y++) {
    if (hi[y] < lo[y]) continue;
    const double first = __builtin_ceil(lo[y] / 2 - 1e-9), last = __builtin_floor(hi[y] / 2 + 1e-9);
    if (last >= first) count += last - first + 1;
  }
  return count;
}

/**
 * measureAreaShape's per-pixel passes, every object: per object k, stats[16k ..] = Σx, Σy, Σx², Σy²,
 * Σxy, Σ(y−cy)², Σ(x−cx)², Σ(x−cx)(y−cy) (cx = Σx/area), the perimeter, 4 × the Euler number, and of
 * its pixels' distances to the edge (dist, one per image pixel) the sum, the largest, the median and
 * 1 where that median is left to the caller (radius_median could not rank them by count), the
 * convex area;
 * and its frame's (bounding box + 1 pixel of zeros) first and last pixel column per frame row
 * (rowFirst/rowLast from rowAt[k], −1: none) and first and last row per frame column (from colAt[k]).
 */
__attribute__((export_name("area_passes")))
void area_passes(const i32 *start, const i32 *pixels, const i32 *bbox, i32 n, i32 w, const float *dist, const i32 *rowAt, const i32 *colAt, i32 *rowFirst, i32 *rowLast, i32 *colFirst, i32 *colLast, double *stats) {
  const double SQRT2 = __builtin_sqrt(2.0);
  static const int ones[6] = {5, 7, 15, 17, 25, 27};
  for (int c = 0; c < 6; c++) perim_w[ones[c]] = 1;
  perim_w[21] = perim_w[33] = SQRT2;
  perim_w[13] = perim_w[23] = (1 + SQRT2) / 2;
  // Euler number ×4 of a 2×2 quad by its code tl + 2·tr + 4·bl + 8·br: one pixel +1, three −1,
  // a diagonal pair (codes 6 and 9) −2
  static const signed char quad[16] = {0, 1, 1, 0, 1, 0, -2, -1, 1, -2, 0, -1, 0, -1, -1, 0};
  uintptr_t mark = arena_mark();
  u32 frame = 0, area = 0;
  for (i32 k = 0; k < n; k++) {
    const u32 f = (u32)(bbox[4 * k + 2] - bbox[4 * k] + 3) * (u32)(bbox[4 * k + 3] - bbox[4 * k + 1] + 3);
    if (f > frame) frame = f;
    if ((u32)(start[k + 1] - start[k]) > area) area = start[k + 1] - start[k];
  }
  i32 side = 1;
  for (i32 k = 0; k < n; k++) {
    const i32 fw = bbox[4 * k + 2] - bbox[4 * k] + 3, fh = bbox[4 * k + 3] - bbox[4 * k + 1] + 3;
    if (fw > side) side = fw;
    if (fh > side) side = fh;
  }
  const uintptr_t points = 4 * (uintptr_t)side + 4;
  hull_scratch hs = {
    arena_take(4 * (2 * (uintptr_t)side + 2)), arena_take(4 * (2 * (uintptr_t)side + 2)), arena_take(4 * points), arena_take(4 * points),
    arena_take(4 * points), arena_take(8 * points), arena_take(8 * points), arena_take(8 * (uintptr_t)side), arena_take(8 * (uintptr_t)side),
  };
  unsigned char *m = arena_take(frame), *border = arena_take(frame);
  i32 *at = arena_take(4 * (uintptr_t)area), *borderAt = arena_take(4 * (uintptr_t)area);
  zero(m, frame);
  zero(border, frame);
  for (i32 k = 0; k < n; k++) {
    const i32 x0 = bbox[4 * k], y0 = bbox[4 * k + 1], fw = bbox[4 * k + 2] - x0 + 3, fh = bbox[4 * k + 3] - y0 + 3;
    const i32 p0 = start[k], p1 = start[k + 1];
    i32 *rf = rowFirst + rowAt[k], *rl = rowLast + rowAt[k], *cf = colFirst + colAt[k], *cl = colLast + colAt[k];
    for (i32 j = 0; j < fh; j++) rf[j] = rl[j] = -1;
    for (i32 j = 0; j < fw; j++) cf[j] = cl[j] = -1;
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    i32 y = p0 < p1 ? pixels[p0] / w : 0, rowStart = y * w;
    for (i32 p = p0, q = 0; p < p1; p++, q++) {
      const i32 i = pixels[p];
      while (i >= rowStart + w) {
        y++;
        rowStart += w;
      }
      const i32 x = i - rowStart;
      const i32 fx = x - x0 + 1, fy = y - y0 + 1;
      at[q] = fy * fw + fx;
      // raster order: a row's first pixel comes first, a column's first row first
      if (rf[fy] < 0) rf[fy] = fx;
      rl[fy] = fx;
      if (cf[fx] < 0) cf[fx] = fy;
      cl[fx] = fy;
      const double dx = x, dy = y;
      sx += dx;
      sy += dy;
      sxx += dx * dx;
      syy += dy * dy;
      sxy += dx * dy;
      m[at[q]] = 1;
    }
    const double a = p1 - p0;
    const double cx = sx / a, cy = sy / a;
    double mrr = 0, mcc = 0, mrc = 0, rsum = 0, rmax = 0;
    i32 nb = 0;
    y = p0 < p1 ? pixels[p0] / w : 0, rowStart = y * w;
    for (i32 p = p0, q = 0; p < p1; p++, q++) {
      const i32 i = pixels[p];
      while (i >= rowStart + w) {
        y++;
        rowStart += w;
      }
      const double dx = (i - rowStart) - cx, dy = y - cy;
      mrr += dy * dy;
      mcc += dx * dx;
      mrc += dx * dy;
      const double d = dist[i];
      rsum += d;
      if (d > rmax) rmax = d;
      const i32 fi = at[q];
      if (!m[fi - 1] || !m[fi + 1] || !m[fi - fw] || !m[fi + fw]) {
        border[fi] = 1;
        borderAt[nb++] = fi;
      }
    }
    // perimeter: each border pixel's neighbourhood code, in raster order
    double per = 0;
    for (i32 q = 0; q < nb; q++) {
      const i32 fi = borderAt[q];
      const i32 code = 1 + 2 * (border[fi - 1] + border[fi + 1] + border[fi - fw] + border[fi + fw]) +
                       10 * (border[fi - fw - 1] + border[fi - fw + 1] + border[fi + fw - 1] + border[fi + fw + 1]);
      per += perim_w[code];
    }
    // Euler number, 8-connected: (Q1 − Q3 − 2·QD) / 4 over the 2×2 quads over the two rows' pixels
    // (empty quads add 0), each quad's code slid along the row from the last one's right column
    i32 euler4 = 0;
    for (i32 yy = 0; yy < fh - 1; yy++) {
      const i32 ra = rf[yy], rb = rf[yy + 1];
      if (ra < 0 && rb < 0) continue;
      const i32 lo = ra < 0 ? rb : rb < 0 ? ra : ra < rb ? ra : rb;
      const i32 hi = ra < 0 ? rl[yy + 1] : rb < 0 ? rl[yy] : rl[yy] > rl[yy + 1] ? rl[yy] : rl[yy + 1];
      i32 fi = yy * fw + lo - 1;
      i32 code = (m[fi] << 1) | (m[fi + fw] << 3);
      for (i32 xx = lo - 1; xx <= hi; xx++, fi++) {
        code = ((code >> 1) & 5) | (m[fi + 1] << 1) | (m[fi + fw + 1] << 3);
        euler4 += quad[code];
      }
    }
    // the frame buffers back to zeros, over this object's pixels only
    for (i32 q = 0; q < p1 - p0; q++) m[at[q]] = border[at[q]] = 0;
    double *s = stats + 16 * k;
    s[10] = rsum;
    s[11] = rmax;
    s[13] = !radius_median(dist, pixels + p0, p1 - p0, rmax, s + 12);
    s[14] = convex_area(rf, rl, cf, cl, fw, fh, a, &hs);
    s[0] = sx;
    s[1] = sy;
    s[2] = sxx;
    s[3] = syy;
    s[4] = sxy;
    s[5] = mrr;
    s[6] = mcc;
    s[7] = mrc;
    s[8] = per;
    s[9] = euler4;
  }
  arena_release(mark);
}

/**
 * zernike.ts's moments M(a, m) = Σ ρ^{2a}·(y' + i·x')^m over the pixels of each object inside its
 * circle (circle[3k ..] = cx, cy, r; r > 0, else the object is skipped; bbox its box), for 2a + m ≤ 9 in
 * zernike.ts's MOMENTS order: out[60k + j] is the real part of moment j, out[60k + 30 + j] the
 * imaginary part (those of m = 0 stay +0). The products and sums are zernikeOfObject's, in its order.
 */
__attribute__((export_name("zernike_moments")))
void zernike_moments(const i32 *start, const i32 *pixels, const i32 *bbox, i32 n, i32 w, const double *circle, double *out) {
  uintptr_t mark = arena_mark();
  i32 most = 1;
  for (i32 k = 0; k < n; k++)
    if (bbox[4 * k + 2] - bbox[4 * k] + 1 > most) most = bbox[4 * k + 2] - bbox[4 * k] + 1;
  // per column of the object's box: x' and x'² (the same quotient and product each pixel would make)
  double *colX = arena_take(8 * (uintptr_t)most), *colXX = arena_take(8 * (uintptr_t)most);
  for (i32 k = 0; k < n; k++) {
    double *mr = out + 60 * k, *mi = mr + 30;
    for (int j = 0; j < 60; j++) mr[j] = 0;
    const double cx = circle[3 * k], cy = circle[3 * k + 1], r = circle[3 * k + 2];
    if (!(r > 0)) continue;
    // m = 0: real sums; m ≥ 1: (real, imaginary) in the two lanes, c[j − 5] for moment j, each
    // lane the scalar loop's products and sums
    double r0 = 0, r1 = 0, r2 = 0, r3 = 0, r4 = 0;
    v128_t c[25];
    for (int j = 0; j < 25; j++) c[j] = wasm_f64x2_splat(0);
    const i32 p0 = start[k], p1 = start[k + 1];
    const i32 x0 = bbox[4 * k], nx = bbox[4 * k + 2] - x0 + 1;
    for (i32 c = 0; c < nx; c++) {
      colX[c] = ((double)(x0 + c) - cx) / r;
      colXX[c] = colX[c] * colX[c];
    }
    i32 y = p0 < p1 ? pixels[p0] / w : 0, rowStart = y * w;
    double yy = ((double)y - cy) / r, yy2 = yy * yy;
    for (i32 p = p0; p < p1; p++) {
      const i32 i = pixels[p];
      if (i >= rowStart + w) {
        do {
          y++;
          rowStart += w;
        } while (i >= rowStart + w);
        yy = ((double)y - cy) / r;
        yy2 = yy * yy;
      }
      const i32 col = i - rowStart - x0;
      const double x = colX[col];
      const double rho2 = colXX[col] + yy2;
      // as centrosome: strictly outside by round-off is outside
      if (rho2 > 1) continue;
      const double q1 = rho2, q2 = q1 * rho2, q3 = q2 * rho2, q4 = q3 * rho2;
      r0 += 1; r1 += q1; r2 += q2; r3 += q3; r4 += q4;
      const v128_t v1 = wasm_f64x2_splat(q1), v2 = wasm_f64x2_splat(q2), v3 = wasm_f64x2_splat(q3), v4 = wasm_f64x2_splat(q4);
      // z ← z·(y' + i·x'): (zr·y' + zi·(−x'), zi·y' + zr·x'), the scalar loop's
      // zr·y' − zi·x' and zr·x' + zi·y' (a sum's order does not change its bits)
      const v128_t vy = wasm_f64x2_splat(yy), vx = wasm_f64x2_make(-x, x);
#define ZSTEP(z) wasm_f64x2_add(wasm_f64x2_mul(z, vy), wasm_f64x2_mul(wasm_i64x2_shuffle(z, z, 1, 0), vx))
#define ACC(j, t) c[(j) - 5] = wasm_f64x2_add(c[(j) - 5], t)
      v128_t z = wasm_f64x2_make(yy, x);
      ACC(5, z); ACC(6, wasm_f64x2_mul(v1, z)); ACC(7, wasm_f64x2_mul(v2, z)); ACC(8, wasm_f64x2_mul(v3, z)); ACC(9, wasm_f64x2_mul(v4, z));
      z = ZSTEP(z);
      ACC(10, z); ACC(11, wasm_f64x2_mul(v1, z)); ACC(12, wasm_f64x2_mul(v2, z)); ACC(13, wasm_f64x2_mul(v3, z));
      z = ZSTEP(z);
      ACC(14, z); ACC(15, wasm_f64x2_mul(v1, z)); ACC(16, wasm_f64x2_mul(v2, z)); ACC(17, wasm_f64x2_mul(v3, z));
      z = ZSTEP(z);
      ACC(18, z); ACC(19, wasm_f64x2_mul(v1, z)); ACC(20, wasm_f64x2_mul(v2, z));
      z = ZSTEP(z);
      ACC(21, z); ACC(22, wasm_f64x2_mul(v1, z)); ACC(23, wasm_f64x2_mul(v2, z));
      z = ZSTEP(z);
      ACC(24, z); ACC(25, wasm_f64x2_mul(v1, z));
      z = ZSTEP(z);
      ACC(26, z); ACC(27, wasm_f64x2_mul(v1, z));
      z = ZSTEP(z);
      ACC(28, z);
      z = ZSTEP(z);
      ACC(29, z);
#undef ZSTEP
#undef ACC
    }
    mr[0] = r0;
    mr[1] = r1;
    mr[2] = r2;
    mr[3] = r3;
    mr[4] = r4;
    for (int j = 5; j < 30; j++) {
      mr[j] = wasm_f64x2_extract_lane(c[j - 5], 0);
      mi[j] = wasm_f64x2_extract_lane(c[j - 5], 1);
    }
  }  arena_release(mark);
}

/**
 * indexObjects: every object's pixels by a counting sort on the label (n labels, w wide). head[0]
 * gets −1, or the index of the first negative label (then nothing else is made); head[1] the
 * largest label, head[2] the object count, head[3..7] the pointers of slot (largest + 1), ids,
 * start (objects + 1), pixels and bbox (4 per object), taken from the arena.
 */
__attribute__((export_name("index_objects")))
void index_objects(const i32 *labels, i32 w, i32 h, i32 *head) {
  const i32 total = w * h;
  i32 max = 0;
  for (i32 i = 0; i < total; i++) {
    const i32 v = labels[i];
    if (v < 0) {
      head[0] = i;
      return;
    }
    if (v > max) max = v;
  }
  head[0] = -1;
  i32 *slot = arena_take(4 * ((uintptr_t)max + 1));
  zero(slot, 4 * ((u32)max + 1));
  // counts first, in the slot table
  for (i32 i = 0; i < total; i++) slot[labels[i]]++;
  i32 n = 0;
  for (i32 v = 1; v <= max; v++) n += slot[v] != 0;
  i32 *ids = arena_take(4 * (uintptr_t)n), *start = arena_take(4 * ((uintptr_t)n + 1)), *fill = arena_take(4 * (uintptr_t)n);
  start[0] = 0;
  for (i32 v = 1, k = 0; v <= max; v++) {
    const i32 c = slot[v];
    if (!c) {
      slot[v] = -1;
      continue;
    }
    ids[k] = v;
    fill[k] = start[k];
    start[k + 1] = start[k] + c;
    slot[v] = k++;
  }
  slot[0] = -1;
  i32 *pixels = arena_take(4 * ((uintptr_t)start[n] + 1)), *bbox = arena_take(16 * (uintptr_t)n);
  for (i32 k = 0; k < n; k++) {
    bbox[4 * k] = w;
    bbox[4 * k + 1] = h;
    bbox[4 * k + 2] = -1;
    bbox[4 * k + 3] = -1;
  }
  // a row's runs of one label at a time: the box grows once a run, not once a pixel
  for (i32 y = 0, i = 0; y < h; y++) {
    for (i32 x = 0; x < w;) {
      const i32 v = labels[i];
      if (!v) {
        x++;
        i++;
        continue;
      }
      const i32 k = slot[v], x0 = x;
      i32 f = fill[k];
      do {
        pixels[f++] = i;
        x++;
        i++;
      } while (x < w && labels[i] == v);
      fill[k] = f;
      i32 *b = bbox + 4 * k;
      if (x0 < b[0]) b[0] = x0;
      if (y < b[1]) b[1] = y;
      if (x - 1 > b[2]) b[2] = x - 1;
      if (y > b[3]) b[3] = y;
    }
  }
  head[1] = max;
  head[2] = n;
  head[3] = (i32)(uintptr_t)slot;
  head[4] = (i32)(uintptr_t)ids;
  head[5] = (i32)(uintptr_t)start;
  head[6] = (i32)(uintptr_t)pixels;
  head[7] = (i32)(uintptr_t)bbox;
}

/**
 * outlineAndEdge: outline (centrosome.outline: an 8-neighbour of another label, or the image
 * border) and edge (find_boundaries inner: a 4-neighbour of another label inside the image), one
 * byte per pixel each.
 */
__attribute__((export_name("outline_edge")))
void outline_edge(const i32 *labels, i32 w, i32 h, unsigned char *outline, unsigned char *edge) {
  zero(outline, (u32)(w * h));
  zero(edge, (u32)(w * h));
  for (i32 y = 0; y < h; y++) {
    const int rim = y == 0 || y == h - 1;
    for (i32 x = 0, i = y * w; x < w; x++, i++) {
      const i32 v = labels[i];
      if (!v) continue;
      if (rim || x == 0 || x == w - 1) {
        outline[i] = 1;
        if ((x > 0 && labels[i - 1] != v) || (x < w - 1 && labels[i + 1] != v) || (y > 0 && labels[i - w] != v) || (y < h - 1 && labels[i + w] != v)) edge[i] = 1;
        continue;
      }
      if (labels[i - 1] != v || labels[i + 1] != v || labels[i - w] != v || labels[i + w] != v) {
        edge[i] = 1;
        outline[i] = 1;
      } else if (labels[i - w - 1] != v || labels[i - w + 1] != v || labels[i + w - 1] != v || labels[i + w + 1] != v)
        outline[i] = 1;
    }
  }
}

/**
 * measureNeighbors' pixel part, every object: nn[k] = the other objects met by the disk `reach`
 * (nreach (dy, dx) pairs; reachAt the same as linear offsets, rimAt its right rim) around the
 * object's boundary pixels (all its pixels where boundary is 0), per[k] its outline pixels,
 * touching[k] those with another object under the disk `touch`. ir, it: the disks' radii in
 * pixels; span[dy + ir] the reach disk's half-width on row dy, touchSpan[dy + it] the touch disk's
 * (their rows are contiguous). seen: one
 * entry per label (ids[n − 1] + 1), any contents.
 */
__attribute__((export_name("neighbor_counts")))
void neighbor_counts(const i32 *labels, i32 w, i32 h, const unsigned char *outline, const unsigned char *boundary, const i32 *start, const i32 *pixels, const i32 *ids, i32 n,
                     const i32 *reach, i32 nreach, const i32 *reachAt, const i32 *rimAt, i32 nrim, const i32 *touch, i32 ntouch, const i32 *touchAt, i32 ir, i32 it, const i32 *span, const i32 *touchSpan,
                     i32 *seen, i32 *nnOut, i32 *perOut, i32 *touchingOut) {
  for (i32 v = 0; v <= ids[n - 1]; v++) seen[v] = -1;
  for (i32 k = 0; k < n; k++) {
    const i32 id = ids[k];
    i32 nn = 0, per = 0, touching = 0, lastReach = -2;
    for (i32 p = start[k]; p < start[k + 1]; p++) {
      const i32 i = pixels[p];
      // only boundary pixels reach other objects first; the others matter only on the outline
      const int reaches = !boundary || boundary[i];
      if (!reaches && !outline[i]) continue;
      const i32 y = i / w, x = i - y * w;
      if (!reaches) {
        /* on the outline only */
      } else if (x >= ir && y >= ir && x < w - ir && y < h - ir) {
        // the whole disk inside the image; after the left neighbour's disk, only the right rim is new
        if (lastReach == i - 1 || ir < 2) {
          const i32 *offs = lastReach == i - 1 ? rimAt : reachAt;
          const i32 no = lastReach == i - 1 ? nrim : nreach;
          for (i32 e = 0; e < no; e++) {
            const i32 v = labels[i + offs[e]];
            if (!v || v == id || seen[v] == k) continue;
            seen[v] = k;
            nn++;
          }
        } else {
          // the disk's rows (its own pixel included: its label is id), four labels at a time, only
          // those of another object looked at one by one (a set: the order they are met in is free)
          const v128_t vid = wasm_i32x4_splat(id), vzero = wasm_i32x4_splat(0);
          for (i32 dy = -ir; dy <= ir; dy++) {
            const i32 hw = span[dy + ir], len = 2 * hw + 1;
            const i32 *row = labels + i + dy * w - hw;
            if (len < 4) {
              for (i32 e = 0; e < len; e++) {
                const i32 u = row[e];
                if (!u || u == id || seen[u] == k) continue;
                seen[u] = k;
                nn++;
              }
              continue;
            }
            for (i32 c = 0; c < len; c += 4) {
              const i32 at = c + 4 <= len ? c : len - 4;
              const v128_t v = wasm_v128_load(row + at);
              if (!wasm_v128_any_true(wasm_v128_andnot(wasm_i32x4_ne(v, vzero), wasm_i32x4_eq(v, vid)))) continue;
              for (int e = 0; e < 4; e++) {
                const i32 u = row[at + e];
                if (!u || u == id || seen[u] == k) continue;
                seen[u] = k;
                nn++;
              }
            }
          }
        }
        lastReach = i;
      } else {
        lastReach = i;
        for (i32 e = 0; e < nreach; e++) {
          const i32 yy = y + reach[2 * e], xx = x + reach[2 * e + 1];
          if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
          const i32 v = labels[yy * w + xx];
          if (!v || v == id || seen[v] == k) continue;
          seen[v] = k;
          nn++;
        }
      }
      if (!outline[i]) continue;
      per++;
      if (it >= 2 && x >= it && y >= it && x < w - it && y < h - it) {
        // the disk's rows four labels at a time (own pixel included): any of another object
        const v128_t vid = wasm_i32x4_splat(id), vzero = wasm_i32x4_splat(0);
        v128_t any = vzero;
        for (i32 dy = -it; dy <= it; dy++) {
          const i32 hw = touchSpan[dy + it], len = 2 * hw + 1;
          const i32 *row = labels + i + dy * w - hw;
          if (len < 4) {
            for (i32 e = 0; e < len; e++)
              if (row[e] && row[e] != id) any = wasm_i32x4_splat(-1);
            continue;
          }
          for (i32 c = 0; c < len; c += 4) {
            const v128_t v = wasm_v128_load(row + (c + 4 <= len ? c : len - 4));
            any = wasm_v128_or(any, wasm_v128_andnot(wasm_i32x4_ne(v, vzero), wasm_i32x4_eq(v, vid)));
          }
          if (wasm_v128_any_true(any)) break;
        }
        if (wasm_v128_any_true(any)) touching++;
        continue;
      }
      if (x >= it && y >= it && x < w - it && y < h - it) {
        for (i32 e = 0; e < ntouch; e++) {
          const i32 v = labels[i + touchAt[e]];
          if (v && v != id) {
            touching++;
            break;
          }
        }
        continue;
      }
      for (i32 e = 0; e < ntouch; e++) {
        const i32 yy = y + touch[2 * e], xx = x + touch[2 * e + 1];
        if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
        const i32 v = labels[yy * w + xx];
        if (v && v != id) {
          touching++;
          break;
        }
      }
    }
    nnOut[k] = nn;
    perOut[k] = per;
    touchingOut[k] = touching;
  }
}

/**
 * texture.ts's quantize: each value clamped to 0..1 (NaN to 0), ×255, rounded half to even
 * (np.rint; f64x2.nearest) and mapped through level[0..255].
 */
__attribute__((export_name("quantize")))
void quantize(const double *img, i32 n, const unsigned short *level, unsigned short *out) {
  const v128_t zero = wasm_f64x2_splat(0), one = wasm_f64x2_splat(1), s = wasm_f64x2_splat(255);
  i32 i = 0;
  for (; i + 2 <= n; i += 2) {
    // pmax(0, v) = 0 < v ? v : 0 (NaN and −0 to +0), then pmin(1, ·) = · < 1 ? · : 1
    const v128_t c = wasm_f64x2_pmin(one, wasm_f64x2_pmax(zero, wasm_v128_load(img + i)));
    const v128_t r = wasm_i32x4_trunc_sat_f64x2_zero(wasm_f64x2_nearest(wasm_f64x2_mul(c, s)));
    out[i] = level[wasm_i32x4_extract_lane(r, 0)];
    out[i + 1] = level[wasm_i32x4_extract_lane(r, 1)];
  }
  for (; i < n; i++) {
    const double v = img[i];
    out[i] = level[(i32)__builtin_rint((v > 0 ? (v < 1 ? v : 1) : 0) * 255)];
  }
}
