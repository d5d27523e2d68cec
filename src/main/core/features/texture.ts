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
  const out = new Uint16Array(img.length);
  // the level of each rounded value 0..255
  const level = Uint16Array.from({ length: 256 }, (_, r) => (levels === 256 ? r : Math.floor((r / 255) * (levels - 1))));
  for (let i = 0; i < img.length; i++) {
    const v = img[i];
    // clamped to 0..1 (NaN to 0, the level a NaN stored as an integer gets too)
    const t = (v > 0 ? (v < 1 ? v : 1) : 0) * 255;
    // np.rint, cheaper than Math.round: t + 0.5 truncated, less 1 where t + 0.5 rounded up onto
    // an integer t is below by more than half, or at a tie onto an odd integer
    let r = (t + 0.5) | 0;
    const e = r - t;
    if (e > 0.5 || (e === 0.5 && r & 1)) r--;
    out[i] = level[r];
  }
  return out;
}

const log2 = Math.log2;
const IDM_TABLE = Float64Array.from({ length: 1 << 16 }, (_, d) => 1 / (1 + d * d));
const LOG2_TABLE = Float64Array.from({ length: 1 << 16 }, (_, c) => (c ? Math.log2(c) : 0));

// Scratch buffers reused across calls: the co-occurrence matrices are cleared entry by entry after
// each object (only touched cells), so they are allocated once per thread and grow when needed.
let scratch: { L: number; cm: Int32Array; touched: Int32Array; px: Float64Array; pSum: Float64Array; pDiff: Float64Array; crop: Uint16Array; list: Int32Array } | null = null;
function scratchFor(L: number, cropSize: number, pixelCount: number) {
  if (!scratch || scratch.L !== L)
    scratch = {
      L,
      cm: new Int32Array(0),
      touched: new Int32Array(0),
      px: new Float64Array(L),
      pSum: new Float64Array(2 * L),
      pDiff: new Float64Array(L),
      crop: new Uint16Array(0),
      list: new Int32Array(0),
    };
  if (scratch.crop.length < cropSize) scratch.crop = new Uint16Array(cropSize);
  if (scratch.list.length < 2 * pixelCount) scratch.list = new Int32Array(2 * pixelCount);
  return scratch;
}

/** the four directions' matrices of row stride 2^shift (all zero between objects, so a larger pair may replace them) */
function matricesFor(shift: number) {
  const s = scratch!;
  if (s.cm.length < 4 << (2 * shift)) {
    s.cm = new Int32Array(4 << (2 * shift));
    s.touched = new Int32Array(4 << (2 * shift));
  }
  return s;
}

/**
 * One-sided co-occurrence counts for the four directions' offsets `off` in one pass. The padded
 * crop holds level − gmin + 1, 0 where a pixel does not count (margins wide enough that no offset
 * leaves it); the m counted pixels come in raster order, list holding per pixel its crop position
 * and (level − gmin) << shift. Direction d's matrix starts at d << 2·shift (the four R×R corners
 * side by side stay in cache), entry (a, b) at row a − gmin, column b's crop value: column 0 counts
 * pairs whose second pixel does not count, so the loop has no branch on it (dropUncounted removes
 * them). Four independent counters per pixel keep the increments of a repeated pair from waiting
 * on each other. touched gets each entry's first occurrence in raster order, direction d's from
 * d << 2·shift; nt[d] how many.
 */
function countPairs(crop: Uint16Array, list: Int32Array, m: number, off: Int32Array, shift: number, cm: Int32Array, touched: Int32Array, nt: Int32Array): void {
  const o0 = off[0], o1 = off[1], o2 = off[2], o3 = off[3];
  const c1 = 1 << (2 * shift), c2 = 2 * c1, c3 = 3 * c1;
  let n0 = 0, n1 = c1, n2 = c2, n3 = c3;
  for (let t = 0; t < 2 * m; t += 2) {
    const q = list[t], r = list[t + 1];
    const k0 = r + crop[q + o0], k1 = c1 + r + crop[q + o1], k2 = c2 + r + crop[q + o2], k3 = c3 + r + crop[q + o3];
    if (cm[k0]++ === 0) touched[n0++] = k0;
    if (cm[k1]++ === 0) touched[n1++] = k1;
    if (cm[k2]++ === 0) touched[n2++] = k2;
    if (cm[k3]++ === 0) touched[n3++] = k3;
  }
  nt[0] = n0;
  nt[1] = n1 - c1;
  nt[2] = n2 - c2;
  nt[3] = n3 - c3;
}

