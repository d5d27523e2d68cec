import type { Db } from '../catalog/db';
import { findPlate } from '../catalog/queries';

export type Source = 'acquired' | 'synthetic';

export interface SourceRef {
  plateId: number;
  barcode: string;
  source: Source;
  runId: number | null;
  /** model that made the synthetic images; null for acquired */
  modelName: string | null;
}

/** The plate and, for synthetic data, the run (given, else the plate's latest finished run). */
export function resolveSource(db: Db, plate: string | number, source: Source, runId?: number | null): SourceRef {
  const p = findPlate(db, plate);
  if (!p) throw new Error(`no plate "${plate}" in the catalog (see \`stainless plates\`)`);
  if (source === 'acquired') return { plateId: p.id, barcode: p.barcode, source, runId: null, modelName: null };
  const run = (
    runId
      ? db.prepare(`SELECT id, model_name, status FROM runs WHERE id = ? AND plate_id = ?`).get(runId, p.id)
      : db.prepare(`SELECT id, model_name, status FROM runs WHERE plate_id = ? AND status = 'done' ORDER BY id DESC LIMIT 1`).get(p.id)
  ) as { id: number; model_name: string; status: string } | undefined;
  if (!run) throw new Error(runId ? `plate ${p.barcode} has no inference run ${runId}` : `plate ${p.barcode} has no finished inference run; run \`stainless infer\` first`);
  return { plateId: p.id, barcode: p.barcode, source, runId: run.id, modelName: run.model_name };
}

export interface PlateSite {
  siteId: number;
  field: number;
  wellId: number;
  row: number;
  col: number;
  well: string;
  images: Record<string, string>;
}

/** Sites of the plate in well order with the image files of the chosen source. */
export function plateSites(db: Db, ref: SourceRef): PlateSite[] {
  const sites = db
    .prepare(
      `SELECT s.id AS siteId, s.field, w.id AS wellId, w.row, w.col, w.name AS well FROM sites s JOIN wells w ON w.id = s.well_id
       WHERE w.plate_id = ? ORDER BY w.row, w.col, s.field`,
    )
    .all(ref.plateId) as Omit<PlateSite, 'images'>[];
  const imgs = db.prepare(
    ref.source === 'acquired'
      ? `SELECT channel, path FROM images WHERE site_id = ? AND kind = 'acquired'`
      : `SELECT channel, path FROM images WHERE site_id = ? AND kind = 'synthetic' AND run_id = ?`,
  );
  return sites.map((s) => {
    const rows = (ref.source === 'acquired' ? imgs.all(s.siteId) : imgs.all(s.siteId, ref.runId)) as Array<{ channel: string; path: string }>;
    return { ...s, images: Object.fromEntries(rows.map((r) => [r.channel, r.path])) };
  });
}

export const setKey = (ref: SourceRef, method: string) => `${ref.source}${ref.runId ? `-run${ref.runId}` : ''}-${method}`;

/** 'model' when the synthetic run has boundary outputs to segment from, else 'classical'. */
export function defaultMethod(db: Db, ref: SourceRef): 'model' | 'classical' {
  if (ref.source !== 'synthetic') return 'classical';
  const has = db.prepare(`SELECT 1 FROM images WHERE run_id = ? AND channel = 'NucleiBoundary' LIMIT 1`).get(ref.runId);
  return has ? 'model' : 'classical';
}
