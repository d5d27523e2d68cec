import { newBlock, selectInPlace, type FeatureBlock, type ObjectIndex } from './objects';
import { feretDiameters, monotoneChain, pixelHull } from './feret';
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
  // column's first and last pixel, the distances' sum, largest and median) run in the kernel
  // (core/wasm/shape.c area_passes)
  const rowAt = new Int32Array(n + 1), colAt = new Int32Array(n + 1);
  let maxSide = 0, maxArea = 0;
  for (let k = 0; k < n; k++) {
    const fw = bbox[4 * k + 2] - bbox[4 * k] + 3, fh = bbox[4 * k + 3] - bbox[4 * k + 1] + 3;
    rowAt[k + 1] = rowAt[k] + fh;
    colAt[k + 1] = colAt[k] + fw;
    maxSide = Math.max(maxSide, fw, fh);
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
  const colFirsts = kk.i32(pCF, colAt[n]).slice(), colLasts = kk.i32(pCL, colAt[n]).slice();
  const stats = kk.f64(pStats, 16 * n).slice();
  const hullScratch = new HullScratch(maxSide);
  const radiiBuf = new Float64Array(maxArea);
  // each object's minimum enclosing circle, for the Zernike moments of all objects at the end
  const circles = new Float64Array(3 * n);
  for (let k = 0; k < n; k++) {
    const id = ids[k];
    const x0 = bbox[4 * k], y0 = bbox[4 * k + 1], x1 = bbox[4 * k + 2], y1 = bbox[4 * k + 3];
    const bw = x1 - x0 + 1;
    const bh = y1 - y0 + 1;
    // the object's frame: its bounding box with a 1-pixel margin
    const fw = bw + 2;
    const fh = bh + 2;
    const area = start[k + 1] - start[k];
    const rowFirst = rowFirsts.subarray(rowAt[k], rowAt[k + 1]), rowLast = rowLasts.subarray(rowAt[k], rowAt[k + 1]);
    const colFirst = colFirsts.subarray(colAt[k], colAt[k + 1]), colLast = colLasts.subarray(colAt[k], colAt[k + 1]);
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
    const hull = convexArea(rowFirst, rowLast, colFirst, colLast, fw, fh, area, hullScratch);
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

/** convexArea's buffers, for frames up to `side` pixels a side (reused from object to object) */
class HullScratch {
  readonly yLo: Int32Array;
  readonly yHi: Int32Array;
  readonly X: Int32Array;
  readonly Y: Int32Array;
  readonly lo: Float64Array;
  readonly hi: Float64Array;
  constructor(side: number) {
    this.yLo = new Int32Array(2 * side + 2);
    this.yHi = new Int32Array(2 * side + 2);
    this.X = new Int32Array(4 * side + 4);
    this.Y = new Int32Array(4 * side + 4);
    this.lo = new Float64Array(side);
    this.hi = new Float64Array(side);
  }
}

/** convexArea's candidates: the four edge midpoints of pixel (x, y), slot X + 1 (X ≥ −1) */
function addMidpoints(yLo: Int32Array, yHi: Int32Array, x: number, y: number): void {
  const a = 2 * x, b = 2 * y;
  if (b < yLo[a]) yLo[a] = b;
  if (b > yHi[a]) yHi[a] = b;
  if (b < yLo[a + 2]) yLo[a + 2] = b;
  if (b > yHi[a + 2]) yHi[a + 2] = b;
  if (b - 1 < yLo[a + 1]) yLo[a + 1] = b - 1;
  if (b + 1 > yHi[a + 1]) yHi[a + 1] = b + 1;
}

/**
 * skimage.morphology.convex_hull_image's area: hull of the midpoints of the outer pixels' edges,
 * then every pixel centre inside or on the hull. Exact integer geometry in half-pixel units.
 * Takes the framed mask's first/last pixel of each row and column (−1 where none).
 */
function convexArea(rowFirst: Int32Array, rowLast: Int32Array, colFirst: Int32Array, colLast: Int32Array, fw: number, fh: number, area: number, s: HullScratch): number {
  if (fw > 16000 || fh > 16000) throw new Error(`object of ${fw}×${fh} pixels is too large for the convex hull`);
  // candidate pixels: first/last of each row and column (skimage's possible_hull); each adds its
  // four edge midpoints (half-pixel units, X = 2x ± 1 or 2x). Points strictly between the lowest and highest of the same X are never strict hull vertices, so only
  // those two are kept per X: the points then come sorted by (X, Y) with no sort, and the strict
  // hull (collinear points dropped) is the one of all candidates.
  const nx = 2 * fw + 2;
  const { yLo, yHi, X, Y, lo, hi } = s;
  yLo.fill(0x7fffffff, 0, nx);
  yHi.fill(-0x7fffffff, 0, nx);
  for (let y = 0; y < fh; y++) {
    if (rowFirst[y] < 0) continue;
    addMidpoints(yLo, yHi, rowFirst[y], y);
    if (rowLast[y] !== rowFirst[y]) addMidpoints(yLo, yHi, rowLast[y], y);
  }
  for (let x = 0; x < fw; x++) {
    if (colFirst[x] < 0) continue;
    addMidpoints(yLo, yHi, x, colFirst[x]);
    if (colLast[x] !== colFirst[x]) addMidpoints(yLo, yHi, x, colLast[x]);
  }
  let np = 0;
  for (let c = 0; c < nx; c++) {
    if (yHi[c] < yLo[c]) continue;
    X[np] = c - 1;
    Y[np++] = yLo[c];
    if (yHi[c] !== yLo[c]) {
      X[np] = c - 1;
      Y[np++] = yHi[c];
    }
  }
  const lower = monotoneChain(X, Y, 0, np, 1);
  lower.pop();
  const upper = monotoneChain(X, Y, np - 1, -1, -1);
  upper.pop();
  const hull = lower.concat(upper);
  const nh = hull.length;
  const hx: number[] = [], hy: number[] = [];
  for (let v = 0; v < nh; v++) {
    hx.push(X[hull[v]]);
    hy.push(Y[hull[v]]);
  }
  if (nh < 3) return area;
  // per row of pixel centres, the hull's x-extent (inclusive: centres on the hull count), each
  // edge visiting only the rows it spans (the same crossings as testing every edge on every row)
  lo.fill(Infinity, 0, fh);
  hi.fill(-Infinity, 0, fh);
  for (let e = 0; e < nh; e++) {
    const f = (e + 1) % nh;
    const ya = hy[e], yb = hy[f];
    for (let y = Math.max(0, Math.ceil(Math.min(ya, yb) / 2)), ye = Math.min(fh - 1, Math.floor(Math.max(ya, yb) / 2)); y <= ye; y++) {
      const py = 2 * y;
      if (ya === yb) {
        lo[y] = Math.min(lo[y], hx[e], hx[f]);
        hi[y] = Math.max(hi[y], hx[e], hx[f]);
      } else {
        const x = hx[e] + ((py - ya) * (hx[f] - hx[e])) / (yb - ya);
        if (x < lo[y]) lo[y] = x;
        if (x > hi[y]) hi[y] = x;
      }
    }
  }
  let count = 0;
  for (let y = 0; y < fh; y++) {
    if (hi[y] < lo[y]) continue;
    const first = Math.ceil(lo[y] / 2 - 1e-9);
    const last = Math.floor(hi[y] / 2 + 1e-9);
    if (last >= first) count += last - first + 1;
  }
  return count;
}
