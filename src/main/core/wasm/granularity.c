// MeasureGranularity's kernels (core/features/granularity.ts, maxTree.ts): the mask's max-tree, the
// spectrum's erosions, the reconstruction of S seeds at once through the tree, and the step sums.
// Integer codes are only selected (min/max) and the sums run in the TypeScript loops' order, with
// no fused multiply-add (WebAssembly has none), so every output is the same bits as the reference
// loops in the tests.
#include <wasm_simd128.h>
#include "radix.h"

/**
 * scipy.ndimage.map_coordinates(order=1) on a separable grid: output (r, c) interpolates rows
 * y0[r], y1[r] with weight ty[r] and columns x0[c], x1[c] with tx[c] (the TypeScript side makes
 * the tables from the grid's coordinates).
 */
__attribute__((export_name("resample")))
void resample(const double *src, i32 w, i32 nw, i32 nh, const i32 *y0, const i32 *y1, const double *ty, const i32 *x0, const i32 *x1, const double *tx, double *out) {
  for (i32 r = 0; r < nh; r++) {
    const double t = ty[r];
    const double *a = src + y0[r] * w, *b = src + y1[r] * w;
    double *o = out + r * nw;
    for (i32 c = 0; c < nw; c++) {
      const double u = tx[c];
      o[c] = (1 - t) * ((1 - u) * a[x0[c]] + u * a[x1[c]]) + t * ((1 - u) * b[x0[c]] + u * b[x1[c]]);
    }
  }
}

/** scipy's 'reflect' edge (d c b a | a b c d | d c b a), repeated for offsets beyond the image */
static i32 mirror(i32 i, i32 n) {
  while (i < 0 || i >= n) i = i < 0 ? -i - 1 : 2 * n - i - 1;
  return i;
}

/** JavaScript's `b > a ? b : a` (pmax keeps a on ties and for ±0, as the comparison does) */
static inline double jsmax(double a, double b) { return a < b ? b : a; }

/**
 * Grey erosion (max = 0) or dilation (max = 1) by disk(r) with reflect edges, decomposed into the
 * disk's horizontal chords (half-width ⌊√(r² − dy²)⌋ at row offset dy): the result is the max over
 * dy of a sliding-window max of that width on row y + dy; the minimum is the maximum of the negated
 * image (negation is exact). A window of half-width hw comes from one of ⌈hw/2⌉ in one step (the
 * union of two overlapping smaller windows); ties keep the earlier value, as the TypeScript did.
 */
__attribute__((export_name("disk_morph")))
void disk_morph(const double *src, i32 w, i32 h, i32 r, i32 max, double *res) {
  if (!w || !h) return;
  uintptr_t mark = arena_mark();
  i32 *widths = arena_take(4u * (2 * r + 1));
  for (i32 dy = -r; dy <= r; dy++) {
    i32 hw = 0;
    while ((hw + 1) * (hw + 1) + dy * dy <= r * r) hw++;
    widths[dy + r] = hw;
  }
  const i32 stride = w + 2 * r;
  const double sign = max ? 1 : -1;
  // which half-widths are built: the chords' and, recursively, the ⌈hw/2⌉ each is made from
  unsigned char *need = arena_take(r + 1);
  __builtin_memset(need, 0, r + 1);
  for (i32 j = 0; j < 2 * r + 1; j++)
    for (i32 hw = widths[j]; hw && !need[hw]; hw = (hw + 1) / 2) need[hw] = 1;
  // per half-width, its maxima over the whole image (w per row); index 0 the signed image itself
  double **maxima = arena_take(sizeof(double *) * (r + 1));
  for (i32 hw = 0; hw <= r; hw++) maxima[hw] = (hw == 0 || need[hw]) ? arena_take(8u * w * h) : 0;
  double *row = arena_take(8u * stride);
  double **rows = arena_take(sizeof(double *) * (r + 1));
  for (i32 hw = 1; hw <= r; hw++) rows[hw] = need[hw] ? arena_take(8u * stride) : 0;
  for (i32 y = 0; y < h; y++) {
    for (i32 x = 0; x < w; x++) row[r + x] = sign * src[y * w + x];
    for (i32 t = 1; t <= r; t++) {
      row[r - t] = row[r + mirror(-t, w)];
      row[r + w - 1 + t] = row[r + mirror(w - 1 + t, w)];
    }
    rows[0] = row;
    for (i32 hw = 1; hw <= r; hw++) {
      if (!need[hw]) continue;
      double *dst = rows[hw];
      if (hw == 1) {
        for (i32 t = 1; t < stride - 1; t++) dst[t] = jsmax(jsmax(row[t - 1], row[t]), row[t + 1]);
        continue;
      }
      const i32 half = (hw + 1) / 2, d = hw - half;
      const double *from = rows[half];
      for (i32 t = hw; t < stride - hw; t++) dst[t] = jsmax(from[t - d], from[t + d]);
    }
    for (i32 hw = 0; hw <= r; hw++)
      if (maxima[hw]) __builtin_memcpy(maxima[hw] + y * w, rows[hw] + r, 8u * w);
  }
  for (i32 y = 0; y < h; y++) {
    double *o = res + y * w;
    __builtin_memcpy(o, maxima[widths[0]] + mirror(y - r, h) * w, 8u * w);
    for (i32 dy = -r + 1; dy <= r; dy++) {
      const double *m = maxima[widths[dy + r]] + mirror(y + dy, h) * w;
      i32 x = 0;
      for (; x + 2 <= w; x += 2) wasm_v128_store(o + x, wasm_f64x2_pmax(wasm_v128_load(o + x), wasm_v128_load(m + x)));
      for (; x < w; x++) o[x] = jsmax(o[x], m[x]);
    }
  }
  if (!max)
    for (i32 i = 0; i < w * h; i++) res[i] = -res[i];
  arena_release(mark);
}

