import { distanceTransform } from '../segment/distance';
import type { ObjectIndex } from './objects';

/**
 * centrosome's distance_to_edge as CellProfiler uses it: for each object pixel, the Euclidean
 * distance to the nearest pixel that is not in the same object (touching objects bound each
 * other; the image border bounds nothing). Computed per object on its bounding box plus a
 * one-pixel margin, so the cost is the objects' size, not the image's.
 */
export function distanceToEdge(ix: ObjectIndex): Float32Array {
  const { width: w, labels, ids, start, pixels, bbox } = ix;
  const out = new Float32Array(labels.length);
  for (let k = 0; k < ids.length; k++) {
    const x0 = bbox[4 * k] - 1;
    const y0 = bbox[4 * k + 1] - 1;
    const bw = bbox[4 * k + 2] - x0 + 2;
    const bh = bbox[4 * k + 3] - y0 + 2;
    const inside = new Uint8Array(bw * bh);
    for (let p = start[k]; p < start[k + 1]; p++) {
      const i = pixels[p];
      const y = (i / w) | 0;
      inside[(y - y0) * bw + (i - y * w - x0)] = 1;
    }
    const d = distanceTransform(inside, bw, bh);
    for (let p = start[k]; p < start[k + 1]; p++) {
      const i = pixels[p];
      const y = (i / w) | 0;
      out[i] = d[(y - y0) * bw + (i - y * w - x0)];
    }
  }
  return out;
}
