import { textureKernel } from '../wasm/texture';
import { shapeKernel } from '../wasm/shape';
import { newBlock, type FeatureBlock, type ObjectIndex } from './objects';

/**
 * CellProfiler 4.2 MeasureTexture: grey levels as `quantize` makes them; per object, the bounding-box crop with
 * zeros outside the object goes to mahotas.features.haralick(distance=scale, ignore_zeros=True):
 * symmetric co-occurrence counts for the offsets (0,1) (1,1) (1,0) (1,−1) × scale (angles 00..03),
 * grey level 0 ignored, and mahotas' 13 features — including its quirks (matrix side = crop max + 1;
 * DifferenceVariance = variance of the p_{x−y} vector's entries; correlation 1 when a marginal
 * has zero variance). When any direction has no pixel pair, mahotas raises and CellProfiler
 * stores 0 for all of the object's Haralick features (MeasureTexture.record_measurement turns
 * every non-finite value into 0).
 */
export const HARALICK = [
  'AngularSecondMoment', 'Contrast', 'Correlation', 'Variance', 'InverseDifferenceMoment', 'SumAverage', 'SumVariance',
  'SumEntropy', 'Entropy', 'DifferenceVariance', 'DifferenceEntropy', 'InfoMeas1', 'InfoMeas2',
];
const DIRS: Array<[number, number]> = [
  [0, 1],
  [1, 1],
  [1, 0],
  [1, -1],
];

export const textureNames = (channel: string, scale = 3, levels = 256) =>
  HARALICK.flatMap((f) => DIRS.map((_, d) => `Texture_${f}_${channel}_${scale}_${String(d).padStart(2, '0')}_${levels}`));

/**
 * CellProfiler's grey levels: skimage img_as_ubyte of the 0–1 image (round half to even of
 * v·255, not a stretch of the image's own range), then for fewer levels rescale_intensity from
 * 0..255 to 0..levels−1, truncated.
 */
export function quantize(img: Float64Array, levels = 256): Uint16Array {
  // the level of each rounded value 0..255
  const level = Uint16Array.from({ length: 256 }, (_, r) => (levels === 256 ? r : Math.floor((r / 255) * (levels - 1))));
  // clamped, rounded (np.rint) and mapped in the kernel (core/wasm/shape.c quantize)
  const kk = shapeKernel();
  kk.reset();
  const pImg = kk.put(img), pLevel = kk.alloc(2 * 256), pOut = kk.alloc(2 * img.length);
  new Uint16Array(kk.exports.memory.buffer, pLevel, 256).set(level);
  kk.exports.quantize(pImg, img.length, pLevel, pOut);
  return new Uint16Array(kk.exports.memory.buffer, pOut, img.length).slice();
}

const log2 = Math.log2;
/** texture.c's table of Math.log2(c) for the counts below its size, filled once per instance */
const LOG2_SIZE = 65536;
let log2Filled = false;
/**
 * MeasureTexture at each of `scales` (one block per scale). ignoreZeros false: the whole-image
 * variant (MeasureTexture on images calls mahotas without ignore_zeros).
 */
