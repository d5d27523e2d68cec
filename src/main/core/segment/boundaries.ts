import { connectedComponents } from './components';
import { gaussianBlur } from './filters';
import { relabel, type Labels } from './labels';
import { bodyThreshold, otsuThreshold } from './threshold';
import { seededWatershed } from './watershed';

export interface BoundaryInputs {
  width: number;
  height: number;
  /** nuclei boundary probability, 0–1 */
  nucleiBoundary: Float32Array;
  /** cell boundary probability, 0–1 */
  cellBoundary: Float32Array;
  /** DNA image (0–1): tells nucleus interiors from background */
  dna: Float32Array;
  /** cell-body image (0–1), e.g. AGP or RNA: tells cytoplasm from background */
  cellImage: Float32Array;
}

/**
 * Segmentation from a model's boundary maps (CellResDM-style outputs): nucleus interiors
 * (DNA foreground, off the boundary) → connected components → seeded growth into the boundary
 * pixels; then cells grown from the nuclei over the cell-boundary map, so a cell stops at its
 * boundary ridge. Cells keep their nucleus' number.
 */
export function segmentFromBoundaries(inp: BoundaryInputs, opts: { threshold?: number; minArea?: number } = {}): { nuclei: Labels & { count: number }; cells: Labels } {
  const { width: w, height: h, nucleiBoundary: nb, cellBoundary: cb } = inp;
  const thr = opts.threshold ?? 0.5;
  const minArea = opts.minArea ?? 20;
  const dna = gaussianBlur(inp.dna, w, h, 1);
  const tDna = otsuThreshold(dna);
  const interior = new Uint8Array(w * h);
  const nucleusZone = new Uint8Array(w * h);
  for (let i = 0; i < interior.length; i++) {
    const fg = dna[i] > tDna;
    interior[i] = fg && nb[i] < thr ? 1 : 0;
    nucleusZone[i] = fg || nb[i] >= thr ? 1 : 0;
  }
  const seeds = connectedComponents(interior, w, h, 4);
  const grown = seededWatershed(nb, relabel(seeds, Math.max(4, minArea >> 2)), nucleusZone);
  const nuclei = relabel(grown, minArea);
  const body = gaussianBlur(inp.cellImage, w, h, 1);
  const tBody = bodyThreshold(body);
  const cellZone = new Uint8Array(w * h);
  for (let i = 0; i < cellZone.length; i++) cellZone[i] = body[i] > tBody || cb[i] >= thr || nuclei.data[i] ? 1 : 0;
  const cells = seededWatershed(cb, nuclei, cellZone);
  return { nuclei, cells };
}
