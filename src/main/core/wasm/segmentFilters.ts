import { loadKernel } from './instance';
import wasm from './segmentFiltersWasm';

/** segmentFilters.c's exports (pointers into the instance's memory; see that file) */
export interface SegmentFiltersExports {
  memory: { buffer: ArrayBuffer };
  gaussian_blur(src: number, width: number, height: number, taps: number, r: number, out: number): void;
  max_filter(src: number, width: number, height: number, r: number, out: number): void;
}

export const segmentFiltersKernel = loadKernel<SegmentFiltersExports>(wasm);
