import { floatKeys, radixSort } from './radixSort';

/**
 * Grey reconstruction by dilation through the mask's max-tree (component tree of its upper level
 * sets, 4-connected). The reconstruction of a seed under the mask is, at each pixel, the highest
 * level t such that the pixel's component of {mask ≥ t} holds a seed value ≥ t; with the tree
 * built once, every seed (the granularity spectrum's 16 erosions) costs a few linear passes
 * instead of a flood. Values are only selected (min/max), never computed, so the result equals
 * any exact reconstruction (skimage.morphology.reconstruction with footprint disk(1)) bit for bit,
 * and the passes can run on integer codes of the values (any coding that keeps their order):
 * half the memory of doubles, which is what these passes are bound by.
 */
export interface MaxTree {
  /** tree node i is pixel order[i] (nodes in post-order: a node's subtree comes just before it) */
  order: Int32Array;
  /** the node of each pixel (the inverse of order) */
  nodeOf: Int32Array;
  /** parent node of node i (always > i; the root, node n − 1, is its own parent) */
  parent: Int32Array;
  /** mask value of node i, as its rank among the mask's distinct values (0 = lowest) */
  level: Int32Array;
  /** per pixel, the rank of its mask value (raster order) */
  rank: Int32Array;
  /** the mask's distinct values, increasing: values[rank] */
  values: Float64Array;
}

/** Pixel indices by decreasing value, ties in pixel order. */
const orderDecreasing = (v: Float64Array): Int32Array => radixSort(floatKeys(v, true)).index;

/** Max-tree of a w×h image of values ≥ 0 (Berger et al. 2007: union-find in decreasing order). */
export function maxTree(mask: Float64Array, w: number, h: number): MaxTree {
  const n = w * h;
  for (let i = 0; i < n; i++) if (!(mask[i] >= 0)) throw new Error(`maxTree: value ${mask[i]} at pixel ${i}; needs values ≥ 0`);
  const order = orderDecreasing(mask);
  if (!n) return { order, nodeOf: new Int32Array(0), parent: new Int32Array(0), level: new Int32Array(0), rank: new Int32Array(0), values: new Float64Array(0) };
  // dense ranks, from the lowest value up
  const rank = new Int32Array(n);
  const distinct = new Float64Array(n);
  let nv = 0;
  for (let t = n - 1; t >= 0; t--) {
    const p = order[t], v = mask[p];
    if (nv === 0 || v !== distinct[nv - 1]) distinct[nv++] = v;
    rank[p] = nv - 1;
  }
  const par = new Int32Array(n);
  const zpar = new Int32Array(n).fill(-1);
  // union-find root with path halving
  const find = (q: number) => {
    while (zpar[q] !== q) {
      const g = zpar[zpar[q]];
      zpar[q] = g;
      q = g;
    }
    return q;
  };
  // A pixel's parent is set when its component joins a later pixel's (one random write less per
  // pixel): it hangs from the component's newest pixel, kept in `repr` at the component's
  // union-find root. Union by size keeps the find paths short (the root is no longer the newest
  // pixel, hence repr), and the merged size is the new pixel's subtree size (its component once
  // it is done), so no pass over the tree sums them. The grid is connected, so the last pixel
  // processed is the root, its own parent.
  const size = new Int32Array(n), repr = new Int32Array(n);
  // pixel → its subtree's size, then, once the pixel has its block (its size read for the last
  // time), the first free number in the block: one place per pixel for both
  const block = new Int32Array(n);
  for (let t = 0; t < n; t++) {
    const p = order[t];
    zpar[p] = p;
    size[p] = 1;
    let zp = p;
    const y = (p / w) | 0, x = p - y * w;
    for (let k = 0; k < 4; k++) {
      const q = k === 0 ? (x > 0 ? p - 1 : -1) : k === 1 ? (x < w - 1 ? p + 1 : -1) : k === 2 ? (y > 0 ? p - w : -1) : y < h - 1 ? p + w : -1;
      if (q < 0 || zpar[q] === -1) continue;
      let zq = find(q);
      if (zq === zp) continue;
      par[repr[zq]] = p;
      if (size[zp] < size[zq]) {
        const z = zp;
        zp = zq;
        zq = z;
      }
      zpar[zq] = zp;
      size[zp] += size[zq];
    }
    repr[zp] = p;
    block[p] = size[zp];
  }
  par[order[n - 1]] = order[n - 1];
  // no canonical step: with ties, a node's subtree may be only part of its level's component,
  // but that component's last pixel is one of its ancestors, which the top-down maximum reaches.
  // Number the nodes in post-order: children still come before their parents, and a chain of
  // single children (most of a tree of float levels) gets consecutive numbers, so the per-seed
  // passes read their parents, and pixels that lie together, from nearby memory. Each node's
  // subtree takes a block of its size (blocks top-down, in pixel space); the node is its block's
  // last number.
  const pos = new Int32Array(n); // pixel → node number
  const root = order[n - 1];
  pos[root] = n - 1;
  block[root] = 0;
  for (let t = n - 2; t >= 0; t--) {
    const p = order[t], q = par[p];
    const b = block[q], sz = block[p];
    block[q] = b + sz;
    block[p] = b;
    pos[p] = b + sz - 1;
  }
  const nodeOrder = new Int32Array(n), parent = new Int32Array(n), level = new Int32Array(n);
  for (let p = 0; p < n; p++) {
    const q = pos[p];
    nodeOrder[q] = p;
    parent[q] = pos[par[p]];
    level[q] = rank[p];
  }
  return { order: nodeOrder, nodeOf: pos, parent, level, rank, values: distinct.slice(0, nv) };
}

/**
 * Reconstruction by dilation of S seeds at once under the tree's mask, on integer codes:
 * `level` codes each node's mask value and `node` holds the seed codes, S per node in node
 * order (0 ≤ seed ≤ mask, in codes that order as the values do; the caller puts them there as it
 * makes them, a scatter being cheaper than gathering them here from raster order). `node` is
 * overwritten; the reconstructions go to `out`, S per pixel in raster order.
 */
export function reconstructUnder(tree: MaxTree, level: Int32Array, S: number, node: Int32Array, out: Int32Array): void {
  const { order, parent } = tree;
  const n = order.length;
  if (!n) return;
  // highest seed in each node's subtree: a node is complete when reached (its subtree comes
  // before it), and passes it up
  for (let i = 0; i < n - 1; i++) {
    const b = i * S, j = parent[i] * S;
    for (let s = 0; s < S; s++) {
      const m = node[b + s];
      if (m > node[j + s]) node[j + s] = m;
    }
  }
  // top-down: a node's value is the best of its ancestors' and min(own level, subtree seed max)
  const r0 = (n - 1) * S, p0 = order[n - 1] * S, l0 = level[n - 1];
  for (let s = 0; s < S; s++) {
    out[p0 + s] = l0 < node[r0 + s] ? l0 : node[r0 + s];
  }
  // the parent's values are read back from `out` (mostly the node just done, still in cache)
  // rather than kept in `node` too
  for (let i = n - 2; i >= 0; i--) {
    const p = order[i] * S, b = i * S, j = order[parent[i]] * S, l = level[i];
    for (let s = 0; s < S; s++) {
      const a = l < node[b + s] ? l : node[b + s];
      const up = out[j + s];
      out[p + s] = a > up ? a : up;
    }
  }
}
