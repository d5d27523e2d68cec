import { connectedComponents } from './components';
import { distanceTransform } from './distance';
import { gaussianBlur, maxFilter } from './filters';
import { relabel, type Labels } from './labels';
import { fillHoles } from './morphology';
import { bodyThreshold, otsuThreshold } from './threshold';
import { propagate } from './propagate';
import { seededWatershed } from './watershed';

export interface NucleiOptions {
  /** Gaussian smoothing before thresholding (pixels) */
  sigma?: number;
  /** objects smaller than this (pixels) are dropped */
  minArea?: number;
  /** radius (pixels) within which two distance maxima count as one nucleus */
  declumpRadius?: number;
  /** multiplies the Otsu threshold (CellProfiler's threshold correction factor) */
  thresholdFactor?: number;
}

/**
 * Nuclei from a DNA image (0–1 floats), as CellProfiler's IdentifyPrimaryObjects does it with
 * Otsu thresholding and shape declumping: smooth, Otsu, fill holes, exact Euclidean distance
 * transform, one seed per local distance maximum, seeded watershed on the inverted distance.
 */
export function segmentNucleiClassical(dna: Float32Array, width: number, height: number, opts: NucleiOptions = {}): Labels & { count: number } {
  const { sigma = 1, minArea = 20, declumpRadius = 5, thresholdFactor = 1 } = opts;
  const smooth = gaussianBlur(dna, width, height, sigma);
  const t = otsuThreshold(smooth) * thresholdFactor;
  let mask: Uint8Array = new Uint8Array(smooth.length);
  for (let i = 0; i < mask.length; i++) mask[i] = smooth[i] > t ? 1 : 0;
  mask = fillHoles(mask, width, height, Math.max(4 * minArea, 64));
  const dist = distanceTransform(mask, width, height);
  // a touch of smoothing merges the twin maxima a ragged outline produces
  const ds = gaussianBlur(dist, width, height, 1);
  const peaks = maxFilter(ds, width, height, declumpRadius);
  const seedMask = new Uint8Array(mask.length);
  const surface = new Float32Array(ds.length);
  for (let i = 0; i < mask.length; i++) {
    seedMask[i] = mask[i] && ds[i] >= peaks[i] && dist[i] >= 1.5 ? 1 : 0;
    surface[i] = -ds[i];
  }
  const seeds = connectedComponents(seedMask, width, height, 8);
  const ws = seededWatershed(surface, seeds, mask);
  // foreground pieces that got no seed (their maximum lost to a brighter neighbour) become objects of their own
  const orphan = new Uint8Array(mask.length);
  let orphans = false;
  for (let i = 0; i < mask.length; i++)
    if (mask[i] && !ws.data[i]) {
      orphan[i] = 1;
      orphans = true;
    }
  if (orphans) {
    const extra = connectedComponents(orphan, width, height, 8);
    for (let i = 0; i < mask.length; i++) if (extra.data[i]) ws.data[i] = seeds.count + extra.data[i];
  }
  return relabel(ws, minArea);
}

export interface CellOptions {
  sigma?: number;
  /**
   * Foreground threshold between the background class mean (below Otsu) and Otsu's threshold:
   * bg + alpha·(otsu − bg). Cell bodies are dim at their edges; Otsu alone cuts them short.
   */
  alpha?: number;
  /** multiplies the final threshold (CellProfiler's threshold correction factor) */
  thresholdFactor?: number;
  /** CellProfiler's propagation regularisation (0–1 intensity units) */
  lambda?: number;
}

/**
 * Cells by seeded propagation from the nuclei over a cell-body image (ER, AGP or RNA), inside
 * a foreground threshold (IdentifySecondaryObjects, method Propagation). Each cell keeps its
 * nucleus' number; cells without a nucleus are not made.
 */
export function segmentCellsClassical(image: Float32Array, nuclei: Labels, opts: CellOptions = {}): Labels {
  const { width, height } = nuclei;
  const { sigma = 1, alpha = 0.1, thresholdFactor = 1, lambda = 0.05 } = opts;
  const smooth = gaussianBlur(image, width, height, sigma);
  const t = bodyThreshold(smooth, alpha) * thresholdFactor;
  const mask = new Uint8Array(smooth.length);
  for (let i = 0; i < mask.length; i++) mask[i] = smooth[i] > t || nuclei.data[i] ? 1 : 0;
  return propagate(smooth, nuclei, mask, lambda);
}
