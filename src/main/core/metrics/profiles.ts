import { openParquet, rowGroups } from '../io/parquetRead';
import type { Db } from '../catalog/db';
import { allFeatureColumns, setWellIds } from '../features/store';
import type { WellProfiles } from './agreement';
import type { Matrix } from './frechet';

/** Per-well profiles (and a sample of per-cell features) of a run's synthetic images and of the acquired ones. */
export interface RunProfiles {
  acquired: WellProfiles | null;
  synthetic: WellProfiles | null;
  cells: { acquired: Matrix; synthetic: Matrix; features: string[] } | null;
  /** which feature sets were used, for the record */
  sets: { acquired: number | null; synthetic: number | null };
  /** why something is missing */
  note: string | null;
}

export const FEATURES_MISSING = 'features not computed yet for this run (run `stainless segment --source acquired` and `--source synthetic --run ID` first)';

/** Per-cell sample bounds for the Fréchet distance: enough for stable covariances, bounded memory and time. */
export const MAX_CELLS = 5000;
export const MAX_CELL_FEATURES = 200;

interface SetRow {
  id: number;
  source: string;
  method: string;
  cellsPath: string | null;
}

function pickSet(db: Db, where: string, args: unknown[]): SetRow | null {
  // the model's own segmentation first, then classical, then ground truth
  const rows = db
    .prepare(
      `SELECT id, source, method, cells_path AS cellsPath FROM feature_sets WHERE status = 'done' AND ${where}
        ORDER BY CASE method WHEN 'model' THEN 0 WHEN 'classical' THEN 1 ELSE 2 END, id DESC`,
    )
    .all(...args) as SetRow[];
  return rows[0] ?? null;
}

/**
 * A feature set's per-well profiles, imaged wells only: a set spans every well of the plate map (NaN
 * where no site was imaged, so the plate map can show them), but a well without a single value is
 * no sample for correlation, classification or retrieval.
 */
function wellProfiles(db: Db, setId: number): WellProfiles {
  const ids = setWellIds(db, setId);
  const nameOf = new Map((db.prepare(`SELECT id, name FROM wells WHERE id IN (${[...ids].join(',') || 'NULL'})`).all() as Array<{ id: number; name: string }>).map((r) => [r.id, r.name]));
  const { names, columns } = allFeatureColumns(db, setId, 'none');
  const keep = [...ids.keys()].filter((i) => columns.some((col) => Number.isFinite(col[i])));
  const data = new Float64Array(keep.length * names.length);
  columns.forEach((col, j) => keep.forEach((i, r) => (data[r * names.length + j] = col[i])));
  return { wells: keep.map((i) => nameOf.get(ids[i]) ?? `well ${ids[i]}`), features: names, data };
}

/**
 * Reads the per-well profiles stored by the features pipeline (feature_sets / well_features):
 * the run's synthetic set and the plate's acquired set (ground-truth-segmented acquired images
 * when there is no acquired set). Per-cell features come from the sets' Parquet files, sampled.
 */
export async function loadRunProfiles(db: Db, runId: number): Promise<RunProfiles> {
  const none = (note: string): RunProfiles => ({ acquired: null, synthetic: null, cells: null, sets: { acquired: null, synthetic: null }, note });
  const hasStore = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'feature_sets'`).get();
  if (!hasStore) return none(FEATURES_MISSING);
  const run = db.prepare('SELECT plate_id AS plateId FROM runs WHERE id = ?').get(runId) as { plateId: number } | undefined;
  if (!run) throw new Error(`no run ${runId}`);
  const syn = pickSet(db, `run_id = ? AND source = 'synthetic'`, [runId]);
  const acq = pickSet(db, `plate_id = ? AND source = 'acquired' AND run_id IS NULL`, [run.plateId]) ?? pickSet(db, `plate_id = ? AND source = 'truth'`, [run.plateId]);
  if (!syn || !acq) {
    const which = !syn && !acq ? 'neither the acquired nor the synthetic images have' : !syn ? 'the synthetic images have' : 'the acquired images have';
    return {
      ...none(`features not computed yet for this run: ${which} no finished feature set (run \`stainless segment\` first)`),
      sets: { acquired: acq?.id ?? null, synthetic: syn?.id ?? null },
    };
  }
  const acquired = wellProfiles(db, acq.id);
  const synthetic = wellProfiles(db, syn.id);
  let cells: RunProfiles['cells'] = null;
  let note: string | null = null;
  if (acq.cellsPath && syn.cellsPath) {
    try {
      cells = await cellSample(acq.cellsPath, syn.cellsPath);
    } catch (e) {
      note = `per-cell features unreadable: ${(e as Error).message}`;
    }
  }
  return { acquired, synthetic, cells, sets: { acquired: acq.id, synthetic: syn.id }, note };
}

