import type { Db } from '../catalog/db';
import { readGray } from '../io/tiff';
import { grayToLabels, type Labels } from '../segment/labels';
import { measureAreaShape } from './areaShape';
import { distanceToEdge } from './edgeDistance';
import { measureIntensity } from './intensity';
import { indexObjects, outlineMask, unitImage } from './objects';
import { channelOrder } from './measure';
import type { CellAtResult } from '../../../shared/contract/features';
import { storedCellRow } from './cellRow';
import { readNpy } from '../io/npy';
import { divideByIllum } from '../illumination/apply';
import type { AppliedIllumination } from '../../../shared/illumination';

const KEY_SHAPE = ['AreaShape_Area', 'AreaShape_Perimeter', 'AreaShape_FormFactor', 'AreaShape_Eccentricity', 'AreaShape_Solidity'];

const CHANNELS = ['DNA', 'ER', 'RNA', 'AGP', 'Mito'];

/**
 * The object under (x, y) in a site's segmentation (latest of the requested kind) with its key
 * measurements (shape, and mean intensity per channel, for the cell and its nucleus): the stored
 * values when the segmentation's feature set is finished (one row of its per-cell file, found by
 * row-group statistics and read by column), else measured on the spot for just that object.
 */
export async function cellAt(db: Db, q: { siteId: number; x: number; y: number; source?: string; method?: string; runId?: number }): Promise<CellAtResult | null> {
  const seg = db
    .prepare(
      `SELECT source, method, run_id AS runId, nuclei_path AS nucleiPath, cells_path AS cellsPath, created_at AS createdAt FROM segmentations
       WHERE site_id = ? AND (? IS NULL OR source = ?) AND (? IS NULL OR method = ?) AND (? IS NULL OR run_id = ?) ORDER BY created_at DESC, id DESC LIMIT 1`,
    )
    .get(q.siteId, q.source ?? null, q.source ?? null, q.method ?? null, q.method ?? null, q.runId ?? null, q.runId ?? null) as
    | { source: string; method: string; runId: number | null; nucleiPath: string; cellsPath: string; createdAt: string }
    | undefined;
  if (!seg) return null;
  const cells = grayToLabels(await readGray(seg.cellsPath));
  const nuclei = grayToLabels(await readGray(seg.nucleiPath));
  if (q.x >= cells.width || q.y >= cells.height) throw new Error(`pixel (${q.x}, ${q.y}) is outside the ${cells.width}×${cells.height} site`);
  const i = q.y * cells.width + q.x;
  const id = cells.data[i];
  if (!id) return null;
  const result = { siteId: q.siteId, x: q.x, y: q.y, objectNumber: id, inNucleus: nuclei.data[i] === id, source: seg.source, method: seg.method };
  const stored = await storedMeasurements(db, q.siteId, seg, id);
  if (stored) return { ...result, measurements: stored };
  const images = db
    .prepare(seg.source === 'synthetic' ? `SELECT channel, path FROM images WHERE site_id = ? AND kind = 'synthetic' AND run_id = ?` : `SELECT channel, path FROM images WHERE site_id = ? AND kind = 'acquired'`)
    .all(...(seg.source === 'synthetic' ? [q.siteId, seg.runId] : [q.siteId])) as Array<{ channel: string; path: string }>;
  const channels = channelOrder(images.map((r) => r.channel)).filter((c) => CHANNELS.includes(c));
  // measured as the feature set measures its sites: divided by what its segmentation divided by
  const illum = setIlluminationOf(db, q.siteId, seg);
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
      const g = await readGray(path);
      const f = illum?.[c];
      const b = measureIntensity(ix, f ? divideByIllum(g, await readNpy(f.path), path) : unitImage(g), outline, c);
      measurements[`${prefix}_Intensity_MeanIntensity_${c}`] = b.values[b.names.indexOf(`Intensity_MeanIntensity_${c}`)][0];
    }
  }
  return { ...result, measurements };
}

/** What the feature set of this segmentation divided each channel by (null: not corrected, or no set). */
function setIlluminationOf(db: Db, siteId: number, seg: { source: string; method: string; runId: number | null }): AppliedIllumination | null {
  if (!db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'feature_sets'`).get()) return null;
  const r = db
    .prepare(
      `SELECT f.illumination FROM sites s JOIN wells w ON w.id = s.well_id
       JOIN feature_sets f ON f.plate_id = w.plate_id AND f.source = ? AND f.method = ? AND ifnull(f.run_id, 0) = ? WHERE s.id = ?`,
    )
    .get(seg.source, seg.method, seg.runId ?? 0, siteId) as { illumination: string | null } | undefined;
  return r?.illumination ? (JSON.parse(r.illumination) as AppliedIllumination) : null;
}

/** The key measurements of object `id` from the finished feature set of this segmentation, if any. */
async function storedMeasurements(db: Db, siteId: number, seg: { source: string; method: string; runId: number | null; createdAt: string }, id: number): Promise<Record<string, number | null> | null> {
  const has = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'feature_sets'`).get();
  if (!has) return null;
  const r = db
    .prepare(
      `SELECT f.cells_path AS path, w.name AS well, s.field FROM sites s JOIN wells w ON w.id = s.well_id
       JOIN feature_sets f ON f.plate_id = w.plate_id AND f.source = ? AND f.method = ? AND ifnull(f.run_id, 0) = ? AND f.status = 'done'
       WHERE s.id = ? AND f.cells_path IS NOT NULL AND f.finished_at >= ?`,
    )
    // a segmentation redone after the set finished has other object numbers: measure it instead
    .get(seg.source, seg.method, seg.runId ?? 0, siteId, seg.createdAt) as { path: string; well: string; field: number } | undefined;
  if (!r) return null;
  const names = ['Cells', 'Nuclei'].flatMap((p) => [...KEY_SHAPE.map((n) => `${p}_${n}`), ...CHANNELS.map((c) => `${p}_Intensity_MeanIntensity_${c}`)]);
  try {
    return await storedCellRow(r.path, { well: r.well, site: r.field, objectNumber: id }, names);
  } catch {
    return null; // an unreadable or moved file: measure on the spot instead
  }
}
