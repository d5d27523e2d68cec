import type { Db } from '../catalog/db';

/** What the catalog holds for one site of a run: its images and segmentations. */
export interface RunSite {
  siteId: number;
  wellId: number;
  well: string;
  field: number;
  /** channel → file, synthetic images of this run */
  synthetic: Map<string, string>;
  /** channel → file, acquired images */
  acquired: Map<string, string>;
}

export interface SegFiles {
  siteId: number;
  wellId: number;
  method: string;
  nucleiPath: string;
  cellsPath: string;
  nNuclei: number;
  nCells: number;
}

export interface RunInfoRow {
  id: number;
  plateId: number;
  plate: string;
  model: string;
  provider: string | null;
  timings: Record<string, unknown>;
}

export interface WellMeta {
  wellId: number;
  well: string;
  row: number;
  col: number;
  controlType: string | null;
  compound: string | null;
  moa: string | null;
}

export function loadRun(db: Db, runId: number): RunInfoRow {
  const r = db
    .prepare(
      `SELECT r.id, r.plate_id AS plateId, p.barcode AS plate, r.model_name AS model, r.provider, r.timings
         FROM runs r JOIN plates p ON p.id = r.plate_id WHERE r.id = ?`,
    )
    .get(runId) as (Omit<RunInfoRow, 'timings'> & { timings: string }) | undefined;
  if (!r) throw new Error(`no run ${runId} in the catalog (see \`stainless runs\` / the Runs page)`);
  let timings: Record<string, unknown> = {};
  try {
    timings = JSON.parse(r.timings);
  } catch {
    /* a run without parseable timings still has metrics */
  }
  return { ...r, timings };
}

/** Sites that have at least one synthetic image of the run, with their synthetic and acquired images. */
export function runSites(db: Db, runId: number): RunSite[] {
  const rows = db
    .prepare(
      `SELECT s.id AS siteId, s.well_id AS wellId, w.name AS well, s.field, i.channel, i.kind, i.path
         FROM sites s
         JOIN wells w ON w.id = s.well_id
         JOIN images i ON i.site_id = s.id AND (i.run_id = ? OR i.kind = 'acquired')
        WHERE s.id IN (SELECT site_id FROM images WHERE run_id = ? AND kind = 'synthetic')
        ORDER BY w.row, w.col, s.field`,
    )
    .all(runId, runId) as Array<{ siteId: number; wellId: number; well: string; field: number; channel: string; kind: string; path: string }>;
  const bySite = new Map<number, RunSite>();
  for (const r of rows) {
    let s = bySite.get(r.siteId);
    if (!s) bySite.set(r.siteId, (s = { siteId: r.siteId, wellId: r.wellId, well: r.well, field: r.field, synthetic: new Map(), acquired: new Map() }));
    (r.kind === 'synthetic' ? s.synthetic : s.acquired).set(r.channel, r.path);
  }
  return [...bySite.values()];
}

const segQuery = `SELECT g.site_id AS siteId, s.well_id AS wellId, g.method, g.nuclei_path AS nucleiPath, g.cells_path AS cellsPath,
                         g.n_nuclei AS nNuclei, g.n_cells AS nCells
                    FROM segmentations g JOIN sites s ON s.id = g.site_id`;

/** Segmentations of the run's synthetic images (one per site; 'model' preferred over 'classical'). */
export function predictedSegmentations(db: Db, runId: number): Map<number, SegFiles> {
  const rows = db.prepare(`${segQuery} WHERE g.run_id = ? AND g.source = 'synthetic' ORDER BY g.method DESC`).all(runId) as SegFiles[];
  const out = new Map<number, SegFiles>();
  for (const r of rows) if (!out.has(r.siteId) || r.method === 'model') out.set(r.siteId, r);
  return out;
}

/** Reference segmentations of the plate's sites: ground truth labels, else classical on acquired images. */
export function referenceSegmentations(db: Db, plateId: number): { kind: 'truth' | 'classical'; bySite: Map<number, SegFiles> } | null {
  const q = (where: string) =>
    db.prepare(`${segQuery} JOIN wells w ON w.id = s.well_id WHERE w.plate_id = ? AND ${where}`).all(plateId) as SegFiles[];
  const truth = q(`g.source = 'truth'`);
  if (truth.length) return { kind: 'truth', bySite: new Map(truth.map((r) => [r.siteId, r])) };
  const classical = q(`g.source = 'acquired' AND g.method = 'classical'`);
  if (classical.length) return { kind: 'classical', bySite: new Map(classical.map((r) => [r.siteId, r])) };
  return null;
}

/** Classical segmentations of the plate's acquired images, by site. */
export function acquiredClassical(db: Db, plateId: number): Map<number, SegFiles> {
  const rows = db
    .prepare(`${segQuery} JOIN wells w ON w.id = s.well_id WHERE w.plate_id = ? AND g.source = 'acquired' AND g.method = 'classical'`)
    .all(plateId) as SegFiles[];
  return new Map(rows.map((r) => [r.siteId, r]));
}

export function plateWells(db: Db, plateId: number): WellMeta[] {
  return db
    .prepare(
      `SELECT w.id AS wellId, w.name AS well, w.row, w.col, w.control_type AS controlType,
              c.broad_sample AS compound, c.moa
         FROM wells w LEFT JOIN compounds c ON c.id = w.compound_id
        WHERE w.plate_id = ? ORDER BY w.row, w.col`,
    )
    .all(plateId) as WellMeta[];
}
