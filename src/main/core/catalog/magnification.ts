import type { Db } from './db';
import { parseMagnification } from '../inference/domain';

/** LoadData columns that name the objective (Metadata_ObjectiveMagnification etc.; kept without the prefix). */
const KEYS = ['ObjectiveMagnification', 'Magnification', 'Objective'];

/**
 * The objective magnification a plate was imaged with: Harmony's Index.idx.xml (kept at import in
 * plates.acquisition), else a LoadData Metadata_ column kept on its wells or sites, when every
 * site that has one agrees. null when unknown.
 */
export function plateMagnification(db: Db, plateId: number): number | null {
  const p = db.prepare(`SELECT acquisition FROM plates WHERE id = ?`).get(plateId) as { acquisition: string | null } | undefined;
  if (p?.acquisition) {
    const m = (JSON.parse(p.acquisition) as { objective?: { magnification?: number | null } }).objective?.magnification;
    if (typeof m === 'number' && m > 0) return m;
  }
  const rows = db
    .prepare(`SELECT w.metadata AS well, s.metadata AS site FROM sites s JOIN wells w ON w.id = s.well_id WHERE w.plate_id = ? AND (w.metadata IS NOT NULL OR s.metadata IS NOT NULL)`)
    .all(plateId) as Array<{ well: string | null; site: string | null }>;
  const seen = new Set<number>();
  for (const r of rows) {
    const meta = { ...(r.well ? JSON.parse(r.well) : {}), ...(r.site ? JSON.parse(r.site) : {}) } as Record<string, unknown>;
    for (const k of KEYS) {
      const v = meta[k];
      const n = typeof v === 'number' ? v : parseMagnification(typeof v === 'string' ? v : null);
      if (n && n > 0) {
        seen.add(n);
        break;
      }
    }
  }
  return seen.size === 1 ? [...seen][0] : null;
}