/**
 * The background-free image: base = max(0, pixels − back) (+0 for −0, as Math.max(0, ·)); stats[0]
 * its maximum, stats[1] its sum in pixel order. Returns the first pixel whose difference is NaN, or −1.
 */
__attribute__((export_name("background_free")))
i32 background_free(const double *pixels, const double *back, i32 n, double *base, double *stats) {
  double top = 0, sum = 0;
  for (i32 i = 0; i < n; i++) {
    const double d = pixels[i] - back[i];
    if (d != d) return i;
    const double v = d > 0 ? d : 0;
    base[i] = v;
    if (v > top) top = v;
    sum += v;
  }
  stats[0] = top;
  stats[1] = sum;
  return -1;
}

/**
 * Pixel indices by decreasing value, ties in pixel order (values ≥ 0, no NaN; +0 only): radix.h's
 * LSD radix sort of the values' bits, complemented.
 */
static void order_decreasing(const double *v, i32 n, i32 *out) {
  uintptr_t mark = arena_mark();
  u64 *ka = arena_take(8u * n), *kb = arena_take(8u * n);
  i32 *ia = arena_take(4u * n), *ib = arena_take(4u * n);
  for (i32 i = 0; i < n; i++) {
    u64 b;
    __builtin_memcpy(&b, &v[i], 8);
    ka[i] = ~b;
    ia[i] = i;
  }
  __builtin_memcpy(out, radix_sort(ka, ia, kb, ib, n) ? ib : ia, 4u * n);
  arena_release(mark);
}

/**
 * Max-tree of a w×h mask (values ≥ 0), as maxTree.ts describes it: union-find by size in decreasing
 * order (a pixel hangs from its component's newest pixel when the component joins a later one),
 * nodes numbered in post-order by subtree blocks. Writes order (node → pixel), node_of, parent,
 * level (node → rank), rank (pixel → rank) and values (the distinct values, increasing); returns
 * their count.
 */
