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
  // texture.c builds each object's crop, counts the pairs, makes the sums and the features from
  // them; what needs log2 or exp is done here, on its numbers: the logs of the counts it has no
  // table for, log2 T, and InfoMeas2's exp. Everything it needs is allocated first, so the memory
  // does not grow and the views stay valid.
  const tk = textureKernel();
  const ex = tk.exports;
  if (!log2Filled) {
    const tab = tk.f64(ex.log2_table(), LOG2_SIZE);
    for (let c = 1; c < LOG2_SIZE; c++) tab[c] = log2(c);
    log2Filled = true;
  }
  tk.reset();
  const ns = scales.length, cnt = 4 * n * ns;
  const pGrey = tk.alloc(2 * grey.length);
  const pStart = tk.put(start), pBbox = tk.put(bbox);
  // every object dense (the whole image): the crops are read off the boxes, no pixel list needed
  const pPixels = maxPixels > 0 || n === 0 ? tk.put(pixels) : 0;
  const pCrop = tk.alloc(2 * maxCrop), pList = tk.alloc(8 * maxPixels);
  const maxBig = (maxArea >> 11) + 64;
  const pBigval = tk.alloc(8 * maxBig), pBiglog = tk.alloc(8 * maxBig);
  const pRaw = tk.alloc(8 * 16 * cnt), pLg = tk.alloc(8 * cnt), pRes = tk.alloc(8 * 13 * cnt);
  new Uint16Array(ex.memory.buffer, pGrey, grey.length).set(grey);
  ex.texture_begin(pGrey, w, pStart, pPixels, pBbox, M, ignoreZeros ? 1 : 0, pCrop, maxCrop, pList, pBigval, pBiglog);
  const bigval = tk.f64(pBigval, maxBig), biglog = tk.f64(pBiglog, maxBig);
  for (let k = 0; k < n; k++) {
    ex.texture_object(k);
    for (let si = 0; si < ns; si++) {
      const nbig = ex.texture_scale(scales[si], pRaw + 8 * 64 * (si * n + k));
      if (nbig > 0) {
        for (let t = 0; t < nbig; t++) biglog[t] = log2(bigval[t]);
        ex.texture_resum();
      }
    }
  }
  const raw = tk.f64(pRaw, 16 * cnt), lg = tk.f64(pLg, cnt);
  for (let e = 0; e < cnt; e++) lg[e] = raw[16 * e] ? log2(raw[16 * e]) : 0;
  ex.texture_finish(pRaw, pLg, cnt, n, pRes);
  for (let e = 0; e < cnt; e++) lg[e] = Math.exp(lg[e]);
  ex.texture_finish2(pRaw, pLg, cnt, n, pRes);
  const res = tk.f64(pRes, 13 * cnt);
  for (let si = 0; si < ns; si++) blocks[si].values.forEach((v, j) => v.set(res.subarray((si * 52 + j) * n, (si * 52 + j + 1) * n)));
  return blocks;
}
