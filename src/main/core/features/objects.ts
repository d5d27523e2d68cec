import type { Labels } from '../segment/labels';

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
  // pixels per label in one pass, the counts growing with the largest label met
  let count = new Int32Array(1024);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    // (v >>> 0) is past the end for negative labels too
    if (v >>> 0 >= count.length) {
      if (v < 0) throw new Error(`label image has a negative label ${v}`);
      const grown = new Int32Array(Math.max(2 * count.length, v + 1));
      grown.set(count);
      count = grown;
    }
    count[v]++;
  }
  let max = count.length - 1;
  while (max > 0 && !count[max]) max--;
  const slot = new Int32Array(max + 1).fill(-1);
  let n = 0;
  for (let v = 1; v <= max; v++) if (count[v]) slot[v] = n++;
  const ids = new Int32Array(n);
  const start = new Int32Array(n + 1);
  for (let v = 1; v <= max; v++) {
    const k = slot[v];
    if (k < 0) continue;
    ids[k] = v;
    start[k + 1] = start[k] + count[v];
  }
  const pixels = new Int32Array(start[n]);
  const fill = Int32Array.from(start.subarray(0, n));
  const bbox = new Int32Array(4 * n);
  for (let k = 0; k < n; k++) {
    bbox[4 * k] = w;
    bbox[4 * k + 1] = h;
    bbox[4 * k + 2] = -1;
    bbox[4 * k + 3] = -1;
  }
  // a row's runs of one label at a time: the box grows once a run, not once a pixel
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; ) {
      const v = data[i];
      if (!v) {
        x++;
        i++;
        continue;
      }
      const k = slot[v], x0 = x;
      let f = fill[k];
      do {
        pixels[f++] = i;
        x++;
        i++;
      } while (x < w && data[i] === v);
      fill[k] = f;
      const b = 4 * k;
      if (x0 < bbox[b]) bbox[b] = x0;
      if (y < bbox[b + 1]) bbox[b + 1] = y;
      if (x - 1 > bbox[b + 2]) bbox[b + 2] = x - 1;
      if (y > bbox[b + 3]) bbox[b + 3] = y;
    }
  }
  return { width: w, height: h, labels: data, ids, slot, start, pixels, bbox };
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
  const outline = new Uint8Array(w * h), edge = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const rim = y === 0 || y === h - 1;
    for (let x = 0, i = y * w; x < w; x++, i++) {
      const v = labels[i];
      if (!v) continue;
      if (rim || x === 0 || x === w - 1) {
        outline[i] = 1;
        if ((x > 0 && labels[i - 1] !== v) || (x < w - 1 && labels[i + 1] !== v) || (y > 0 && labels[i - w] !== v) || (y < h - 1 && labels[i + w] !== v)) edge[i] = 1;
        continue;
      }
      if (labels[i - 1] !== v || labels[i + 1] !== v || labels[i - w] !== v || labels[i + w] !== v) {
        edge[i] = 1;
        outline[i] = 1;
      } else if (labels[i - w - 1] !== v || labels[i - w + 1] !== v || labels[i + w - 1] !== v || labels[i + w + 1] !== v) outline[i] = 1;
    }
  }
  return { outline, edge };
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