__attribute__((export_name("max_tree")))
i32 max_tree(const double *mask, i32 w, i32 h, i32 *order, i32 *node_of, i32 *parent, i32 *level, i32 *rank, double *values) {
  const i32 n = w * h;
  if (!n) return 0;
  uintptr_t mark = arena_mark();
  i32 *byval = arena_take(4u * n);
  order_decreasing(mask, n, byval);
  i32 nv = 0;
  for (i32 t = n - 1; t >= 0; t--) {
    i32 p = byval[t];
    double v = mask[p];
    if (nv == 0 || v != values[nv - 1]) values[nv++] = v;
    rank[p] = nv - 1;
  }
  i32 *par = arena_take(4u * n), *zpar = arena_take(4u * n), *size = arena_take(4u * n), *repr = arena_take(4u * n), *block = arena_take(4u * n);
  for (i32 i = 0; i < n; i++) zpar[i] = -1;
  for (i32 t = 0; t < n; t++) {
    const i32 p = byval[t], y = p / w, x = p - y * w;
    zpar[p] = p;
    size[p] = 1;
    i32 zp = p;
    const i32 nb[4] = {x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, y > 0 ? p - w : -1, y < h - 1 ? p + w : -1};
    for (int k = 0; k < 4; k++) {
      i32 q = nb[k];
      if (q < 0 || zpar[q] == -1) continue;
      // root with path halving
      while (zpar[q] != q) {
        i32 g = zpar[zpar[q]];
        zpar[q] = g;
        q = g;
      }
      i32 zq = q;
      if (zq == zp) continue;
      par[repr[zq]] = p;
      if (size[zp] < size[zq]) {
        i32 z = zp;
        zp = zq;
        zq = z;
      }
      zpar[zq] = zp;
      size[zp] += size[zq];
    }
    repr[zp] = p;
    block[p] = size[zp];
  }
  const i32 root = byval[n - 1];
  par[root] = root;
  // each subtree takes a block of its size, top-down; the node is its block's last number
  node_of[root] = n - 1;
  block[root] = 0;
  for (i32 t = n - 2; t >= 0; t--) {
    const i32 p = byval[t], q = par[p], b = block[q], sz = block[p];
    block[q] = b + sz;
    block[p] = b;
    node_of[p] = b + sz - 1;
  }
  for (i32 p = 0; p < n; p++) {
    const i32 q = node_of[p];
    order[q] = p;
    parent[q] = node_of[par[p]];
    level[q] = rank[p];
  }
  arena_release(mark);
  return nv;
}

/**
 * The S erosions by disk(1) of the codes `base` (reflect edges: a missing neighbour is the pixel
 * itself), step s of pixel p (the (s + 1)-th erosion) at out[node_of[p]·S + s]. Erosion q of row y
 * needs erosion q − 1 of rows y ± 1, so the rows are swept as a wavefront (row Y − 1 at erosion 1, row
 * Y − 2 at erosion 2, …) in a band of S + 2 rows × S + 1 planes (plane 0 the codes) that stays in
 * cache; each row is padded by its edge values (the reflect edge) so the minima run four pixels at a
 * time, and a row leaves the band for node order, its S codes together, once its last erosion is done.
 */
__attribute__((export_name("erode_steps")))
void erode_steps(const i32 *base, i32 w, i32 h, i32 S, const i32 *node_of, i32 *out) {
  if (!w || !h) return;
  const i32 B = S + 2, W = w + 2, plane = W, slot = (S + 1) * W;
  uintptr_t mark = arena_mark();
  i32 *band = arena_take(4u * B * slot);
#define ROW(y, q) (band + ((y) % B) * slot + (q) * plane)
  for (i32 Y = 0; Y < h + S; Y++) {
    if (Y < h) {
      i32 *r = ROW(Y, 0);
      __builtin_memcpy(r + 1, base + Y * w, 4u * w);
      r[0] = r[1];
      r[w + 1] = r[w];
    }
    for (i32 q = 1; q <= S; q++) {
      // erosion q of row Y − q: erosion q − 1 of the row below it was made just before
      const i32 y = Y - q;
      if (y < 0 || y >= h) continue;
      const i32 *c = ROW(y, q - 1), *u = ROW(y > 0 ? y - 1 : y, q - 1), *d = ROW(y < h - 1 ? y + 1 : y, q - 1);
      i32 *o = ROW(y, q);
      i32 x = 1;
      for (; x + 4 <= w + 1; x += 4) {
        v128_t m = wasm_i32x4_min(wasm_v128_load(c + x - 1), wasm_v128_load(c + x));
        m = wasm_i32x4_min(m, wasm_v128_load(c + x + 1));
        m = wasm_i32x4_min(m, wasm_v128_load(u + x));
        m = wasm_i32x4_min(m, wasm_v128_load(d + x));
        wasm_v128_store(o + x, m);
      }
      for (; x <= w; x++) {
        i32 m = c[x];
        if (c[x - 1] < m) m = c[x - 1];
        if (c[x + 1] < m) m = c[x + 1];
        if (u[x] < m) m = u[x];
        if (d[x] < m) m = d[x];
        o[x] = m;
      }
      o[0] = o[1];
      o[w + 1] = o[w];
    }
    const i32 done = Y - S;
    if (done >= 0 && done < h) {
      const i32 *r = ROW(done, 1);
      for (i32 x = 0; x < w; x++) {
        i32 *dst = out + node_of[done * w + x] * S;
        for (i32 q = 0; q < S; q++) dst[q] = r[q * plane + x + 1];
      }
    }
  }
#undef ROW
  arena_release(mark);
}