export function measureTexture(ix: ObjectIndex, grey: Uint16Array, channel: string, scales: number[], levels = 256, ignoreZeros = true): FeatureBlock[] {
  const { width: w, ids, start, pixels, bbox } = ix;
  const n = ids.length;
  if (levels < 2 || levels > 256) throw new Error(`texture: ${levels} grey levels; CellProfiler's MeasureTexture takes 2–256`);
  const blocks = scales.map((scale) => newBlock(textureNames(channel, scale, levels), n));
  // crops get margins of the largest offset (left, right, below), so pairs need no bounds tests
  const M = Math.max(0, ...scales);
  let maxCrop = 0, maxPixels = 0, maxArea = 0;
  for (let k = 0; k < n; k++) {
    maxCrop = Math.max(maxCrop, (bbox[4 * k + 2] - bbox[4 * k] + 1 + 2 * M) * (bbox[4 * k + 3] - bbox[4 * k + 1] + 1 + M));
    const area = start[k + 1] - start[k];
    maxArea = Math.max(maxArea, area);
    if (ignoreZeros || area !== (bbox[4 * k + 2] - bbox[4 * k] + 1) * (bbox[4 * k + 3] - bbox[4 * k + 1] + 1)) maxPixels = Math.max(maxPixels, area);
  }
  // texture.c builds each object's crop, counts the pairs and makes the sums; the logs of counts it
  // has no table for, and every step that needs log2 or exp, are done here. Everything it needs is
  // allocated first, so the memory does not grow and the views stay valid through the loop.
  const tk = textureKernel();
  const ex = tk.exports;
  if (!log2Filled) {
    const tab = tk.f64(ex.log2_table(), LOG2_SIZE);
    for (let c = 1; c < LOG2_SIZE; c++) tab[c] = log2(c);
    log2Filled = true;
  }
  tk.reset();
  const pGrey = tk.alloc(2 * grey.length);
  const pStart = tk.put(start), pBbox = tk.put(bbox);
  // every object dense (the whole image): the crops are read off the boxes, no pixel list needed
  const pPixels = maxPixels > 0 || n === 0 ? tk.put(pixels) : 0;
  const pCrop = tk.alloc(2 * maxCrop), pList = tk.alloc(8 * maxPixels), pOut = tk.alloc(8 * 64);
  const maxBig = (maxArea >> 11) + 64;
  const pBigval = tk.alloc(8 * maxBig), pBiglog = tk.alloc(8 * maxBig);
  new Uint16Array(ex.memory.buffer, pGrey, grey.length).set(grey);
  ex.texture_begin(pGrey, w, pStart, pPixels, pBbox, M, ignoreZeros ? 1 : 0, pCrop, maxCrop, pList, pOut, pBigval, pBiglog);
  const raw = tk.f64(pOut, 64), bigval = tk.f64(pBigval, maxBig), biglog = tk.f64(pBiglog, maxBig);
  for (let k = 0; k < n; k++) {
    const gmax = ex.texture_object(k);
    for (let si = 0; si < scales.length; si++) {
      const vals = blocks[si].values;
      const nbig = ex.texture_scale(scales[si]);
      if (nbig > 0) {
        for (let t = 0; t < nbig; t++) biglog[t] = log2(bigval[t]);
        ex.texture_resum();
      }
      // no pixel pair in some direction: mahotas raises, CellProfiler stores 0
      if (raw[0] === 0) {
        for (let f = 0; f < 52; f++) vals[f][k] = 0;
        continue;
      }
      const side = gmax + 1;
      for (let d = 0; d < 4; d++) {
        // the sums (texture.c's sums()): counts n of S, p_x, p_{x−y}, p_{x+y}; p = n/T
        const o = 16 * d;
        const T = raw[o];
        const asm = raw[o + 1] / (T * T);
        const log2T = log2(T);
        const ent = log2T - raw[o + 2] / T;
        const idm = raw[o + 3] / T;
        const sij = raw[o + 4] / T;
        // entropies H = log2 T − Σ n·log2 n / T. S is symmetric, so py = px (HY = HX) and
        // HXY1 = −Σ p_ij·log2(px_i·py_j) = 2·HX.
        const ux = raw[o + 5] / T;
        // one grey level: the entropies and the variance are exactly 0 (mahotas' special cases
        // key on that 0, which the count-based formulas only reach up to round-off)
        const single = raw[o + 8] === 1;
        const vx = single ? 0 : raw[o + 6] / T - ux * ux;
        const uy = ux, vy = vx;
        const sx = Math.sqrt(vx), sy = Math.sqrt(vy);
        const contrast = raw[o + 9] / T;
        const dm2 = raw[o + 10] / (T * T);
        const sumAvg = raw[o + 12] / T;
        const sumSq = raw[o + 13] / T;
        // mahotas takes the variance of the whole p_{x−y} vector (length gmax+1, summing to 1)
        const dm = 1 / side;
        const diffVar = dm2 / side - dm * dm;
        const hx = single ? 0 : log2T - raw[o + 7] / T;
        const hy = hx;
        const hxy1 = 2 * hx;
        // mahotas' HXY2 = −Σ px_i·py_j·log2(px_i·py_j), which is HX + HY for normalised marginals
        const hxy2 = hx + hy;
        vals[d][k] = asm;
        vals[4 + d][k] = contrast;
        vals[8 + d][k] = sx === 0 || sy === 0 ? 1 : (sij - ux * uy) / sx / sy;
        vals[12 + d][k] = vx;
        vals[16 + d][k] = idm;
        vals[20 + d][k] = sumAvg;
        vals[24 + d][k] = sumSq - sumAvg * sumAvg;
        vals[28 + d][k] = log2T - raw[o + 14] / T;
        vals[32 + d][k] = single ? 0 : ent;
        vals[36 + d][k] = diffVar;
        vals[40 + d][k] = log2T - raw[o + 11] / T;
        const e = single ? 0 : ent;
        // mahotas skips the division when both marginal entropies are 0
        vals[44 + d][k] = Math.max(hx, hy) === 0 ? e - hxy1 : (e - hxy1) / Math.max(hx, hy);
        vals[48 + d][k] = Math.sqrt(Math.max(0, 1 - Math.exp(-2 * (hxy2 - e))));
      }
    }
  }
  // CellProfiler stores any non-finite Haralick value as 0
  for (const block of blocks) for (const v of block.values) for (let k = 0; k < v.length; k++) if (!Number.isFinite(v[k])) v[k] = 0;
  return blocks;
}
