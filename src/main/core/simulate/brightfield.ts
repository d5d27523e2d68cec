/**
 * Brightfield planes from optical thickness. A thin phase object is nearly invisible at focus;
 * defocus turns its curvature into intensity (transport of intensity: I(z) ≈ I₀(1 − z·k·∇²φ)), so
 * the planes 5 µm above and below focus show the same cells with opposite contrast, a halo around
 * thick (rounded, mitotic) cells, and blur. The focus plane keeps faint edges, granules and the
 * slight absorption of nuclei and nucleoli.
 */
import { binomial, gaussBlur } from './filters';

export interface BrightfieldPlanes {
  BF: Float32Array;
  BFHigh: Float32Array;
  BFLow: Float32Array;
}

/** Returns relative intensity planes (≈1 background) before illumination and noise. */
export function renderBrightfield(thickness: Float32Array, debris: Float32Array, w: number, h: number): BrightfieldPlanes {
  const n = w * h;
  const t = new Float32Array(n);
  for (let i = 0; i < n; i++) t[i] = thickness[i] + 0.6 * debris[i];
  const t07 = binomial(t, w, h, 1);
  const t1 = binomial(t07, w, h, 1);
  const t3 = gaussBlur(t1, w, h, 3.0);
  const lap = new Float32Array(n);
  for (let i = 0; i < n; i++) lap[i] = t1[i] - t3[i]; // ≈ −∇² of the smoothed phase, band-limited
  // defocused planes are blurrier: blur their contrast term once, shared by both
  const lapDefocus = binomial(lap, w, h, 2);
  const BF = new Float32Array(n);
  const BFHigh = new Float32Array(n);
  const BFLow = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const lapFine = t07[i] - t1[i];
    BF[i] = 1 - 0.03 * t1[i] + 0.4 * lapFine + 0.1 * lap[i];
    BFHigh[i] = 1 + 0.55 * lapDefocus[i] - 0.02 * t3[i];
    BFLow[i] = 1 - 0.55 * lapDefocus[i] - 0.02 * t3[i];
  }
  return { BF, BFHigh, BFLow };
}