/**
 * Reconstruction by dilation of S seeds at once under the tree's mask, on integer codes: `level`
 * codes each node's mask value, `node` holds the seeds' codes, S per node in node order (0 ≤ seed
 * ≤ mask), and is overwritten; the reconstructions go to `out`, S per pixel in raster order. Up:
 * each node passes its subtree's highest seed to its parent; down: a node's value is the higher
 * of its parent's and min(own level, subtree seed).
 */
__attribute__((export_name("reconstruct_under")))
void reconstruct_under(i32 n, const i32 *order, const i32 *parent, const i32 *level, i32 S, i32 *node, i32 *out) {
  if (!n) return;
  const i32 V = S & ~3;
  for (i32 i = 0; i < n - 1; i++) {
    i32 *a = node + i * S, *b = node + parent[i] * S;
    i32 s = 0;
    for (; s < V; s += 4) wasm_v128_store(b + s, wasm_i32x4_max(wasm_v128_load(b + s), wasm_v128_load(a + s)));
    for (; s < S; s++) if (a[s] > b[s]) b[s] = a[s];
  }
  {
    const i32 l = level[n - 1], *a = node + (n - 1) * S;
    i32 *o = out + order[n - 1] * S;
    for (i32 s = 0; s < S; s++) o[s] = l < a[s] ? l : a[s];
  }
  for (i32 i = n - 2; i >= 0; i--) {
    const i32 l = level[i], *a = node + i * S, *up = out + order[parent[i]] * S;
    i32 *o = out + order[i] * S;
    const v128_t lv = wasm_i32x4_splat(l);
    i32 s = 0;
    for (; s < V; s += 4) wasm_v128_store(o + s, wasm_i32x4_max(wasm_i32x4_min(lv, wasm_v128_load(a + s)), wasm_v128_load(up + s)));
    for (; s < S; s++) {
      const i32 m = l < a[s] ? l : a[s];
      o[s] = m > up[s] ? m : up[s];
    }
  }
}

/** sums[s] = Σ over pixels in raster order of values[rec[p·S + s]] */
__attribute__((export_name("step_sums")))
void step_sums(const i32 *rec, const double *values, i32 n, i32 S, double *sums) {
  for (i32 s = 0; s < S; s++) sums[s] = 0;
  for (i32 p = 0; p < n; p++) {
    const i32 *r = rec + p * S;
    for (i32 s = 0; s < S; s++) sums[s] += values[r[s]];
  }
}

/**
 * Per object k, each step's weighted sum over its grid cells t (start[k] ≤ t < start[k+1], in
 * order): acc[k·S + s] = Σ weight[t]·values[rec[cell[t]·S + s]].
 */
__attribute__((export_name("object_sums")))
void object_sums(const i32 *rec, const double *values, i32 S, i32 nobj, const i32 *start, const i32 *cell, const double *weight, double *acc) {
  for (i32 k = 0; k < nobj; k++) {
    double *a = acc + k * S;
    for (i32 s = 0; s < S; s++) a[s] = 0;
    for (i32 t = start[k]; t < start[k + 1]; t++) {
      const double wt = weight[t];
      const i32 *r = rec + cell[t] * S;
      for (i32 s = 0; s < S; s++) a[s] += wt * values[r[s]];
    }
  }
}