/**
 * countPairs for a crop every pixel of which counts (the whole image without ignore_zeros):
 * a raster pass over the crop, no pixel list — the same pairs in the same order.
 */
function countPairsDense(crop: Uint16Array, cw: number, bw: number, bh: number, M: number, off: Int32Array, shift: number, cm: Int32Array, touched: Int32Array, nt: Int32Array): void {
  const o0 = off[0], o1 = off[1], o2 = off[2], o3 = off[3];
  const c1 = 1 << (2 * shift), c2 = 2 * c1, c3 = 3 * c1;
  let n0 = 0, n1 = c1, n2 = c2, n3 = c3;
  for (let y = 0; y < bh; y++) {
    for (let q = y * cw + M, e = q + bw; q < e; q++) {
      const r = (crop[q] - 1) << shift;
      const k0 = r + crop[q + o0], k1 = c1 + r + crop[q + o1], k2 = c2 + r + crop[q + o2], k3 = c3 + r + crop[q + o3];
      if (cm[k0]++ === 0) touched[n0++] = k0;
      if (cm[k1]++ === 0) touched[n1++] = k1;
      if (cm[k2]++ === 0) touched[n2++] = k2;
      if (cm[k3]++ === 0) touched[n3++] = k3;
    }
  }
  nt[0] = n0;
  nt[1] = n1 - c1;
  nt[2] = n2 - c2;
  nt[3] = n3 - c3;
}

/** removes column 0 (second pixel not counted) from n first occurrences at `from`, keeping their order; returns how many stay */
function dropUncounted(cm: Int32Array, touched: Int32Array, from: number, n: number, mask: number): number {
  let w = from;
  for (let t = from; t < from + n; t++) {
    const key = touched[t];
    if (key & mask) touched[w++] = key;
    else cm[key] = 0;
  }
  return w - from;
}

/**
 * MeasureTexture at each of `scales` (one block per scale). ignoreZeros false: the whole-image
 * variant (MeasureTexture on images calls mahotas without ignore_zeros).
 */
