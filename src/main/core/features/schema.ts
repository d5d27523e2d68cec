import type { Db } from '../catalog/db';

/**
 * Catalog migration 4 (features). Per-well profiles are stored column-major: one row per
 * feature with a Float64 blob over the set's wells (order in feature_sets.well_ids), so the plate
 * map recolours by any feature with one indexed read — never a wide table.
 */
export const FEATURES_MIGRATION = {
  version: 4,
  name: 'features: feature sets, per-well profiles',
  sql: `
CREATE TABLE IF NOT EXISTS feature_sets (
  id INTEGER PRIMARY KEY,
  plate_id INTEGER NOT NULL REFERENCES plates(id) ON DELETE CASCADE,
  source TEXT NOT NULL CHECK (source IN ('acquired', 'synthetic', 'truth')),
  run_id INTEGER REFERENCES runs(id) ON DELETE CASCADE,
  method TEXT NOT NULL CHECK (method IN ('model', 'classical', 'truth')),
  model_name TEXT,
  status TEXT NOT NULL DEFAULT 'running',
  n_sites INTEGER NOT NULL DEFAULT 0,
  n_cells INTEGER NOT NULL DEFAULT 0,
  well_ids BLOB,
  cells_path TEXT,
  seconds REAL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  finished_at TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS feature_sets_key ON feature_sets (plate_id, source, ifnull(run_id, 0), method);
CREATE TABLE IF NOT EXISTS well_features (
  set_id INTEGER NOT NULL REFERENCES feature_sets(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  raw BLOB NOT NULL,
  robustz BLOB,
  PRIMARY KEY (set_id, name)
);
`,
};

/** Makes sure the feature tables exist (idempotent; the same SQL as migration 4). */
export function ensureFeatureSchema(db: Db): void {
  const has = db.prepare(`SELECT 1 FROM sqlite_master WHERE type='table' AND name='well_features'`).get();
  if (!has) db.exec(FEATURES_MIGRATION.sql);
}
