import { loadKernel } from './instance';
import wasm from './corrWasm';

/** corr.c's exports (pointers into the instance's memory; see that file) */
export interface CorrExports {
  memory: { buffer: ArrayBuffer };
  li_prefix(v: number, c: number, m: number, x: number, cn: number, cs: number, out: number): void;
  li_sums(a: number, n: number, x: number, cn: number, cs: number, out: number): number;
}

export const corrKernel = loadKernel<CorrExports>(wasm);
