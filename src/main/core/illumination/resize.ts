import { gaussianKernel, reflectIndex } from '../metrics/filters';

/**
 * skimage.transform.resize(image, shape, order=1, mode='symmetric') of scikit-image 0.19, which
 * CellProfiler's Resize calls for "Bilinear": when shrinking, scipy's gaussian_filter with
 * σ = (factor − 1)/2 per axis (mode 'reflect'), then scipy.ndimage.zoom order 1 with grid_mode
 * (pixel k samples (k + 0.5)·in/out − 0.5, half-sample reflection outside), clipped to the input's
 * range. `float32`: the input is float32 (scipy then rounds every output to float32).
 */
export function resizeLinear(src: Float64Array, w: number, h: number, outW: number, outH: number, float32 = false): Float64Array {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < src.length; i++) {
    if (src[i] < lo) lo = src[i];
    if (src[i] > hi) hi = src[i];
  }
  const fy = h / outH, fx = w / outW;
  let img = src;
  if (outH < h || outW < w) {
    // scipy filters axis 0 then axis 1; an axis whose σ is 0 is left alone
    if (fy > 1) img = filterAxis(img, w, h, gaussianKernel((fy - 1) / 2), true, float32);
    if (fx > 1) img = filterAxis(img, w, h, gaussianKernel((fx - 1) / 2), false, float32);
  }
  const ys = samples(outH, h, fy), xs = samples(outW, w, fx);
  const out = new Float64Array(outW * outH);
  for (let y = 0; y < outH; y++) {
    const r0 = ys.i0[y] * w, r1 = ys.i1[y] * w, ty = ys.t[y];
    for (let x = 0; x < outW; x++) {
      const c0 = xs.i0[x], c1 = xs.i1[x], tx = xs.t[x];
      const v = (1 - ty) * ((1 - tx) * img[r0 + c0] + tx * img[r0 + c1]) + ty * ((1 - tx) * img[r1 + c0] + tx * img[r1 + c1]);
      const c = v < lo ? lo : v > hi ? hi : v;
      out[y * outW + x] = float32 ? Math.fround(c) : c;
    }
  }
  return out;
}

/** the two input indices and the weight of the second for each output index along one axis */
function samples(nOut: number, nIn: number, zoom: number): { i0: Int32Array; i1: Int32Array; t: Float64Array } {
  const i0 = new Int32Array(nOut), i1 = new Int32Array(nOut), t = new Float64Array(nOut);
  for (let k = 0; k < nOut; k++) {
    const c = (k + 0.5) * zoom - 0.5;
    const f = Math.floor(c);
    t[k] = c - f;
    i0[k] = reflectIndex(f, nIn);
    i1[k] = reflectIndex(f + 1, nIn);
  }
  return { i0, i1, t };
}

/** scipy.ndimage.correlate1d, mode 'reflect': centre weight, then the symmetric pairs, as scipy sums them */
function filterAxis(src: Float64Array, w: number, h: number, k: Float64Array, alongY: boolean, float32: boolean): Float64Array {
  const r = (k.length - 1) >> 1;
  const out = new Float64Array(src.length);
  const n = alongY ? h : w;
  const idx = new Int32Array(n + 2 * r);
  for (let i = -r; i < n + r; i++) idx[i + r] = reflectIndex(i, n);
  for (let line = 0; line < (alongY ? w : h); line++) {
    const base = alongY ? line : line * w;
    const step = alongY ? w : 1;
    for (let i = 0; i < n; i++) {
      let s = src[base + i * step] * k[r];
      for (let j = 1; j <= r; j++) s += (src[base + idx[i + r + j] * step] + src[base + idx[i + r - j] * step]) * k[r + j];
      out[base + i * step] = float32 ? Math.fround(s) : s;
    }
  }
  return out;
}

/** numpy.round: halves go to the even neighbour */
export function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  return d > 0.5 ? f + 1 : d < 0.5 ? f : f % 2 === 0 ? f : f + 1;
}
