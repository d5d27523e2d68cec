import type { Db } from '../catalog/db';
import { readGray } from '../io/tiff';
import { grayToLabels, type Labels } from '../segment/labels';
import { measureAreaShape } from './areaShape';
import { distanceToEdge } from './edgeDistance';
import { measureIntensity } from './intensity';
import { indexObjects, outlineMask, unitImage } from './objects';
import { channelOrder } from './measure';
import type { CellAtResult } from '../../../shared/contract/features';

const KEY_SHAPE = ['AreaShape_Area', 'AreaShape_Perimeter', 'AreaShape_FormFactor', 'AreaShape_Eccentricity', 'AreaShape_Solidity'];

/**
 * The object under (x, y) in a site's segmentation (latest of the requested kind), measured on
 * the spot for just that object: shape, and mean/integrated intensity per channel, for the cell
 * and its nucleus.
 */
export async function cellAt(db: Db, q: { siteId: number; x: number; y: number; source?: string; method?: string; runId?: number }): Promise<CellAtResult | null> {
  const seg = db
    .prepare(
      `SELECT source, method, run_id AS runId, nuclei_path AS nucleiPath, cells_path AS cellsPath FROM segmentations
       WHERE site_id = ? AND (? IS NULL OR source = ?) AND (? IS NULL OR method = ?) AND (? IS NULL OR run_id = ?) ORDER BY created_at DESC, id DESC LIMIT 1`,
    )
    .get(q.siteId, q.source ?? null, q.source ?? null, q.method ?? null, q.method ?? null, q.runId ?? null, q.runId ?? null) as
    | { source: string; method: string; runId: number | null; nucleiPath: string; cellsPath: string }
    | undefined;
  if (!seg) return null;
  const cells = grayToLabels(await readGray(seg.cellsPath));
  const nuclei = grayToLabels(await readGray(seg.nucleiPath));
  if (q.x >= cells.width || q.y >= cells.height) throw new Error(`pixel (${q.x}, ${q.y}) is outside the ${cells.width}×${cells.height} site`);
  const i = q.y * cells.width + q.x;
  const id = cells.data[i];
  if (!id) return null;
  const images = db
    .prepare(seg.source === 'synthetic' ? `SELECT channel, path FROM images WHERE site_id = ? AND kind = 'synthetic' AND run_id = ?` : `SELECT channel, path FROM images WHERE site_id = ? AND kind = 'acquired'`)
    .all(...(seg.source === 'synthetic' ? [q.siteId, seg.runId] : [q.siteId])) as Array<{ channel: string; path: string }>;
  const channels = channelOrder(images.map((r) => r.channel)).filter((c) => ['DNA', 'ER', 'RNA', 'AGP', 'Mito'].includes(c));
  const measurements: Record<string, number | null> = {};
  const only = (l: Labels): Labels => ({ width: l.width, height: l.height, data: l.data.map((v) => (v === id ? id : 0)) });
  for (const [prefix, labels] of [['Cells', only(cells)], ['Nuclei', only(nuclei)]] as const) {
    const ix = indexObjects(labels);
    if (!ix.ids.length) continue;
    const shape = measureAreaShape(ix, distanceToEdge(ix));
    for (const n of KEY_SHAPE) measurements[`${prefix}_${n}`] = shape.values[shape.names.indexOf(n)][0];
    const outline = outlineMask(labels.data, labels.width, labels.height);
    for (const c of channels) {
      const path = images.find((r) => r.channel === c)!.path;
      const b = measureIntensity(ix, unitImage(await readGray(path)), outline, c);
      measurements[`${prefix}_Intensity_MeanIntensity_${c}`] = b.values[b.names.indexOf(`Intensity_MeanIntensity_${c}`)][0];
    }
  }
  return { siteId: q.siteId, x: q.x, y: q.y, objectNumber: id, inNucleus: nuclei.data[i] === id, source: seg.source, method: seg.method, measurements };
}
