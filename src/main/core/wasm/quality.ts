import { loadKernel } from './instance';
import wasm from './qualityWasm';

/** quality.c's exports (pointers into the instance's memory; see that file) */
export interface QualityExports {
  along_y(src: number, out: number, w: number, h: number, k: number, r: number, constant: number): void;
  along_x(src: number, out: number, w: number, h: number, k: number, r: number, constant: number): void;
  gaussian(src: number, out: number, w: number, h: number, k: number, r: number, constant: number): void;
  tubeness(u: number, out: number, w: number, h: number, k: number, r: number, sigma: number): void;
}

export const qualityKernel = loadKernel<QualityExports>(wasm);
