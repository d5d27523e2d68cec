import { newBlock, selectInPlace, type FeatureBlock, type ObjectIndex } from './objects';
import { feretDiameters, pixelHull } from './feret';
import { shapeKernel } from '../wasm/shape';
import { centrosomeCircle, centrosomeHullOrder, ZERNIKE_NAMES, zernikeOfObjects } from './zernike';

/**
 * CellProfiler 4.2 MeasureObjectSizeShape (2-D), whose core is skimage.measure.regionprops:
 * Area, Perimeter (skimage's 4-connected weighted border count), FormFactor = 4π·Area/Perimeter²,
 * Solidity = Area/ConvexArea (convex hull of pixel-edge midpoints, centres inside or on it),
 * Extent, EulerNumber (8-connected), Eccentricity / Major- / MinorAxisLength / Orientation (from
 * the inertia tensor; Orientation in degrees), Compactness (Perimeter²/(4π·Area), as CellProfiler's
 * code computes it), Center_X/Y, BoundingBox*, Max/Mean/MedianRadius (distance to
 * the object's edge), EquivalentDiameter, Min/MaxFeretDiameter (feret.ts), Zernike_n_m (zernike.ts).
 */
export const AREASHAPE_NAMES = [
  'Area', 'Perimeter', 'FormFactor', 'Solidity', 'Extent', 'EulerNumber', 'Eccentricity', 'MajorAxisLength',
  'MinorAxisLength', 'Orientation', 'Compactness', 'Center_X', 'Center_Y', 'BoundingBoxArea', 'BoundingBoxMinimum_X',
  'BoundingBoxMinimum_Y', 'BoundingBoxMaximum_X', 'BoundingBoxMaximum_Y', 'ConvexArea', 'EquivalentDiameter',
  'MaximumRadius', 'MeanRadius', 'MedianRadius', 'MinFeretDiameter', 'MaxFeretDiameter',
].map((n) => `AreaShape_${n}`);

