import type { Db } from '../catalog/db';
import type { FeatureSetInfo } from '../../../shared/contract/features';
import { robustZ } from '../../../shared/stats';
import type { AppliedIllumination } from '../../../shared/illumination';

/** A feature set as stored: the contract's view (less the derived hasRobustZ) plus where its cells are. */
export type FeatureSetRow = Omit<FeatureSetInfo, 'hasRobustZ' | 'illumination'> & { cellsPath: string | null; seconds: number | null };

const SET_SQL = `SELECT id, plate_id AS plateId, source, run_id AS runId, method, model_name AS modelName, status, n_sites AS nSites,
  n_cells AS nCells, cells_path AS cellsPath, seconds, created_at AS createdAt, finished_at AS finishedAt FROM feature_sets`;

export function listFeatureSets(db: Db, plateId: number): FeatureSetRow[] {
  return db.prepare(`${SET_SQL} WHERE plate_id = ? ORDER BY id`).all(plateId) as FeatureSetRow[];
}

export function getFeatureSet(db: Db, id: number): FeatureSetRow | null {
  return (db.prepare(`${SET_SQL} WHERE id = ?`).get(id) as FeatureSetRow | undefined) ?? null;
}

export function findFeatureSet(db: Db, plateId: number, source: string, runId: number | null, method: string): FeatureSetRow | null {
  return (
    (db.prepare(`${SET_SQL} WHERE plate_id = ? AND source = ? AND ifnull(run_id, 0) = ? AND method = ?`).get(plateId, source, runId ?? 0, method) as
      | FeatureSetRow
      | undefined) ?? null
  );
}

/** What the set's segmentation divided by (feature_sets.illumination); null when not corrected. */
export function setIllumination(db: Db, id: number): AppliedIllumination | null {
  const r = db.prepare(`SELECT illumination FROM feature_sets WHERE id = ?`).get(id) as { illumination: string | null } | undefined;
  return r?.illumination ? (JSON.parse(r.illumination) as AppliedIllumination) : null;
}

/** Creates (or resets) the set for this plate/source/run/method; its profiles are replaced when the job finishes. */
export function openFeatureSet(db: Db, k: { plateId: number; source: string; runId: number | null; method: string; modelName: string | null }): number {
  const old = findFeatureSet(db, k.plateId, k.source, k.runId, k.method);
  if (old) {
    db.prepare(`UPDATE feature_sets SET status = 'running', model_name = ?, finished_at = NULL WHERE id = ?`).run(k.modelName, old.id);
    return old.id;
  }
  return (
    db
      .prepare(`INSERT INTO feature_sets (plate_id, source, run_id, method, model_name) VALUES (?, ?, ?, ?, ?) RETURNING id`)
      .get(k.plateId, k.source, k.runId, k.method, k.modelName) as { id: number }
  ).id;
}

const blob = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const unblob = (b: Buffer) => new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));

/**
 * Stores the per-well profiles of a finished set in one transaction: for each feature, raw
 * medians over the wells and (when the plate has negative-control wells) robust z against them.
 */
export function saveWellProfiles(
  db: Db,
  setId: number,
  p: { wellIds: Int32Array; negcon: Uint8Array; names: string[]; columns: Float64Array[]; nSites: number; nCells: number; cellsPath: string | null; seconds: number },
): void {
  const hasNeg = p.negcon.some((v) => v === 1);
  db.transaction(() => {
    db.prepare(`DELETE FROM well_features WHERE set_id = ?`).run(setId);
    const ins = db.prepare(`INSERT INTO well_features (set_id, name, raw, robustz) VALUES (?, ?, ?, ?)`);
    p.names.forEach((name, j) => ins.run(setId, name, blob(p.columns[j]), hasNeg ? blob(robustZ(p.columns[j], p.negcon)) : null));
    db.prepare(
      `UPDATE feature_sets SET status = 'done', well_ids = ?, n_sites = ?, n_cells = ?, cells_path = ?, seconds = ?,
         finished_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?`,
    ).run(Buffer.from(p.wellIds.buffer, p.wellIds.byteOffset, p.wellIds.byteLength), p.nSites, p.nCells, p.cellsPath, p.seconds, setId);
  })();
}

export function setWellIds(db: Db, setId: number): Int32Array {
  const r = db.prepare(`SELECT well_ids FROM feature_sets WHERE id = ?`).get(setId) as { well_ids: Buffer | null } | undefined;
  if (!r?.well_ids) return new Int32Array(0);
  const b = r.well_ids;
  return new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

export function featureNames(db: Db, setId: number, query = '', limit = 200): { total: number; names: string[] } {
  const like = `%${query.replace(/[%_\\]/g, (c) => '\\' + c)}%`;
  const total = (db.prepare(`SELECT count(*) AS n FROM well_features WHERE set_id = ? AND name LIKE ? ESCAPE '\\'`).get(setId, like) as { n: number }).n;
  const names = (db.prepare(`SELECT name FROM well_features WHERE set_id = ? AND name LIKE ? ESCAPE '\\' ORDER BY rowid LIMIT ?`).all(setId, like, limit) as Array<{ name: string }>).map((r) => r.name);
  return { total, names };
}

/** One feature over the set's wells (raw or robust z); null when the feature or the normalisation is missing. */
export function featureColumn(db: Db, setId: number, name: string, normalize: 'none' | 'robustz'): Float64Array | null {
  const r = db.prepare(`SELECT raw, robustz FROM well_features WHERE set_id = ? AND name = ?`).get(setId, name) as { raw: Buffer; robustz: Buffer | null } | undefined;
  if (!r) return null;
  const b = normalize === 'robustz' ? r.robustz : r.raw;
  return b ? unblob(b) : null;
}

/** All features of a set in stored order (for export). */
export function allFeatureColumns(db: Db, setId: number, normalize: 'none' | 'robustz'): { names: string[]; columns: Float64Array[] } {
  const rows = db.prepare(`SELECT name, raw, robustz FROM well_features WHERE set_id = ? ORDER BY rowid`).all(setId) as Array<{ name: string; raw: Buffer; robustz: Buffer | null }>;
  if (normalize === 'robustz' && rows.some((r) => !r.robustz))
    throw new Error('robust z needs negative-control (DMSO) wells on the plate; this plate has none annotated as negcon');
  return { names: rows.map((r) => r.name), columns: rows.map((r) => unblob(normalize === 'robustz' ? r.robustz! : r.raw)) };
}

/** Whether a set has robust z values (its plate had negcon wells when it was measured). */
export function hasRobustZ(db: Db, setId: number): boolean {
  return !!db.prepare(`SELECT 1 FROM well_features WHERE set_id = ? AND robustz IS NOT NULL LIMIT 1`).get(setId);
}

/** Row and column of each well, in the order given. */
export function wellPositions(db: Db, wellIds: ArrayLike<number>): Array<{ row: number; col: number }> {
  const q = db.prepare(`SELECT row, col FROM wells WHERE id = ?`);
  return Array.from(wellIds, (id) => q.get(id) as { row: number; col: number });
}
