import { loadKernel } from './instance';
import wasm from './granularityWasm';

/** granularity.c's exports (pointers into the instance's memory; see that file) */
export interface GranularityExports {
  resample(src: number, w: number, nw: number, nh: number, y0: number, y1: number, ty: number, x0: number, x1: number, tx: number, out: number): void;
  disk_morph(src: number, w: number, h: number, r: number, max: number, out: number): void;
  background_free(pixels: number, back: number, n: number, base: number, stats: number): number;
  max_tree(mask: number, w: number, h: number, order: number, nodeOf: number, parent: number, level: number, rank: number, values: number): number;
  erode_steps(base: number, w: number, h: number, S: number, nodeOf: number, out: number): void;
  reconstruct_under(n: number, order: number, parent: number, level: number, S: number, node: number, out: number): void;
  step_sums(rec: number, values: number, n: number, S: number, sums: number): void;
  object_sums(rec: number, values: number, S: number, nobj: number, start: number, cell: number, weight: number, acc: number): void;
}

export const granularityKernel = loadKernel<GranularityExports>(wasm);
