import { gaussianKernel } from '../metrics/filters';
import { qualityKernel } from '../wasm/quality';

/**
 * EnhanceOrSuppressFeatures (Enhance → Neurites → Tubeness, smoothing scale σ, rescaled) as
 * CellProfiler 4.2.8 computes it for JUMP's mito_tubeness: scipy's Gaussian (reflect), centrosome's
 * Hessian by finite differences (rows/columns on the border left 0 for the terms that need them),
 * the eigenvalue of larger magnitude where it is negative (bright ridges), times σ², then
 * scikit-image's rescale_intensity of the image's min..max to 0..1. All of it runs in
 * WebAssembly (core/wasm/quality.c: tubeness).
 */
export function tubeness(u: Float64Array, w: number, h: number, sigma = 1): Float64Array {
  const k = gaussianKernel(sigma);
  const q = qualityKernel();
  q.reset();
  const pu = q.put(u), pk = q.put(k), po = q.alloc(8 * w * h);
  q.exports.tubeness(pu, po, w, h, pk, (k.length - 1) >> 1, sigma);
  return q.f64(po, w * h).slice();
}
