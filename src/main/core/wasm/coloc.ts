import { loadKernel } from './instance';
import wasm from './colocWasm';

/** coloc.c's exports (pointers into the instance's memory; see that file) */
export interface ColocExports {
  memory: { buffer: ArrayBuffer };
  coloc_channel(img: number, lev: number, kind: number, count: number, px: number, start: number, n: number, frac: number, v: number, rank: number, stats: number): number;
  coloc_pairs(v: number, r: number, s: number, pa: number, pb: number, R: number, np: number, start: number, n: number, out: number): void;
  mark(): number;
  release(mark: number): void;
}

export const colocKernel = loadKernel<ColocExports>(wasm);
