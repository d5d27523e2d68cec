import { loadKernel } from './instance';
import wasm from './sortWasm';

/** sort.c's exports (pointers into the instance's memory; see that file) */
export interface SortExports {
  dense_ranks(v: number, at: number, m: number, out: number, len: number): number;
  sorted_ranks(v: number, n: number, rank: number): number;
  sorted_values(u: number, n: number, out: number): number;
  rank_keys(a: number, n: number, lo: number, scale: number, dev: number, centre: number, counts: number, keys: number): void;
  rank_gather(a: number, n: number, keys: number, slot: number, dev: number, centre: number, buf: number): void;
  sort_unit(src: number, n: number, out: number): number;
  object_quartiles(values: number, start: number, nobj: number, lq: number, med: number, uq: number, mad: number, nan: number): void;
  window_deviations(a: number, n: number, centre: number, d1: number, d2: number, buf: number, below: number): number;
}

export const sortKernel = loadKernel<SortExports>(wasm);
