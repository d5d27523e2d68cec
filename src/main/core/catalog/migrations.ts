/**
 * Numbered schema migrations. Append only: never edit a migration that has shipped.
 * A catalog whose user_version is above the last number here was written by a newer Stainless
 * and is refused (see db.ts).
 */

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'core entities',
    sql: `
CREATE TABLE plates (
  id INTEGER PRIMARY KEY,
  barcode TEXT NOT NULL UNIQUE,
  cell_line TEXT,
  format INTEGER NOT NULL CHECK (format IN (96, 384, 1536)),
  platemap_name TEXT,
  source_dir TEXT,
  naming TEXT,
  channel_map TEXT,
  is_demo INTEGER NOT NULL DEFAULT 0,
  imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE TABLE compounds (
  id INTEGER PRIMARY KEY,
  broad_sample TEXT NOT NULL UNIQUE,
  name TEXT,
  moa TEXT,
  target TEXT,
  smiles TEXT,
  inchikey TEXT,
  pert_type TEXT
);
CREATE TABLE wells (
  id INTEGER PRIMARY KEY,
  plate_id INTEGER NOT NULL REFERENCES plates(id) ON DELETE CASCADE,
  row INTEGER NOT NULL,
  col INTEGER NOT NULL,
  name TEXT NOT NULL,
  compound_id INTEGER REFERENCES compounds(id),
  concentration REAL,
  concentration_unit TEXT,
  control_type TEXT CHECK (control_type IN ('negcon', 'poscon', 'trt', 'empty')),
  solvent TEXT,
  annotated INTEGER NOT NULL DEFAULT 0,
  UNIQUE (plate_id, row, col)
);
CREATE TABLE sites (
  id INTEGER PRIMARY KEY,
  well_id INTEGER NOT NULL REFERENCES wells(id) ON DELETE CASCADE,
  field INTEGER NOT NULL,
  UNIQUE (well_id, field)
);
CREATE TABLE models (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  kind TEXT NOT NULL,
  dir TEXT NOT NULL,
  manifest TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  bundled INTEGER NOT NULL DEFAULT 0,
  added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  UNIQUE (name, version)
);
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  plate_id INTEGER NOT NULL REFERENCES plates(id) ON DELETE CASCADE,
  model_id INTEGER REFERENCES models(id),
  model_name TEXT NOT NULL,
  provider TEXT,
  provider_reason TEXT,
  params TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL DEFAULT 'queued',
  timings TEXT NOT NULL DEFAULT '{}',
  error TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  finished_at TEXT
);
CREATE TABLE run_sites (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  seconds REAL,
  PRIMARY KEY (run_id, site_id)
);
CREATE TABLE images (
  id INTEGER PRIMARY KEY,
  site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  channel TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('acquired', 'synthetic')),
  path TEXT NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  bit_depth INTEGER NOT NULL,
  run_id INTEGER REFERENCES runs(id) ON DELETE CASCADE,
  CHECK ((kind = 'acquired') = (run_id IS NULL))
);
CREATE UNIQUE INDEX images_acquired ON images (site_id, channel) WHERE kind = 'acquired';
CREATE UNIQUE INDEX images_synthetic ON images (site_id, channel, run_id) WHERE kind = 'synthetic';
CREATE TABLE segmentations (
  id INTEGER PRIMARY KEY,
  site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  source TEXT NOT NULL CHECK (source IN ('acquired', 'synthetic', 'truth')),
  method TEXT NOT NULL CHECK (method IN ('model', 'classical', 'truth')),
  run_id INTEGER REFERENCES runs(id) ON DELETE CASCADE,
  nuclei_path TEXT NOT NULL,
  cells_path TEXT NOT NULL,
  n_nuclei INTEGER NOT NULL,
  n_cells INTEGER NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE UNIQUE INDEX segmentations_key ON segmentations (site_id, source, method, ifnull(run_id, 0));
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  params TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL DEFAULT 'queued',
  done INTEGER NOT NULL DEFAULT 0,
  total INTEGER NOT NULL DEFAULT 0,
  unit TEXT NOT NULL DEFAULT 'items',
  message TEXT,
  error TEXT,
  result TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  started_at TEXT,
  finished_at TEXT
);
CREATE INDEX wells_plate ON wells (plate_id);
CREATE INDEX sites_well ON sites (well_id);
CREATE INDEX images_site ON images (site_id);
CREATE INDEX runs_plate ON runs (plate_id);
`,
  },
  {
    version: 2,
    name: 'import: compound control type, lookup indexes',
    sql: `
ALTER TABLE compounds ADD COLUMN control_type TEXT;
CREATE INDEX compounds_name ON compounds (name);
CREATE INDEX compounds_moa ON compounds (moa);
CREATE INDEX wells_compound ON wells (compound_id);
`,
  },
  {
    version: 3,
    name: 'inference: run device, synthetic images by run',
    sql: `
ALTER TABLE runs ADD COLUMN device TEXT;
CREATE INDEX images_run ON images (run_id) WHERE run_id IS NOT NULL;
CREATE INDEX runs_model ON runs (model_id);
`,
  },
  /**
   * Migration 4 (features). Per-well profiles are stored column-major: one row per
   * feature with a Float64 blob over the set's wells (order in feature_sets.well_ids), so the plate
   * map recolours by any feature with one indexed read — never a wide table.
   */
  {
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
  },
  {
    version: 5,
    name: 'metrics: per-run metric values (site/well/run) and dashboard summary',
    sql: `
CREATE TABLE metrics (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  scope TEXT NOT NULL CHECK (scope IN ('site', 'well', 'run')),
  site_id INTEGER REFERENCES sites(id) ON DELETE CASCADE,
  well_id INTEGER REFERENCES wells(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  channel TEXT NOT NULL DEFAULT '',
  value REAL
);
CREATE INDEX metrics_run_key ON metrics (run_id, key, channel, scope);
CREATE TABLE metrics_runs (
  run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
  params TEXT NOT NULL,
  summary TEXT NOT NULL,
  computed_at TEXT NOT NULL
);
`,
  },
  {
    version: 6,
    name: 'inference: domain check per run (plate vs the model\'s training conditions)',
    sql: `
ALTER TABLE runs ADD COLUMN domain TEXT;
`,
  },
  /**
   * Migration 7 (the field's files in). LoadData Metadata_* columns as JSON annotations of wells
   * and sites; Harmony's Index.idx.xml: the plate's pixel size, acquisition details (objective,
   * plane z positions, field positions) as JSON, and each channel's number, name and pixel size.
   */
  {
    version: 7,
    name: 'import: LoadData metadata, Harmony pixel size and channels',
    sql: `
ALTER TABLE wells ADD COLUMN metadata TEXT;
ALTER TABLE sites ADD COLUMN metadata TEXT;
ALTER TABLE plates ADD COLUMN pixel_size_um REAL;
ALTER TABLE plates ADD COLUMN acquisition TEXT;
CREATE TABLE plate_channels (
  plate_id INTEGER NOT NULL REFERENCES plates(id) ON DELETE CASCADE,
  channel TEXT NOT NULL,
  number INTEGER,
  name TEXT,
  pixel_size_um REAL,
  excitation_nm REAL,
  emission_nm REAL,
  PRIMARY KEY (plate_id, channel)
);
`,
  },
  /**
   * Migration 8 (campaigns). A plate planned for a cluster: the plan file on shared storage is the
   * truth (shard states come from it and the scheduler); the catalog keeps where it is, so the UI
   * can show its shards, and which run the merge made.
   */
  {
    version: 8,
    name: 'campaigns: plans of plates sharded for a cluster',
    sql: `
CREATE TABLE campaigns (
  id TEXT PRIMARY KEY,
  plate_id INTEGER NOT NULL REFERENCES plates(id) ON DELETE CASCADE,
  plan_path TEXT NOT NULL,
  model_name TEXT NOT NULL,
  steps TEXT NOT NULL,
  shards INTEGER NOT NULL,
  sites INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  merged_run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL
);
CREATE INDEX campaigns_plate ON campaigns (plate_id);
`,
  },
  /**
   * Migration 9 (illumination correction). A plate's illumination function per channel and source
   * (acquired, or a synthetic run): computed by CorrectIlluminationCalculate with its settings, or
   * loaded from a file (JUMP's per-plate .npy); the function itself is a .npy file in the workspace.
   * A feature set records what its segmentation divided by (JSON per channel, null: not applied).
   */
  {
    version: 9,
    name: 'illumination: per-plate functions, and what each feature set applied',
    sql: `
CREATE TABLE illumination_functions (
  id INTEGER PRIMARY KEY,
  plate_id INTEGER NOT NULL REFERENCES plates(id) ON DELETE CASCADE,
  source TEXT NOT NULL CHECK (source IN ('acquired', 'synthetic')),
  run_id INTEGER REFERENCES runs(id) ON DELETE CASCADE,
  channel TEXT NOT NULL,
  origin TEXT NOT NULL CHECK (origin IN ('computed', 'file')),
  path TEXT NOT NULL,
  source_file TEXT,
  settings TEXT,
  n_images INTEGER,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE UNIQUE INDEX illumination_functions_key ON illumination_functions (plate_id, source, ifnull(run_id, 0), channel);
ALTER TABLE feature_sets ADD COLUMN illumination TEXT;
`,
  },
  /**
   * Migration 10 (job owners). The token of the process that runs a job (jobs/owner.ts), so a
   * process opening the workspace interrupts only the jobs of processes that are gone. Older rows
   * keep NULL: no live process knows them.
   */
  {
    version: 10,
    name: 'jobs: the owning process of each job',
    sql: `
ALTER TABLE jobs ADD COLUMN owner TEXT;
`,
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
