import { loadKernel } from './instance';
import wasm from './sortWasm';

/** sort.c's exports (pointers into the instance's memory; see that file) */
export interface SortExports {
  dense_ranks(v: number, at: number, m: number, out: number, len: number): number;
  sorted_ranks(v: number, n: number, rank: number): number;
  sorted_values(u: number, n: number, out: number): number;
}

export const sortKernel = loadKernel<SortExports>(wasm);