/**
 * Every k-th row of the chosen feature columns (nulls → NaN), streamed one row group at a time
 * with only those columns decoded: memory is the sample plus one group of `names`.
 */
async function readColumns(path: string, names: string[], maxRows: number): Promise<{ rows: number; data: Float64Array }> {
  const pf = await openParquet(path);
  const step = Math.max(1, Math.ceil(pf.rows / maxRows));
  const data = new Float64Array(Math.ceil(pf.rows / step) * names.length).fill(NaN);
  let out = 0;
  for await (const g of rowGroups(pf, names)) {
    const cols = names.map((n) => g.columns.get(n)!);
    for (let i = (step - (g.rowStart % step)) % step; i < g.rows; i += step) {
      for (let j = 0; j < names.length; j++) {
        const v = cols[j][i];
        data[out * names.length + j] = typeof v === 'number' ? v : NaN;
      }
      out++;
    }
  }
  return { rows: out, data: data.subarray(0, out * names.length) };
}

/** Feature columns (float32 or float64) of a per-cell file. */
async function featureColumnNames(path: string): Promise<string[]> {
  const pf = await openParquet(path);
  return pf.metadata.schema.slice(1).filter((s) => (s.type === 'DOUBLE' || s.type === 'FLOAT') && !s.name.startsWith('Metadata_')).map((s) => s.name);
}

/**
 * A deterministic sample of cells from both files over shared feature columns: up to MAX_CELLS
 * rows each (every k-th cell), up to MAX_CELL_FEATURES columns (evenly spaced over the shared
 * ones, so every feature group is represented), rows with a missing value dropped.
 */
async function cellSample(acqPath: string, synPath: string): Promise<NonNullable<RunProfiles['cells']>> {
  const synCols = new Set(await featureColumnNames(synPath));
  const shared = (await featureColumnNames(acqPath)).filter((n) => synCols.has(n));
  const step = Math.max(1, shared.length / MAX_CELL_FEATURES);
  const names = shared.length <= MAX_CELL_FEATURES ? shared : Array.from({ length: MAX_CELL_FEATURES }, (_, k) => shared[Math.floor(k * step)]);
  const [a, s] = await Promise.all([readColumns(acqPath, names, MAX_CELLS), readColumns(synPath, names, MAX_CELLS)]);
  // features missing in more than 1% of either sample's cells are left out; then cells missing any kept feature
  const d0 = names.length;
  const keepCols: number[] = [];
  for (let j = 0; j < d0; j++) {
    const missing = (m: { rows: number; data: Float64Array }) => {
      let n = 0;
      for (let r = 0; r < m.rows; r++) if (!Number.isFinite(m.data[r * d0 + j])) n++;
      return n / Math.max(1, m.rows);
    };
    if (missing(a) <= 0.01 && missing(s) <= 0.01) keepCols.push(j);
  }
  const clean = (m: { rows: number; data: Float64Array }): Matrix => {
    const d = keepCols.length;
    const rows: number[] = [];
    for (let r = 0; r < m.rows; r++) if (keepCols.every((j) => Number.isFinite(m.data[r * d0 + j]))) rows.push(r);
    const out = new Float64Array(rows.length * d);
    rows.forEach((r, i) => keepCols.forEach((j, k) => (out[i * d + k] = m.data[r * d0 + j])));
    return { rows: rows.length, cols: d, data: out };
  };
  return { acquired: clean(a), synthetic: clean(s), features: keepCols.map((j) => names[j]) };
}
