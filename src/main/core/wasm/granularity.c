// MeasureGranularity's kernels (core/features/granularity.ts, maxTree.ts): the mask's max-tree, the
// spectrum's erosions, the reconstruction of S seeds at once through the tree, and the step sums.
// Integer codes are only selected (min/max) and the sums run in the TypeScript loops' order, with
// no fused multiply-add (WebAssembly has none), so every output is the same bits as the reference
// loops in the tests.
#include <wasm_simd128.h>
#include "radix.h"

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
 * itself), step s of pixel p (the (s + 1)-th erosion) at out[node_of[p]·S + s].
 */
__attribute__((export_name("erode_steps")))
void erode_steps(const i32 *base, i32 w, i32 h, i32 S, const i32 *node_of, i32 *out) {
  const i32 n = w * h;
  uintptr_t mark = arena_mark();
  i32 *cur = arena_take(4u * n), *nxt = arena_take(4u * n);
  __builtin_memcpy(cur, base, 4u * n);
  for (i32 s = 0; s < S; s++) {
    for (i32 y = 0; y < h; y++) {
      const i32 *r = cur + y * w, *u = cur + (y > 0 ? y - 1 : y) * w, *d = cur + (y < h - 1 ? y + 1 : y) * w;
      i32 *o = nxt + y * w;
      for (i32 x = 0; x < w; x++) {
        i32 m = r[x];
        const i32 l = r[x > 0 ? x - 1 : x], rr = r[x < w - 1 ? x + 1 : x];
        if (l < m) m = l;
        if (rr < m) m = rr;
        if (u[x] < m) m = u[x];
        if (d[x] < m) m = d[x];
        o[x] = m;
      }
    }
    for (i32 p = 0; p < n; p++) out[node_of[p] * S + s] = nxt[p];
    i32 *t = cur; cur = nxt; nxt = t;
  }
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
