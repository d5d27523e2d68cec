import { loadKernel } from './instance';
import wasm from './fftWasm';

/** fft.c's exports (pointers into the instance's memory; see that file) */
export interface FftExports {
  dft1(plan: number, re: number, im: number): void;
  ring_spectrum(u: number, w: number, h: number, scale: number, shift: number, rows: number, columns: number, cols: number, nc: number, last: number, mag: number, pow: number): void;
}

export const fftKernel = loadKernel<FftExports>(wasm);
