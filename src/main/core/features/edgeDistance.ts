import { squaredDistanceTransform } from '../segment/distance';
import type { ObjectIndex } from './objects';

/**
 * centrosome's distance_to_edge as CellProfiler uses it: for each object pixel, the Euclidean
 * distance to the nearest pixel that is not in the same object (touching objects bound each
 * other). Computed per object on its bounding box plus a one-pixel margin, so the cost is the
 * objects' size, not the image's. `toEdge` (float32) takes the margin as it falls, past the image
 * border too (which then bounds the object); `clipped` (what MeasureObjectIntensityDistribution
 * uses) clips the margin to the image, so the image border bounds nothing. An object clear of
 * the border has the same crop for both, so its transform is computed once.
 */
export function objectEdges(ix: ObjectIndex, withClipped = true): { toEdge: Float32Array; clipped: Float64Array | null } {
  const { width: w, height: h, labels, ids, start, pixels, bbox } = ix;
  const toEdge = new Float32Array(labels.length);
  const clipped = withClipped ? new Float64Array(labels.length) : null;
  const scratch: CropScratch = { inside: new Uint8Array(0), at: new Int32Array(0) };
  for (let k = 0; k < ids.length; k++) {
    const x0 = bbox[4 * k] - 1, y0 = bbox[4 * k + 1] - 1, x1 = bbox[4 * k + 2] + 1, y1 = bbox[4 * k + 3] + 1;
    const p0 = start[k], np = start[k + 1] - p0;
    let d2 = cropTransform(ix, k, x0, y0, x1, y1, scratch);
    let at = scratch.at;
    const clear = x0 >= 0 && y0 >= 0 && x1 <= w - 1 && y1 <= h - 1;
    for (let t = 0; t < np; t++) {
      const i = pixels[p0 + t];
      const s = Math.sqrt(d2[at[t]]);
      toEdge[i] = s;
      if (clipped && clear) clipped[i] = s;
    }
    if (!clipped || clear) continue;
    d2 = cropTransform(ix, k, Math.max(0, x0), Math.max(0, y0), Math.min(w - 1, x1), Math.min(h - 1, y1), scratch);
    at = scratch.at;
    for (let t = 0; t < np; t++) clipped[pixels[p0 + t]] = Math.sqrt(d2[at[t]]);
  }
  return { toEdge, clipped };
}

/** objectEdges' toEdge alone */
export const distanceToEdge = (ix: ObjectIndex): Float32Array => objectEdges(ix, false).toEdge;

/** cropTransform's buffers, reused from object to object */
interface CropScratch {
  /** the object's mask on the crop */
  inside: Uint8Array;
  /** per pixel of the object: its place in the crop */
  at: Int32Array;
}

/** Object k's squared distances to its edge on the crop x0..x1 × y0..y1; s.at[t] = its pixel t's place there. */
function cropTransform(ix: ObjectIndex, k: number, x0: number, y0: number, x1: number, y1: number, s: CropScratch): Float64Array {
  const { width: w, start, pixels } = ix;
  const p0 = start[k], np = start[k + 1] - p0;
  const bw = x1 - x0 + 1, bh = y1 - y0 + 1;
  if (s.inside.length < bw * bh) s.inside = new Uint8Array(2 * bw * bh);
  else s.inside.fill(0, 0, bw * bh);
  if (s.at.length < np) s.at = new Int32Array(2 * np);
  const { inside, at } = s;
  // pixels come in raster order: the row is tracked, not divided for
  for (let t = 0, y = (pixels[p0] / w) | 0, rowStart = y * w; t < np; t++) {
    const i = pixels[p0 + t];
    while (i >= rowStart + w) {
      y++;
      rowStart += w;
    }
    const q = (y - y0) * bw + (i - rowStart - x0);
    at[t] = q;
    inside[q] = 1;
  }
  return squaredDistanceTransform(inside.subarray(0, bw * bh), bw, bh);
}
