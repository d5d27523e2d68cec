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
  const crop = (k: number, x0: number, y0: number, x1: number, y1: number) => {
    const bw = x1 - x0 + 1, bh = y1 - y0 + 1;
    const inside = new Uint8Array(bw * bh);
    for (let p = start[k]; p < start[k + 1]; p++) {
      const i = pixels[p];
      const y = (i / w) | 0;
      inside[(y - y0) * bw + (i - y * w - x0)] = 1;
    }
    const d2 = squaredDistanceTransform(inside, bw, bh);
    return (i: number) => {
      const y = (i / w) | 0;
      return d2[(y - y0) * bw + (i - y * w - x0)];
    };
  };
  for (let k = 0; k < ids.length; k++) {
    const x0 = bbox[4 * k] - 1, y0 = bbox[4 * k + 1] - 1, x1 = bbox[4 * k + 2] + 1, y1 = bbox[4 * k + 3] + 1;
    const at = crop(k, x0, y0, x1, y1);
    const clear = x0 >= 0 && y0 >= 0 && x1 <= w - 1 && y1 <= h - 1;
    for (let p = start[k]; p < start[k + 1]; p++) {
      const i = pixels[p];
      const s = Math.sqrt(at(i));
      toEdge[i] = s;
      if (clipped && clear) clipped[i] = s;
    }
    if (!clipped || clear) continue;
    const atClipped = crop(k, Math.max(0, x0), Math.max(0, y0), Math.min(w - 1, x1), Math.min(h - 1, y1));
    for (let p = start[k]; p < start[k + 1]; p++) clipped[pixels[p]] = Math.sqrt(atClipped(pixels[p]));
  }
  return { toEdge, clipped };
}

/** objectEdges' toEdge alone */
export const distanceToEdge = (ix: ObjectIndex): Float32Array => objectEdges(ix, false).toEdge;
