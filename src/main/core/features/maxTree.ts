import type { Kernel } from '../wasm/instance';
import { granularityKernel, type GranularityExports } from '../wasm/granularity';

/**
 * Grey reconstruction by dilation through the mask's max-tree (component tree of its upper level
 * sets, 4-connected). The reconstruction of a seed under the mask is, at each pixel, the highest
 * level t such that the pixel's component of {mask ≥ t} holds a seed value ≥ t; with the tree
 * built once, every seed (the granularity spectrum's 16 erosions) costs a few linear passes
 * instead of a flood. Values are only selected (min/max), never computed, so the result equals
 * any exact reconstruction (skimage.morphology.reconstruction with footprint disk(1)) bit for bit,
 * and the passes can run on integer codes of the values (any coding that keeps their order).
 * The tree and the passes are WebAssembly (core/wasm/granularity.c), memory-bound loops that run
 * 2–3× faster there than in JavaScript.
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

/** A max-tree in the kernel's memory: MaxTree's arrays as pointers, valid until the kernel's next reset. */
export interface ResidentTree {
  n: number;
  /** the number of distinct values */
  nv: number;
  order: number;
  nodeOf: number;
  parent: number;
  level: number;
  rank: number;
  values: number;
}

/**
 * The max-tree of the w×h mask at `mask` (a pointer to n doubles, all ≥ 0 and +0 for zero) in the
 * kernel's memory (Berger et al. 2007: union-find in decreasing order).
 */
export function residentTree(k: Kernel<GranularityExports>, mask: number, w: number, h: number): ResidentTree {
  const n = w * h;
  const t = { n, nv: 0, order: k.alloc(4 * n), nodeOf: k.alloc(4 * n), parent: k.alloc(4 * n), level: k.alloc(4 * n), rank: k.alloc(4 * n), values: k.alloc(8 * n) };
  t.nv = k.exports.max_tree(mask, w, h, t.order, t.nodeOf, t.parent, t.level, t.rank, t.values);
  return t;
}

/** mask into the kernel's memory, checked (values ≥ 0) and with −0 as +0 (the sort orders bits) */
export function putMask(k: Kernel<GranularityExports>, mask: ArrayLike<number>): number {
  const n = mask.length;
  const p = k.alloc(8 * n);
  const dst = k.f64(p, n);
  for (let i = 0; i < n; i++) {
    const v = mask[i];
    if (!(v >= 0)) throw new Error(`maxTree: value ${v} at pixel ${i}; needs values ≥ 0`);
    dst[i] = v + 0;
  }
  return p;
}

/** Max-tree of a w×h image of values ≥ 0, as JavaScript arrays. */
export function maxTree(mask: Float64Array, w: number, h: number): MaxTree {
  const k = granularityKernel();
  k.reset();
  const t = residentTree(k, putMask(k, mask), w, h);
  const n = t.n;
  return { order: k.i32(t.order, n).slice(), nodeOf: k.i32(t.nodeOf, n).slice(), parent: k.i32(t.parent, n).slice(), level: k.i32(t.level, n).slice(), rank: k.i32(t.rank, n).slice(), values: k.f64(t.values, t.nv).slice() };
}

/**
 * Reconstruction by dilation of S seeds at once under the tree's mask, on integer codes:
 * `level` codes each node's mask value and `node` holds the seed codes, S per node in node
 * order (0 ≤ seed ≤ mask, in codes that order as the values do). `node` is overwritten; the
 * reconstructions go to `out`, S per pixel in raster order.
 */
export function reconstructUnder(tree: MaxTree, level: Int32Array, S: number, node: Int32Array, out: Int32Array): void {
  const n = tree.order.length;
  if (!n) return;
  const k = granularityKernel();
  k.reset();
  const order = k.put(tree.order), parent = k.put(tree.parent), lv = k.put(level), nd = k.put(node), o = k.alloc(4 * n * S);
  k.exports.reconstruct_under(n, order, parent, lv, S, nd, o);
  node.set(k.i32(nd, n * S));
  out.set(k.i32(o, n * S));
}