export function measureTexture(ix: ObjectIndex, grey: Uint16Array, channel: string, scales: number[], levels = 256, ignoreZeros = true): FeatureBlock[] {
  const { width: w, ids, start, pixels, bbox } = ix;
  const n = ids.length;
  if (levels < 2 || levels > 256) throw new Error(`texture: ${levels} grey levels; CellProfiler's MeasureTexture takes 2–256`);
  const blocks = scales.map((scale) => newBlock(textureNames(channel, scale, levels), n));
  const L = levels;
  // crops get margins of the largest offset (left, right, below), so pairs need no bounds tests
  const M = Math.max(0, ...scales);
  let maxCrop = 0, maxPixels = 0;
  for (let k = 0; k < n; k++) {
    maxCrop = Math.max(maxCrop, (bbox[4 * k + 2] - bbox[4 * k] + 1 + 2 * M) * (bbox[4 * k + 3] - bbox[4 * k + 1] + 1 + M));
    const area = start[k + 1] - start[k];
    if (ignoreZeros || area !== (bbox[4 * k + 2] - bbox[4 * k] + 1) * (bbox[4 * k + 3] - bbox[4 * k + 1] + 1)) maxPixels = Math.max(maxPixels, area);
  }
  const { px, pSum, pDiff, crop, list } = scratchFor(L, maxCrop, maxPixels);
  const nt = new Int32Array(4);
  const off = new Int32Array(4);
  for (let k = 0; k < n; k++) {
    let gmax = 0;
    let gmin = L;
    for (let p = start[k]; p < start[k + 1]; p++) {
      const a = grey[pixels[p]];
      if (a > gmax) gmax = a;
      if ((a || !ignoreZeros) && a < gmin) gmin = a;
    }
    // counts live on the object's own level range: R rows and R + 1 columns (see countPairs) of
    // row stride 2^shift, small enough to stay in cache
    const R = gmax >= gmin ? gmax - gmin + 1 : 1;
    const shift = 32 - Math.clz32(R);
    const { cm, touched } = matricesFor(shift);
    const corner = 1 << (2 * shift);
    // the object's bounding-box crop holds level − gmin + 1, and 0 where a pixel does not count
    // (another object, background, or grey 0 when ignored): pairs then need no label tests.
    // Built once for all scales; pixels come in raster order, so the row is tracked, not divided,
    // and the counted pixels' list is in the crop's raster order.
    const x0 = bbox[4 * k], y0 = bbox[4 * k + 1];
    const bw = bbox[4 * k + 2] - x0 + 1, bh = bbox[4 * k + 3] - y0 + 1;
    const cw = bw + 2 * M;
    // an object filling its box with every pixel counted (the whole image) is counted by a raster
    // pass; the others from the counted pixels' list
    const dense = !ignoreZeros && start[k + 1] - start[k] === bw * bh;
    let m = 0;
    for (let p = start[k], y = y0, rowStart = y0 * w; p < start[k + 1]; p++) {
      const i = pixels[p];
      while (i >= rowStart + w) {
        y++;
        rowStart += w;
      }
      const a = grey[i];
      if (!a && ignoreZeros) continue;
      const q = (y - y0) * cw + (i - rowStart - x0) + M;
      crop[q] = a - gmin + 1;
      if (dense) continue;
      list[2 * m] = q;
      list[2 * m++ + 1] = (a - gmin) << shift;
    }
    for (let si = 0; si < scales.length; si++) {
      const scale = scales[si];
      const block = blocks[si];
      // the four directions (0,1) (1,1) (1,0) (1,−1) × scale in one raster pass over the crop
      for (let d = 0; d < 4; d++) off[d] = DIRS[d][0] * scale * cw + DIRS[d][1] * scale;
      if (dense) countPairsDense(crop, cw, bw, bh, M, off, shift, cm, touched, nt);
      else countPairs(crop, list, m, off, shift, cm, touched, nt);
      for (let d = 0; d < 4; d++) nt[d] = dropUncounted(cm, touched, d * corner, nt[d], (1 << shift) - 1);
      const side = gmax + 1;
      const empty = nt[0] === 0 || nt[1] === 0 || nt[2] === 0 || nt[3] === 0;
      for (let d = 0; d < 4; d++) {
        const vals = block.values;
        if (empty) {
          for (let f = 0; f < 13; f++) vals[f * 4 + d][k] = 0;
          continue;
        }
        const base = d * corner, end = base + nt[d];
        let pairs = 0;
        for (let t = base; t < end; t++) pairs += cm[touched[t]];
        // only levels gmin..gmax occur, so marginals live on that range (sums on 2·gmin..2·gmax,
        // differences on 0..gmax−gmin); the loops below stay inside those ranges
        const lo = gmin, hi = gmax, dmax = gmax - gmin;
        px.fill(0, lo, hi + 1);
        pSum.fill(0, 2 * lo, 2 * hi + 1);
        pDiff.fill(0, 0, dmax + 1);
        // sums over the non-zero counts c (p = c/T): Σc², Σc·log2 c, ... — logs of counts from a table
        const T = 2 * pairs;
        let sc2 = 0, clc = 0, idmC = 0, sijC = 0;
        for (let t = base; t < end; t++) {
          const key = touched[t] - base;
          const qi = key >> shift;
          const qj = (key & ((1 << shift) - 1)) - 1;
          const c = cm[base + key];
          const i = gmin + qi;
          const j = gmin + qj;
          // C(i,j) lands in S at (i,j) and (j,i)
          px[j] += c;
          px[i] += c;
          pSum[i + j] += 2 * c;
          pDiff[i > j ? i - j : j - i] += 2 * c;
          idmC += 2 * c * IDM_TABLE[i > j ? i - j : j - i];
          sijC += 2 * i * j * c;
          // Σ S² and Σ S·log2 S need whole cells of S: S(i,j) = C(i,j) + C(j,i)
          let sv: number;
          let cells: number;
          if (i === j) {
            sv = 2 * c;
            cells = 1;
          } else {
            const other = cm[base + ((qj << shift) | (qi + 1))];
            if (i > j && other !== 0) continue; // counted with its partner
            sv = c + other;
            cells = 2;
          }
          sc2 += cells * sv * sv;
          clc += cells * sv * (sv < LOG2_TABLE.length ? LOG2_TABLE[sv] : log2(sv));
        }
        const asm = sc2 / (T * T);
        const log2T = log2(T);
        const ent = log2T - clc / T;
        const idm = idmC / T;
        const sij = sijC / T;
        // px, pSum, pDiff hold integer counts here: moments divide by T, entropies use
        // H = log2 T − Σ n·log2 n / T with the log table. S is symmetric, so py = px (HY = HX) and
        // HXY1 = −Σ p_ij·log2(px_i·py_j) = 2·HX.
        let ux = 0, vx = 0, hxc = 0, levelsUsed = 0;
        for (let i = lo; i <= hi; i++) {
          const n = px[i];
          if (!n) continue;
          levelsUsed++;
          ux += i * n;
          vx += i * i * n;
          hxc += n * (n < LOG2_TABLE.length ? LOG2_TABLE[n] : log2(n));
        }
        ux /= T;
        // one grey level: the entropies and the variance are exactly 0 (mahotas' special cases
        // key on that 0, which the count-based formulas only reach up to round-off)
        const single = levelsUsed === 1;
        vx = single ? 0 : vx / T - ux * ux;
        const uy = ux, vy = vx;
        const sx = Math.sqrt(vx), sy = Math.sqrt(vy);
        let contrast = 0, dm2 = 0, dEnt = 0;
        for (let i = 0; i <= dmax; i++) {
          const n = pDiff[i];
          if (!n) continue;
          contrast += i * i * n;
          dm2 += n * n;
          dEnt += n * (n < LOG2_TABLE.length ? LOG2_TABLE[n] : log2(n));
        }
        contrast /= T;
        dm2 /= T * T;
        let sumAvg = 0, sumSq = 0, sEnt = 0;
        for (let i = 2 * lo; i <= 2 * hi; i++) {
          const n = pSum[i];
          if (!n) continue;
          sumAvg += i * n;
          sumSq += i * i * n;
          sEnt += n * (n < LOG2_TABLE.length ? LOG2_TABLE[n] : log2(n));
        }
        sumAvg /= T;
        sumSq /= T;
        // mahotas takes the variance of the whole p_{x−y} vector (length gmax+1, summing to 1)
        const dm = 1 / side;
        const diffVar = dm2 / side - dm * dm;
        const hx = single ? 0 : log2T - hxc / T;
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
        vals[28 + d][k] = log2T - sEnt / T;
        vals[32 + d][k] = single ? 0 : ent;
        vals[36 + d][k] = diffVar;
        vals[40 + d][k] = log2T - dEnt / T;
        const e = single ? 0 : ent;
        // mahotas skips the division when both marginal entropies are 0
        vals[44 + d][k] = Math.max(hx, hy) === 0 ? e - hxy1 : (e - hxy1) / Math.max(hx, hy);
        vals[48 + d][k] = Math.sqrt(Math.max(0, 1 - Math.exp(-2 * (hxy2 - e))));
      }
      for (let d = 0; d < 4; d++) for (let t = d * corner; t < d * corner + nt[d]; t++) cm[touched[t]] = 0;
    }
    crop.fill(0, 0, cw * (bh + M));
  }
  // CellProfiler stores any non-finite Haralick value as 0
  for (const block of blocks) for (const v of block.values) for (let k = 0; k < v.length; k++) if (!Number.isFinite(v[k])) v[k] = 0;
  return blocks;
}
