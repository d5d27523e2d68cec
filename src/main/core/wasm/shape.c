// The object geometry kernels (core/features/granularity.ts upsampleMeans, areaShape.ts
// measureAreaShape's per-pixel passes). Objects come as an ObjectIndex: pixels of object k are
// pixels[start[k] .. start[k+1]) in raster order, bbox[4k..4k+3] = minX, minY, maxX, maxY. Sums run
// in the TypeScript loops' order with the same operations (WebAssembly has no fused multiply-add),
// so every output is the same bits.
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

// skimage.measure.perimeter's weights of a border pixel's code 1 + 2·(4-neighbours on the border)
// + 10·(diagonals on the border)
static double perim_w[50];

/**
 * measureAreaShape's per-pixel passes, every object: per object k, stats[12k ..] = Σx, Σy, Σx², Σy²,
 * Σxy, Σ(y−cy)², Σ(x−cx)², Σ(x−cx)(y−cy) (cx = Σx/area), the perimeter, 4 × the Euler number;
 * and its frame's (bounding box + 1 pixel of zeros) first and last pixel column per frame row
 * (rowFirst/rowLast from rowAt[k], −1: none) and first and last row per frame column (from colAt[k]).
 */
__attribute__((export_name("area_passes")))
void area_passes(const i32 *start, const i32 *pixels, const i32 *bbox, i32 n, i32 w, const i32 *rowAt, const i32 *colAt, i32 *rowFirst, i32 *rowLast, i32 *colFirst, i32 *colLast, double *stats) {
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
    double mrr = 0, mcc = 0, mrc = 0;
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
    double *s = stats + 12 * k;
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
