import { loadKernel } from './instance';
import wasm from './segmentDistanceWasm';

/** segmentDistance.c's exports (pointers into the instance's memory; see that file) */
export interface SegmentDistanceExports {
  memory: { buffer: ArrayBuffer };
  squared_distance(inside: number, width: number, height: number, borderIsOutside: number, d: number): void;
  distance_f32(inside: number, width: number, height: number, borderIsOutside: number, out: number): void;
  object_edges(w: number, h: number, nobj: number, start: number, px: number, bbox: number, withClipped: number, toEdge: number, clipped: number): void;
}

export const segmentDistanceKernel = loadKernel<SegmentDistanceExports>(wasm);
