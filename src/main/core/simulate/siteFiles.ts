/** Render one site and write its eight channels and two label images (used in-thread and by workers). */
import { join } from 'node:path';
import { writeTiff } from '../io/tiff';
import type { CellLine } from './cellLines';
import { COMPOUNDS, POSITIVE_CONTROL } from './library';
import { imageFileName, labelFileName } from './naming';
import { simulateSite, SITE_CHANNELS } from './site';

export interface SiteTask {
  out: string;
  seed: number;
  row: number;
  col: number;
  site: number;
  size: number;
  cellLine: CellLine;
  /** broad_sample of the compound, '' for DMSO */
  broadSample: string;
  doseMm: number;
  density: number;
  brightness: number;
}

export interface SiteDone {
  files: number;
  cells: number;
}

export function compoundBySample(sample: string) {
  if (sample === '') return null;
  const c = COMPOUNDS.find((x) => x.broadSample === sample);
  // the positive control's own batch id maps onto the same virtual compound
  return c ?? (sample.startsWith(POSITIVE_CONTROL.broadSample.slice(0, 9)) ? POSITIVE_CONTROL : null);
}

export async function renderSiteFiles(t: SiteTask): Promise<SiteDone> {
  const s = simulateSite({
    seed: t.seed,
    row: t.row,
    col: t.col,
    site: t.site,
    size: t.size,
    cellLine: t.cellLine,
    compound: compoundBySample(t.broadSample),
    doseMm: t.doseMm,
    density: t.density,
    brightness: t.brightness,
  });
  const writes: Promise<void>[] = [];
  for (const ch of SITE_CHANNELS)
    writes.push(writeTiff(join(t.out, 'Images', imageFileName(t.row, t.col, t.site, ch)), { width: s.width, height: s.height, bitDepth: 16, data: s.channels[ch] }));
  writes.push(writeTiff(join(t.out, 'groundtruth', labelFileName(t.row, t.col, t.site, 'nuclei')), { width: s.width, height: s.height, bitDepth: 16, data: s.nuclei }));
  writes.push(writeTiff(join(t.out, 'groundtruth', labelFileName(t.row, t.col, t.site, 'cells')), { width: s.width, height: s.height, bitDepth: 16, data: s.cells }));
  await Promise.all(writes);
  return { files: writes.length, cells: s.cellCount };
}