export function measureAreaShape(ix: ObjectIndex, edgeDist: Float32Array): FeatureBlock {
  const { width: w, labels, ids, start, pixels, bbox } = ix;
  const n = ids.length;
  const block = newBlock([...AREASHAPE_NAMES, ...ZERNIKE_NAMES], n);
  const zernikeCols = block.values.slice(AREASHAPE_NAMES.length);
  const col = (name: string) => block.values[AREASHAPE_NAMES.indexOf(`AreaShape_${name}`)];
  const [A, P, FF, SOL, EXT, EUL, ECC, MAJ, MIN, ORI, CMP, CX, CY, BBA, BX0, BY0, BX1, BY1, CVA, ED, MAXR, MEANR, MEDR, FMIN, FMAX] = AREASHAPE_NAMES.map((_, j) => block.values[j]);
  void col;
  // the per-pixel passes (moments, border, perimeter codes, Euler quads, each frame row's and
  // column's first and last pixel, the distances' sum, largest and median, the convex area) run in
  // the kernel (core/wasm/shape.c area_passes)
  const rowAt = new Int32Array(n + 1), colAt = new Int32Array(n + 1);
  let maxArea = 0;
  for (let k = 0; k < n; k++) {
    const fw = bbox[4 * k + 2] - bbox[4 * k] + 3, fh = bbox[4 * k + 3] - bbox[4 * k + 1] + 3;
    rowAt[k + 1] = rowAt[k] + fh;
    colAt[k + 1] = colAt[k] + fw;
    if (fw > 16000 || fh > 16000) throw new Error(`object of ${fw}×${fh} pixels is too large for the convex hull`);
    maxArea = Math.max(maxArea, start[k + 1] - start[k]);
  }
  const kk = shapeKernel();
  kk.reset();
  const pStart = kk.put(start), pPixels = kk.put(pixels), pBox = kk.put(bbox), pRowAt = kk.put(rowAt), pColAt = kk.put(colAt);
  const pDist = kk.alloc(4 * edgeDist.length);
  new Float32Array(kk.exports.memory.buffer, pDist, edgeDist.length).set(edgeDist);
  const pRF = kk.alloc(4 * rowAt[n]), pRL = kk.alloc(4 * rowAt[n]), pCF = kk.alloc(4 * colAt[n]), pCL = kk.alloc(4 * colAt[n]), pStats = kk.alloc(8 * 16 * n);
  kk.exports.area_passes(pStart, pPixels, pBox, n, w, pDist, pRowAt, pColAt, pRF, pRL, pCF, pCL, pStats);
  const rowFirsts = kk.i32(pRF, rowAt[n]).slice(), rowLasts = kk.i32(pRL, rowAt[n]).slice();
  const stats = kk.f64(pStats, 16 * n).slice();
  const radiiBuf = new Float64Array(maxArea);
  // each object's minimum enclosing circle, for the Zernike moments of all objects at the end
  const circles = new Float64Array(3 * n);
  for (let k = 0; k < n; k++) {
    const id = ids[k];
    const x0 = bbox[4 * k], y0 = bbox[4 * k + 1], x1 = bbox[4 * k + 2], y1 = bbox[4 * k + 3];
    const bw = x1 - x0 + 1;
    const bh = y1 - y0 + 1;
    // the object's frame: its bounding box with a 1-pixel margin
    const fh = bh + 2;
    const area = start[k + 1] - start[k];
    const rowFirst = rowFirsts.subarray(rowAt[k], rowAt[k + 1]), rowLast = rowLasts.subarray(rowAt[k], rowAt[k + 1]);
    const st = 16 * k;
    const sx = stats[st], sy = stats[st + 1], sxx = stats[st + 2], syy = stats[st + 3], sxy = stats[st + 4];
    const mrr = stats[st + 5], mcc = stats[st + 6], mrc = stats[st + 7], per = stats[st + 8], euler4 = stats[st + 9];
    const cx = sx / area;
    const cy = sy / area;
    const rsum = stats[st + 10], rmax = stats[st + 11];
    A[k] = area;
    CX[k] = cx;
    CY[k] = cy;
    BX0[k] = x0;
    BY0[k] = y0;
    BX1[k] = x1 + 1;
    BY1[k] = y1 + 1;
    BBA[k] = bw * bh;
    EXT[k] = area / (bw * bh);
    ED[k] = Math.sqrt((4 * area) / Math.PI);
    MAXR[k] = rmax;
    MEANR[k] = rsum / area;
    if (stats[st + 13]) {
      // distances the kernel could not rank by count
      for (let p = start[k], q = 0; p < start[k + 1]; p++, q++) radiiBuf[q] = edgeDist[pixels[p]];
      MEDR[k] = medianBySelection(radiiBuf, area);
    } else MEDR[k] = stats[st + 12];
    // inertia tensor (skimage): [[var_c, -cov], [-cov, var_r]]
    const a = mcc / area;
    const b = -mrc / area;
    const c = mrr / area;
    const tr = (a + c) / 2;
    const disc = Math.sqrt(((a - c) / 2) ** 2 + b * b);
    const l1 = Math.max(0, tr + disc);
    const l2 = Math.max(0, tr - disc);
    MAJ[k] = 4 * Math.sqrt(l1);
    MIN[k] = 4 * Math.sqrt(l2);
    ECC[k] = l1 === 0 ? 0 : Math.sqrt(1 - l2 / l1);
    // skimage's tie (equal second moments) is an exact test: decide it on integer sums
    // (N·Σx² − (Σx)² vs N·Σy² − (Σy)²) where they are exact, so round-off cannot flip it
    const exact = area * Math.max(sxx, syy) < Number.MAX_SAFE_INTEGER && sx * sx < Number.MAX_SAFE_INTEGER && sy * sy < Number.MAX_SAFE_INTEGER;
    const tie = exact ? area * sxx - sx * sx === area * syy - sy * sy : a - c === 0;
    const mu11Sign = exact ? Math.sign(area * sxy - sx * sy) : Math.sign(mrc);
    // (where skimage's own np.dot round-off misses a tie, it reports the opposite ±45°; the
    // reference fixtures record both: features-cellprofiler.test.ts)
    const ori = tie ? (mu11Sign > 0 ? -Math.PI / 4 : Math.PI / 4) : 0.5 * Math.atan2(-2 * b, c - a);
    ORI[k] = (ori * 180) / Math.PI;
    P[k] = per;
    FF[k] = (4 * Math.PI * area) / (per * per);
    // CellProfiler's code (not its manual's moment formula): Perimeter² / (4π·Area)
    CMP[k] = (per * per) / Math.max(1, 4 * Math.PI * area);
    EUL[k] = euler4 / 4;
    const hull = stats[st + 14];
    CVA[k] = hull;
    SOL[k] = area / hull;
    const ph = pixelHull(rowFirst, rowLast, fh);
    [FMIN[k], FMAX[k]] = feretDiameters(ph);
    // frame coordinates → image coordinates (the frame adds one pixel before x0, y0)
    // (loops, not map: tsx's keepNames makes every closure made per object a call more)
    const ix0: number[] = [], iy0: number[] = [];
    for (let v = 0; v < ph.hx.length; v++) {
      ix0.push(ph.hx[v] + x0 - 1);
      iy0.push(ph.hy[v] + y0 - 1);
    }
    const ch = centrosomeHullOrder(ix0, iy0);
    const mec = centrosomeCircle(ch.hx, ch.hy);
    circles[3 * k] = mec.cx;
    circles[3 * k + 1] = mec.cy;
    circles[3 * k + 2] = mec.r;
    void id;
    void labels;
  }
  zernikeOfObjects(start, pixels, bbox, w, circles, zernikeCols);
  return block;
}

/** the middle value(s) by selection (reorders radii[0..n)) */
function medianBySelection(radii: Float64Array, n: number): number {
  const mid = n >> 1;
  selectInPlace(radii, 0, n - 1, mid);
  let below = -Infinity;
  if (!(n % 2)) for (let q = 0; q < mid; q++) if (radii[q] > below) below = radii[q];
  return n % 2 ? radii[mid] : (below + radii[mid]) / 2;
}
