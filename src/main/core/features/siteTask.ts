import { readGray, writeTiff, type Gray } from '../io/tiff';
import { readNpy, type NpyImage } from '../io/npy';
import { divideByIllum, segmentationGray } from '../illumination/apply';
import { segmentFromBoundaries } from '../segment/boundaries';
import { segmentCellsClassical, segmentNucleiClassical } from '../segment/classical';
import { grayToLabels, labelsToGray, maxLabel, toUnit, type Labels } from '../segment/labels';
import { cellTable, type CellTable } from './cellTable';
import { channelOrder, measureSite } from './measure';

/** One site's work, the same in a worker thread or in-process: segment (or reuse labels), write labels, measure. */
export interface SiteTask {
  /** channel → image file (Cell Painting channels, plus NucleiBoundary/CellBoundary for method 'model') */
  images: Record<string, string>;
  method: 'model' | 'classical';
  nucleiPath: string;
  cellsPath: string;
  /** use label images already at nucleiPath/cellsPath (a resumed job) */
  reuseLabels: boolean;
  /** false: segment only */
  measure: boolean;
  /** channel → illumination function (.npy) to divide by before segmentation and measurement */
  illum?: Record<string, { path: string; sha256: string }>;
}

export interface SiteResult {
  nNuclei: number;
  nCells: number;
  /** nuclei not touching the image border (CellProfiler's Count_Nuclei after border removal); null when not measured */
  nucleiKept: number | null;
  table: CellTable | null;
  seconds: { segment: number; measure: number };
}

const PAINT_ONLY = (names: string[]) => names.filter((n) => n !== 'NucleiBoundary' && n !== 'CellBoundary' && !n.startsWith('BF'));

export async function loadImages(images: Record<string, string>): Promise<Record<string, Gray>> {
  const out: Record<string, Gray> = {};
  for (const [ch, file] of Object.entries(images)) out[ch] = await readGray(file);
  return out;
}

/** Segments one site by the given method; throws naming the missing channel. */
export function segmentSite(img: Record<string, Gray>, method: 'model' | 'classical'): { nuclei: Labels; cells: Labels } {
  const need = (ch: string) => {
    const g = img[ch];
    if (!g) throw new Error(`segmentation (${method}) needs a ${ch} image; this site has ${Object.keys(img).join(', ') || 'none'}`);
    return g;
  };
  const dna = need('DNA');
  // ER is the most even cytoplasmic stain; AGP (actin edges) and RNA (nucleoli) are fallbacks
  const body = img.ER ?? img.AGP ?? img.RNA ?? need('ER');
  if (method === 'classical') {
    const nuclei = segmentNucleiClassical(toUnit(dna), dna.width, dna.height);
    return { nuclei, cells: segmentCellsClassical(toUnit(body), nuclei) };
  }
  const nb = need('NucleiBoundary');
  const cb = need('CellBoundary');
  return segmentFromBoundaries({ width: dna.width, height: dna.height, nucleiBoundary: toUnit(nb), cellBoundary: toUnit(cb), dna: toUnit(dna), cellImage: toUnit(body) });
}

// a worker keeps the plate's functions (one per channel) instead of reading them for every site
const illumCache = new Map<string, NpyImage>();
async function illumOf(f: { path: string; sha256: string }): Promise<NpyImage> {
  const key = `${f.sha256}:${f.path}`;
  let fn = illumCache.get(key);
  if (!fn) {
    if (illumCache.size >= 16) illumCache.clear();
    illumCache.set(key, (fn = await readNpy(f.path)));
  }
  return fn;
}

/** CorrectIlluminationApply on the channels that have a function: channel → the float64 corrected image (the acquired files are only read). */
async function correctIllumination(img: Record<string, Gray>, task: SiteTask): Promise<Record<string, Float64Array>> {
  const out: Record<string, Float64Array> = {};
  for (const [ch, f] of Object.entries(task.illum ?? {})) if (img[ch]) out[ch] = divideByIllum(img[ch], await illumOf(f), task.images[ch]);
  return out;
}

export async function processSite(task: SiteTask): Promise<SiteResult> {
  const img = await loadImages(task.images);
  const corrected = await correctIllumination(img, task);
  const t0 = performance.now();
  let nuclei: Labels, cells: Labels;
  if (task.reuseLabels) {
    nuclei = grayToLabels(await readGray(task.nucleiPath));
    cells = grayToLabels(await readGray(task.cellsPath));
  } else {
    // segmentation reads the corrected channels as 16-bit images; measurement reads the float64
    // ones, with the acquired images as JUMP's Orig images (MeasureImageQuality)
    const segImg = { ...img };
    for (const [ch, u] of Object.entries(corrected)) segImg[ch] = segmentationGray(u, img[ch].width, img[ch].height);
    ({ nuclei, cells } = segmentSite(segImg, task.method));
    await writeTiff(task.nucleiPath, labelsToGray(nuclei));
    await writeTiff(task.cellsPath, labelsToGray(cells));
  }
  const t1 = performance.now();
  let table: CellTable | null = null;
  let nucleiKept: number | null = null;
  if (task.measure) {
    const channels = channelOrder(PAINT_ONLY(Object.keys(img)));
    const m = measureSite(img, nuclei, cells, { channels, corrected });
    nucleiKept = m.Nuclei.touchesBorder.reduce((n, t) => n + (t ? 0 : 1), 0);
    table = cellTable(m);
  }
  const t2 = performance.now();
  return { nNuclei: maxLabel(nuclei), nCells: maxLabel(cells), nucleiKept, table, seconds: { segment: (t1 - t0) / 1000, measure: (t2 - t1) / 1000 } };
}
