import { loadKernel } from './instance';
import wasm from './segmentMasksWasm';

/** segmentMasks.c's exports (pointers into the instance's memory; see that file) */
export interface SegmentMasksExports {
  memory: { buffer: ArrayBuffer };
  fill_holes(mask: number, width: number, height: number, maxHoleArea: number, out: number): void;
}

export const segmentMasksKernel = loadKernel<SegmentMasksExports>(wasm);
