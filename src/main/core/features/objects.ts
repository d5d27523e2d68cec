import type { Labels } from '../segment/labels';
import { shapeKernel } from '../wasm/shape';

/**
 * Every object's pixels, found in one pass over the label image (a counting sort by label):
 * all per-object measurements then touch only their own pixels, never the whole image.
 */
export interface ObjectIndex {
  width: number;
  height: number;
  labels: Int32Array;
  /** object numbers present, ascending */
  ids: Int32Array;
  /** label value → position in ids, or -1 */
  slot: Int32Array;
  /** pixels of object k are pixels[start[k] .. start[k+1]) in raster order */
  start: Int32Array;
  pixels: Int32Array;
  /** per object: minX, minY, maxX, maxY (inclusive) */
  bbox: Int32Array;
}

export function indexObjects(l: Labels): ObjectIndex {
  const { width: w, height: h, data } = l;
  if (data.length !== w * h) throw new Error(`label image of ${data.length} pixels is not ${w}×${h}`);
  // the counting sort runs in the kernel (core/wasm/shape.c index_objects)
  const kk = shapeKernel();
  kk.reset();
  const pHead = kk.alloc(32);
  kk.exports.index_objects(kk.put(data), w, h, pHead);
  const [bad, max, n, pSlot, pIds, pStart, pPixels, pBox] = kk.i32(pHead, 8);
  if (bad >= 0) throw new Error(`label image has a negative label ${data[bad]}`);
  const start = kk.i32(pStart, n + 1).slice();
  return {
    width: w,
    height: h,
    labels: data,
    ids: kk.i32(pIds, n).slice(),
    slot: kk.i32(pSlot, max + 1).slice(),
    start,
    pixels: kk.i32(pPixels, start[n]).slice(),
    bbox: kk.i32(pBox, 4 * n).slice(),
  };
}

/** Columns of one measurement module: names[j] → values[j][object slot]. */
export interface FeatureBlock {
  names: string[];
  values: Float64Array[];
}

export function newBlock(names: string[], n: number): FeatureBlock {
  return { names, values: names.map(() => new Float64Array(n)) };
}

/**
 * centrosome.outline (used by CellProfiler's MeasureObjectIntensity and MeasureObjectNeighbors):
 * a pixel is on its object's outline when any of its 8 neighbours has another label, or it lies
 * on the image border.
 */
export function outlineMask(labels: Int32Array, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const v = labels[i];
      if (!v) continue;
      if (x === 0 || y === 0 || x === w - 1 || y === h - 1) {
        out[i] = 1;
        continue;
      }
      if (
        labels[i - 1] !== v || labels[i + 1] !== v || labels[i - w] !== v || labels[i + w] !== v ||
        labels[i - w - 1] !== v || labels[i - w + 1] !== v || labels[i + w - 1] !== v || labels[i + w + 1] !== v
      )
        out[i] = 1;
    }
  }
  return out;
}

/**
 * outlineMask, and skimage.segmentation.find_boundaries(labels, mode="inner"), the edge
 * MeasureObjectIntensity uses: object pixels with a 4-neighbour of another label (background
 * included), neighbours beyond the image border not existing (the image border alone never
 * makes an edge). One pass for both: away from the border an inner pixel is on the outline too,
 * and only the others need their diagonals.
 */
export function outlineAndEdge(labels: Int32Array, w: number, h: number): { outline: Uint8Array; edge: Uint8Array } {
  // one pass in the kernel (core/wasm/shape.c outline_edge)
  const kk = shapeKernel();
  kk.reset();
  const pLabels = kk.put(labels), pOutline = kk.alloc(w * h), pEdge = kk.alloc(w * h);
  kk.exports.outline_edge(pLabels, w, h, pOutline, pEdge);
  const buf = kk.exports.memory.buffer;
  return { outline: new Uint8Array(buf, pOutline, w * h).slice(), edge: new Uint8Array(buf, pEdge, w * h).slice() };
}

/** Pixel values as 0–1 doubles (CellProfiler's scaling: ÷255 for 8-bit, ÷65535 for 16-bit). */
export function unitImage(g: { bitDepth: number; data: ArrayLike<number> }): Float64Array {
  const s = g.bitDepth === 16 ? 65535 : 255;
  const out = new Float64Array(g.data.length);
  for (let i = 0; i < out.length; i++) out[i] = g.data[i] / s;
  return out;
}

/** Moves the k-th smallest of a[lo..hi] to a[k], smaller before, larger after (quickselect). */
export function selectInPlace(a: Float64Array, lo: number, hi: number, k: number): void {
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    // median of three as pivot
    let p = a[mid];
    const x = a[lo], z = a[hi];
    if ((x <= p && p <= z) || (z <= p && p <= x)) {
      /* p */
    } else if ((p <= x && x <= z) || (z <= x && x <= p)) p = x;
    else p = z;
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i] < p) i++;
      while (a[j] > p) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

/**
 * Per object of ix: 1 when it has a pixel in the image's first or last row or column, as
 * CellProfiler's IdentifyPrimaryObjects detects objects touching the border (only the border is read).
 */
export function touchingBorder(ix: ObjectIndex): Uint8Array {
  const { width: w, height: h, labels, slot } = ix;
  const out = new Uint8Array(ix.ids.length);
  const mark = (i: number) => {
    const v = labels[i];
    if (v) out[slot[v]] = 1;
  };
  for (let x = 0; x < w; x++) {
    mark(x);
    mark((h - 1) * w + x);
  }
  for (let y = 0; y < h; y++) {
    mark(y * w);
    mark(y * w + w - 1);
  }
  return out;
}
