import { gaussianKernel } from '../metrics/filters';
import { qualityKernel } from '../wasm/quality';

/**
 * scipy.ndimage.gaussian_filter of a 2-D float image (truncate 4): one correlate1d along y, then
 * along x, each summing the centre weight then the symmetric pairs as scipy does. Mode 'reflect'
 * (d c b a | a b c d, scipy's default) or 'constant' (0 outside). The passes are WebAssembly
 * (core/wasm/quality.c: along_y, along_x).
 */
export function gaussianFilter(img: Float64Array, w: number, h: number, sigma: number, mode: 'reflect' | 'constant'): Float64Array {
  return filter(img, w, h, gaussianKernel(sigma), mode, 'gaussian');
}

/** one of quality.c's passes (along_y, along_x, or both: gaussian) of src, into a new array */
function filter(src: Float64Array, w: number, h: number, k: Float64Array, mode: 'reflect' | 'constant', pass: 'gaussian' | 'along_x' | 'along_y'): Float64Array {
  const q = qualityKernel();
  q.reset();
  const ps = q.put(src), pk = q.put(k), po = q.alloc(8 * src.length);
  q.exports[pass](ps, po, w, h, pk, (k.length - 1) >> 1, mode === 'constant' ? 1 : 0);
  return q.f64(po, src.length).slice();
}

/**
 * gaussianFilter of an image of ones in constant mode (the weight that stays inside the image,
 * by which CellProfiler normalises its smoothing at the border), the same bits: the pass along y
 * gives one value per row, so each distinct row value is filtered along x once.
 */
export function gaussianOnes(w: number, h: number, sigma: number): Float64Array {
  const k = gaussianKernel(sigma);
  const col = filter(new Float64Array(h).fill(1), 1, h, k, 'constant', 'along_y');
  const out = new Float64Array(w * h);
  const done = new Map<number, number>();
  for (let y = 0; y < h; y++) {
    const seen = done.get(col[y]);
    if (seen !== undefined) {
      out.copyWithin(y * w, seen * w, seen * w + w);
      continue;
    }
    out.set(filter(new Float64Array(w).fill(col[y]), w, 1, k, 'constant', 'along_x'), y * w);
    done.set(col[y], y);
  }
  return out;
}
