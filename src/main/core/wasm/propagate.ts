import { loadKernel } from './instance';
import wasm from './propagateWasm';

/** propagate.c's exports (pointers into the instance's memory; see that file) */
export interface PropagateExports {
  memory: { buffer: ArrayBuffer };
  flood_buckets(image: number, seed: number, mask: number, w: number, h: number, lambda: number, inv: number, out: number): number;
  centred_buckets(cl: number, dist: number, w: number, h: number, kd: number, kk: number, gs: number, ngroups: number): number;
  radial_geometry(W: number, nobj: number, start: number, px: number, bbox: number, edge: number, bins: number, bin: number, wedge: number): void;
}

export const propagateKernel = loadKernel<PropagateExports>(wasm);
