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
  const ys = samples(outH, h, fy), xs = samples(outW, w, fx);
  // only the rows and columns the interpolation reads are filtered (the same sums, far fewer)
  const rows = used(ys, h), cols = used(xs, w);
  const shrink = outH < h || outW < w;
  // scipy filters axis 0 then axis 1; an axis whose σ is 0 is left alone
  const ky = shrink && fy > 1 ? gaussianKernel((fy - 1) / 2) : null;
  const kx = shrink && fx > 1 ? gaussianKernel((fx - 1) / 2) : null;
  const img = filtered(src, w, h, ky, kx, rows.list, cols.list, float32);
  const nc = cols.list.length;
  const out = new Float64Array(outW * outH);
  for (let y = 0; y < outH; y++) {
    const r0 = rows.at[ys.i0[y]] * nc, r1 = rows.at[ys.i1[y]] * nc, ty = ys.t[y];
    for (let x = 0; x < outW; x++) {
      const c0 = cols.at[xs.i0[x]], c1 = cols.at[xs.i1[x]], tx = xs.t[x];
      const v = (1 - ty) * ((1 - tx) * img[r0 + c0] + tx * img[r0 + c1]) + ty * ((1 - tx) * img[r1 + c0] + tx * img[r1 + c1]);
      const c = v < lo ? lo : v > hi ? hi : v;
      out[y * outW + x] = float32 ? Math.fround(c) : c;
    }
  }
  return out;
}

/** the input indices an axis reads, in order, and each one's place among them */
function used(s: { i0: Int32Array; i1: Int32Array }, n: number): { list: Int32Array; at: Int32Array } {
  const mark = new Uint8Array(n);
  for (let k = 0; k < s.i0.length; k++) mark[s.i0[k]] = mark[s.i1[k]] = 1;
  const at = new Int32Array(n).fill(-1);
  const list: number[] = [];
  for (let i = 0; i < n; i++) if (mark[i]) at[i] = list.push(i) - 1;
  return { list: Int32Array.from(list), at };
}

/**
 * The image after scipy.ndimage.correlate1d along y (kernel ky) then x (kx), mode 'reflect', at the
 * given rows × columns only: centre weight, then the symmetric pairs, as scipy sums them.
 */
function filtered(src: Float64Array, w: number, h: number, ky: Float64Array | null, kx: Float64Array | null, rows: Int32Array, cols: Int32Array, float32: boolean): Float64Array {
  const round = (v: number) => (float32 ? Math.fround(v) : v);
  const tmp = new Float64Array(rows.length * w);
  const ry = ky ? (ky.length - 1) >> 1 : 0;
  for (let a = 0; a < rows.length; a++) {
    const y = rows[a], o = a * w;
    if (!ky) {
      tmp.set(src.subarray(y * w, y * w + w), o);
      continue;
    }
    for (let x = 0; x < w; x++) tmp[o + x] = src[y * w + x] * ky[ry];
    for (let j = 1; j <= ry; j++) {
      const up = reflectIndex(y - j, h) * w, down = reflectIndex(y + j, h) * w, kj = ky[ry + j];
      for (let x = 0; x < w; x++) tmp[o + x] += (src[down + x] + src[up + x]) * kj;
    }
    for (let x = 0; x < w; x++) tmp[o + x] = round(tmp[o + x]);
  }
  const out = new Float64Array(rows.length * cols.length);
  const rx = kx ? (kx.length - 1) >> 1 : 0;
  for (let a = 0; a < rows.length; a++) {
    const o = a * w;
    for (let b = 0; b < cols.length; b++) {
      const x = cols[b];
      if (!kx) {
        out[a * cols.length + b] = tmp[o + x];
        continue;
      }
      let s = tmp[o + x] * kx[rx];
      for (let j = 1; j <= rx; j++) s += (tmp[o + reflectIndex(x + j, w)] + tmp[o + reflectIndex(x - j, w)]) * kx[rx + j];
      out[a * cols.length + b] = round(s);
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
    // a weight of 0 reads its own pixel again: (1 − 0)·a + 0·a is a, bit for bit
    i1[k] = t[k] === 0 ? i0[k] : reflectIndex(f + 1, nIn);
  }
  return { i0, i1, t };
}

/** numpy.round: halves go to the even neighbour */
export function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  return d > 0.5 ? f + 1 : d < 0.5 ? f : f % 2 === 0 ? f : f + 1;
}
