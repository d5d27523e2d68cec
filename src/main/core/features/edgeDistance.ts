import { segmentDistanceKernel } from '../wasm/segmentDistance';
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
  const np = pixels.length;
  // segmentDistance.c's object_edges (WebAssembly) gives the distances in the pixels' order
  const k = segmentDistanceKernel();
  k.reset();
  const st = k.put(start), px = k.put(pixels), bb = k.put(bbox);
  const te = k.alloc(4 * np), cp = k.alloc(withClipped ? 8 * np : 0);
  k.exports.object_edges(w, h, ids.length, st, px, bb, withClipped ? 1 : 0, te, cp);
  const toEdge = new Float32Array(labels.length);
  const e = new Float32Array(k.exports.memory.buffer, te, np);
  for (let q = 0; q < np; q++) toEdge[pixels[q]] = e[q];
  if (!withClipped) return { toEdge, clipped: null };
  const clipped = new Float64Array(labels.length);
  const c = k.f64(cp, np);
  for (let q = 0; q < np; q++) clipped[pixels[q]] = c[q];
  return { toEdge, clipped };
}

/** objectEdges' toEdge alone */
export const distanceToEdge = (ix: ObjectIndex): Float32Array => objectEdges(ix, false).toEdge;
