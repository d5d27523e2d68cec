import { loadKernel } from './instance';
import wasm from './qualityWasm';

/** quality.c's exports (pointers into the instance's memory; see that file) */
export interface QualityExports {
  memory: { buffer: ArrayBuffer };
  tubeness(u: number, out: number, w: number, h: number, k: number, r: number, sigma: number): void;
  quantize8(u: number, levels: number, table: number, n: number, min: number, div: number, q: number): number;
  pair_counts(q: number, w: number, h: number, scale: number, counts: number): void;
  class_histograms(x: number, fg: number, n: number, lower: number, lowEnd: number, highEnd: number, norm: number, edges: number, counts: number, exact: number, margin: number): number;
  smoothed_foreground(u: number, w: number, h: number, k: number, r: number, final: number, fg: number): number;
  class_variances(fv: number, levels: number, fg: number, n: number, out: number): void;
  tile_moments(u: number, w: number, h: number, rowOf: number, from: number, nn: number, tiles: number, cnt: number, lm: number, sq: number): void;
  unlabelled(labels: number, n: number, out: number): number;
  mix_levels(levels: number, up: number, at: number, r: number, n: number, x: number, minmax: number): void;
  near_ends(x: number, n: number, nearMin: number, nearMax: number, out: number): number;
}

export const qualityKernel = loadKernel<QualityExports>(wasm);
