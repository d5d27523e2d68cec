import { platePixelSize } from '../catalog/queries';
import { join } from 'node:path';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import { checkFreeSpace, writeFileAtomic } from '../io/output';
import { cellsFilePath, labelDir, labelPaths, siteCheckpointDir } from '../workspace';
import type { Db } from '../catalog/db';
import { WELL_METADATA, wellMetadata } from '../export/metadata';
import { parquetSink } from '../export/parquet';
import type { ColumnSpec, ColumnValues, TableSink } from '../export/table';
import type { CellTable } from './cellTable';
import { cellFeatureSpecs, cellRowGroupRows, type CellPrecision } from './cellStore';
import { SitePool, inProcess, type SiteRunner } from './pool';
import { columnMedians } from './profiles';
import { defaultMethod, plateSites, resolveSource, setKey, type Source } from './plateSites';
import { openFeatureSet, saveWellProfiles } from './store';
import { acquireLock } from '../jobs/runLock';
import type { SiteResult } from './siteTask';
import { illumOn, illumTableMetadata, preparePlateIllum } from '../illumination/plate';
import { PAINT_CHANNELS } from '../../../shared/channels';
import type { AppliedIllumination, IllumMode } from '../../../shared/illumination';

export interface FeaturesParams {
  plate: string | number;
  source: Source;
  runId?: number | null;
  /** default: 'model' when the synthetic run has boundary outputs, else 'classical' */
  method?: 'model' | 'classical';
  /** worker threads; 0 = in-process */
  workers?: number;
  /** false: only segment */
  measure?: boolean;
  /** per-cell storage: 'single' (default; float32, positions float64) or 'double' (all float64) */
  precision?: CellPrecision;
  /** illumination correction before segmentation: 'auto' (default) divides acquired images only */
  illumination?: IllumMode;
  /** a folder of JUMP's per-plate functions (<plate>_Illum<Ch>.npy) to load instead of computing them */
  illumFrom?: string | null;
}

export interface FeaturesSummary {
  setId: number | null;
  plate: string;
  source: Source;
  runId: number | null;
  method: string;
  sites: number;
  /** sites taken from the checkpoints of a killed run (not segmented or measured again) */
  sitesResumed: number;
  wells: number;
  cells: number;
  cellsPath: string | null;
  seconds: number;
  secondsPerSite: { segment: number; measure: number };
  /** what each channel was divided by; null: no illumination correction */
  illumination: AppliedIllumination | null;
}

export interface FeaturesHooks {
  progress?(done: number, total: number, message?: string): void;
  signal?: AbortSignal;
}

/** Per-cell metadata columns written before the features. */
export const CELL_METADATA: ColumnSpec[] = [
  ...WELL_METADATA.slice(0, 2).map((name) => ({ name, kind: 'string' as const })),
  { name: 'Metadata_Site', kind: 'int' },
  { name: 'Metadata_ObjectNumber', kind: 'int' },
  ...WELL_METADATA.slice(2).map((name) => ({ name, kind: name === 'Metadata_mmoles_per_liter' ? ('double' as const) : ('string' as const) })),
  { name: 'Metadata_Source', kind: 'string' },
  { name: 'Metadata_Model', kind: 'string' },
  { name: 'Metadata_TouchesBorder', kind: 'int' },
];

/**
 * Segments and measures every site of a plate for one source (acquired, or a synthetic run),
 * site by site on worker threads: label images go to <workspace>/labels and the segmentations
 * table, per-cell rows stream into one Parquet file under <workspace>/features, and per-well
 * medians (border-touching cells left out, as CellProfiler discards them) go to the catalog.
 * A rerun reuses label images already written for the same segmentation (resume after a crash).
 */
export async function runFeatures(core: { db: Db; paths: { labels: string; features: string; illumination: string } }, params: FeaturesParams, hooks: FeaturesHooks = {}): Promise<FeaturesSummary> {
  // one segmentation per plate at a time: two would write the same label and feature files
  const ref = resolveSource(core.db, params.plate, params.source, params.runId);
  const release = acquireLock(core.db, `segment-plate-${ref.plateId}`, `segmentation of plate ${ref.barcode}`);
  try {
    return await featuresLocked(core, params, hooks);
  } finally {
    release();
  }
}

async function featuresLocked(core: { db: Db; paths: { labels: string; features: string; illumination: string } }, params: FeaturesParams, hooks: FeaturesHooks): Promise<FeaturesSummary> {
  const { db } = core;
  const t0 = performance.now();
  const measure = params.measure ?? true;
  const ref = resolveSource(db, params.plate, params.source, params.runId);
  const method = params.method ?? defaultMethod(db, ref);
  const sites = plateSites(db, ref);
  if (!sites.length) throw new Error(`plate ${ref.barcode} has no sites`);
  const missing = sites.find((s) => !s.images.DNA);
  if (missing) throw new Error(`plate ${ref.barcode}, well ${missing.well} site ${missing.field}: no ${ref.source} DNA image`);
  const illumMode = params.illumination ?? 'auto';
  if (params.illumFrom && !illumOn(illumMode, ref.source))
    throw new Error(`illumination files given, but illumination correction is off for ${ref.source} images (use illumination 'on')`);
  const key = setKey(ref, method);
  const wells = wellMetadata(db, ref.plateId);
  const wellPos = new Map(wells.map((w, i) => [w.wellId, i]));
  let setId: number | null = null;
  const openSet = () => (measure ? openFeatureSet(db, { plateId: ref.plateId, source: ref.source, runId: ref.runId, method: method, modelName: ref.modelName }) : null);
  const failSet = (id: number | null) => {
    if (id !== null) db.prepare(`UPDATE feature_sets SET status = ? WHERE id = ?`).run(hooks.signal?.aborted ? 'cancelled' : 'failed', id);
  };
  const cellsPath = measure ? cellsFilePath(core.paths.features, ref.barcode, key) : null;
  const hasSeg = db.prepare(`SELECT 1 FROM segmentations WHERE site_id = ? AND source = ? AND method = ? AND ifnull(run_id, 0) = ?`);
  // Per-site checkpoints (measurements of a site whose labels and segmentation row are in): a
  // killed run resumes at the first site without one and writes the same bytes as an unbroken run.
  const ckDir = measure ? siteCheckpointDir(core.paths.features, ref.barcode, key) : null;
  const ckFile = (siteId: number) => join(ckDir!, `${siteId}.v8`);
  const labels = labelDir(core.paths.labels, ref.barcode, key);
  const resumable = () => new Set(ckDir ? sites.filter((s) => existsSync(ckFile(s.siteId)) && hasSeg.get(s.siteId, ref.source, method, ref.runId ?? 0)).map((s) => s.siteId) : []);
  // pre-flight, before the illumination functions are computed: the label images still to write
  // (two 16-bit planes a site) and the functions (float32 .npy) must fit; the feature table is
  // smaller than these for typical cell densities and is checked as it is written
  const size = db.prepare(`SELECT width, height FROM images WHERE path = ?`).get(sites[0].images.DNA) as { width: number; height: number } | undefined;
  const preflight = (left: number, functions: number) => {
    if (!size) return;
    try {
      checkFreeSpace(labels, left * 2 * (size.width * size.height * 2 + 256), `${left * 2} label images`);
      if (functions) checkFreeSpace(core.paths.illumination, functions * (size.width * size.height * 4 + 128), `${functions} illumination functions`);
    } catch (e) {
      // the refused run is recorded as a failed set, as a run that failed part-way is
      failSet(setId ?? openSet());
      throw e;
    }
  };
  const illumChannels = illumOn(illumMode, ref.source) ? PAINT_CHANNELS.filter((c) => sites[0].images[c]).length : 0;
  const resumableBefore = resumable().size;
  preflight(sites.length - resumableBefore, illumChannels);
  // CorrectIlluminationCalculate over the whole plate first (or JUMP's files), then Apply per site
  // (a refused function file leaves the catalog as it was: no set is opened before this)
  const illum = illumChannels
    ? await preparePlateIllum(db, core.paths.illumination, ref, sites, { fromDir: params.illumFrom ?? null, workers: params.workers }, {
        signal: hooks.signal,
        progress: (message) => hooks.progress?.(0, sites.length, message),
      })
    : null;
  setId = openSet();
  const illumJson = illum ? JSON.stringify(illum) : null;
  const upsertSeg = db.prepare(
    `INSERT INTO segmentations (site_id, source, method, run_id, nuclei_path, cells_path, n_nuclei, n_cells) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (site_id, source, method, ifnull(run_id, 0)) DO UPDATE SET nuclei_path = excluded.nuclei_path, cells_path = excluded.cells_path,
       n_nuclei = excluded.n_nuclei, n_cells = excluded.n_cells, created_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')`,
  );
  if (setId !== null) {
    // labels and checkpoints of an earlier run with other illumination are not this run's: segment again
    const prior = db.prepare(`SELECT illumination FROM feature_sets WHERE id = ?`).get(setId) as { illumination: string | null };
    if (prior.illumination !== illumJson)
      db.prepare(
        `DELETE FROM segmentations WHERE source = ? AND method = ? AND ifnull(run_id, 0) = ? AND site_id IN (SELECT s.id FROM sites s JOIN wells w ON w.id = s.well_id WHERE w.plate_id = ?)`,
      ).run(ref.source, method, ref.runId ?? 0, ref.plateId);
    db.prepare(`UPDATE feature_sets SET illumination = ? WHERE id = ?`).run(illumJson, setId);
  }
  const illumTask = illum ? Object.fromEntries(Object.entries(illum).map(([ch, f]) => [ch, { path: f.path, sha256: f.sha256 }])) : undefined;
  if (cellsPath) rmSync(`${cellsPath}.partial`, { force: true }); // a killed run's unfinished table
  removePartials(labels);
  const checkpointed = resumable();
  // other illumination than the checkpoints': more sites to segment than the pre-flight counted
  if (checkpointed.size < resumableBefore) preflight(sites.length - checkpointed.size, 0);
  const pool: SiteRunner = params.workers === 0 ? inProcess : new SitePool(params.workers);
  let sink: TableSink | null = null;
  let featureNames: string[] | null = null;
  // cells of the well being measured only: a well's medians are taken as soon as its last site is
  // in (sites come in well order), so memory holds one well's rows, not the plate's
  let current: { wellId: number; rows: Float64Array[] } | null = null;
  const medians = new Map<number, Float64Array>();
  const closeWell = () => {
    if (current && current.rows.length && featureNames) medians.set(current.wellId, columnMedians(current.rows, featureNames.length));
    current = null;
  };
  const counts = new Map<number, { cells: number; nuclei: number }>();
  let nCells = 0;
  const secs = { segment: 0, measure: 0 };
  let done = 0;
  const stallAfter = Number(process.env.STAINLESS_SEGMENT_STALL_AFTER ?? NaN);
  hooks.progress?.(0, sites.length, `${ref.barcode}: ${sites.length} sites${checkpointed.size ? `, ${checkpointed.size} resumed from checkpoints` : ''}`);
  try {
    // Sites go to the pool in plate order with a bounded look-ahead (memory stays bounded); results
    // are consumed in the same order, so rows and well aggregates come out deterministic.
    const labelsOf = (s: (typeof sites)[number]) => labelPaths(core.paths.labels, ref.barcode, key, s);
    const start = (s: (typeof sites)[number]): Promise<SiteResult> => {
      const { nucleiPath, cellsPath: cellsLabelPath } = labelsOf(s);
      const reuse = !!hasSeg.get(s.siteId, ref.source, method, ref.runId ?? 0) && existsSync(nucleiPath) && existsSync(cellsLabelPath);
      if (reuse && checkpointed.has(s.siteId)) {
        const saved = deserialize(readFileSync(ckFile(s.siteId))) as SiteResult;
        return Promise.resolve({ ...saved, resumed: true });
      }
      const p = pool.run({ images: s.images, method: method, nucleiPath, cellsPath: cellsLabelPath, reuseLabels: reuse, measure, illum: illumTask }).catch((e: Error) => {
        throw new Error(`plate ${ref.barcode}, well ${s.well} site ${s.field}: ${e.message}`);
      });
      p.catch(() => {}); // awaited in order below; avoid an unhandled rejection while earlier sites finish
      return p;
    };
    const ahead = Math.max(2, pool.size * 2);
    const inflight: Array<Promise<SiteResult>> = [];
    let next = 0;
    let buffer: RowBuffer | null = null;
    for (let k = 0; k < sites.length; k++) {
      if (hooks.signal?.aborted) throw new Error('cancelled');
      while (next < sites.length && next < k + ahead) inflight.push(start(sites[next++]));
      const r = (await inflight.shift()!) as SiteResult & { resumed?: boolean };
      const s = sites[k];
      const meta = wells[wellPos.get(s.wellId)!];
      const lp = labelsOf(s);
      // checkpoint before the segmentation row: a site counts as done only with both
      if (ckDir && !r.resumed) {
        const { resumed: _resumed, ...result } = r;
        await writeFileAtomic(ckFile(s.siteId), serialize(result satisfies SiteResult));
      }
      upsertSeg.run(s.siteId, ref.source, method, ref.runId, lp.nucleiPath, lp.cellsPath, r.nNuclei, r.nCells);
      secs.segment += r.seconds.segment;
      secs.measure += r.seconds.measure;
      const t = r.table;
      if (t) {
        if (!featureNames) {
          featureNames = t.names;
          const specs = [...CELL_METADATA, ...cellFeatureSpecs(featureNames, params.precision)];
          buffer = new RowBuffer(specs, cellRowGroupRows(specs.length));
          sink = await parquetSink(cellsPath!, specs, {
            'stainless.plate': ref.barcode,
            'stainless.source': ref.source,
            'stainless.model': ref.modelName ?? '',
            'stainless.pixel_size_um': String(platePixelSize(db, ref.plateId) ?? ''),
            // what the images were divided by before segmentation (absent: not corrected)
            ...(illum ? illumTableMetadata(illum) : {}),
          });
        } else if (t.names.length !== featureNames.length || t.names.some((n, j) => n !== featureNames![j]))
          throw new Error(`well ${s.well} site ${s.field}: its channels give other feature columns than the first site (${t.names.length} vs ${featureNames.length})`);
        await buffer!.add(cellColumns(t, meta.values, s.field, ref.source, ref.modelName), sink!);
        nCells += t.objectNumbers.length;
        const keep = rowsOf(t, (i) => !t.touchesBorder[i]);
        if (current && current.wellId !== s.wellId) closeWell();
        current ??= { wellId: s.wellId, rows: [] };
        for (const row of keep) current.rows.push(row);
        const c = counts.get(s.wellId) ?? { cells: 0, nuclei: 0 };
        c.cells += keep.length;
        c.nuclei += r.nucleiKept ?? keep.length;
        counts.set(s.wellId, c);
      }
      done++;
      hooks.progress?.(done, sites.length, `${s.well} site ${s.field}`);
      // test hook: hold after this many sites (until cancelled) so a test can kill mid-plate deterministically
      if (done === stallAfter)
        await new Promise<void>((res) => {
          const hold = setInterval(() => undefined, 1000);
          hooks.signal?.addEventListener('abort', () => (clearInterval(hold), res()), { once: true });
        });
    }
    closeWell();
    if (sink) await buffer!.flush(sink);
    await sink?.finish();
    if (ckDir) rmSync(ckDir, { recursive: true, force: true });
  } catch (e) {
    await sink?.abort();
    // a kill never gets here: the set stays 'running' and is marked interrupted when a workspace opens
    failSet(setId);
    throw e;
  } finally {
    await pool.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  if (setId !== null && featureNames) saveSetProfiles(db, setId, { wells, counts, medians, featureNames, nSites: sites.length, nCells, cellsPath, seconds });
  return {
    setId,
    plate: ref.barcode,
    source: ref.source,
    runId: ref.runId,
    method: method,
    sites: sites.length,
    sitesResumed: checkpointed.size,
    wells: byWellCount(sites),
    cells: nCells,
    cellsPath: featureNames ? cellsPath : null,
    seconds,
    secondsPerSite: { segment: secs.segment / sites.length, measure: secs.measure / sites.length },
    illumination: illum,
  };
}

/**
 * Collects per-site column chunks into row groups of `rows` rows (few, large row groups read fast),
 * holding float32 columns as float32 so a buffered group costs what it will store.
 */
export class RowBuffer {
  private chunks: ColumnValues[][] = [];
  private n = 0;
  constructor(
    private specs: ColumnSpec[],
    private rows: number,
  ) {}
  async add(cols: ColumnValues[], sink: TableSink): Promise<void> {
    this.chunks.push(cols.map((c, j) => (this.specs[j].kind === 'float32' && !(c instanceof Float32Array) ? Float32Array.from(c as ArrayLike<number>) : c)));
    this.n += cols[0]?.length ?? 0;
    if (this.n >= this.rows) await this.flush(sink);
  }
  async flush(sink: TableSink): Promise<void> {
    if (!this.chunks.length) return;
    const merged = this.chunks[0].map((_, j) => {
      const parts = this.chunks.map((c) => c[j]);
      const first = parts[0];
      if (first instanceof Float64Array || first instanceof Float32Array || first instanceof Int32Array) {
        const out = new (first.constructor as Float64ArrayConstructor | Float32ArrayConstructor | Int32ArrayConstructor)(this.n);
        let o = 0;
        for (const p of parts as Array<Float64Array | Float32Array | Int32Array>) out.set(p, (o += p.length) - p.length);
        return out;
      }
      return (parts as Array<Array<string | number | null>>).flat();
    });
    this.chunks = [];
    this.n = 0;
    await sink.write(merged);
  }
}

/** Leftovers of label writes cut off by a kill (writeTiff's temporary names); never registered. */
function removePartials(dir: string): void {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir)) if (/\.partial-\d+$/.test(e)) rmSync(join(dir, e), { force: true });
}

const byWellCount = (sites: Array<{ wellId: number }>) => new Set(sites.map((s) => s.wellId)).size;

export function rowsOf(t: CellTable, keep: (k: number) => boolean): Float64Array[] {
  const out: Float64Array[] = [];
  for (let k = 0; k < t.objectNumbers.length; k++) {
    if (!keep(k)) continue;
    const row = new Float64Array(t.columns.length);
    for (let j = 0; j < t.columns.length; j++) row[j] = t.columns[j][k];
    out.push(row);
  }
  return out;
}

export function cellColumns(t: CellTable, meta: Record<string, string | number | null>, field: number, source: string, model: string | null): ColumnValues[] {
  const n = t.objectNumbers.length;
  const rep = <T>(v: T) => Array.from({ length: n }, () => v);
  return [
    rep(meta.Metadata_Plate),
    rep(meta.Metadata_Well),
    new Int32Array(n).fill(field),
    t.objectNumbers,
    ...WELL_METADATA.slice(2).map((k) => rep(meta[k])),
    rep(source),
    rep(model),
    Int32Array.from(t.touchesBorder),
    ...t.columns,
  ];
}

/**
 * A feature set's per-well profiles, as the plate map reads them: Count_Cells, Count_Nuclei and
 * the per-well medians of every feature (NaN for wells without cells), robust z against negcon
 * wells that have cells. One implementation for a plate run here and a merged campaign.
 */
export function saveSetProfiles(
  db: Db,
  setId: number,
  p: {
    wells: Array<{ wellId: number; controlType: string | null }>;
    counts: Map<number, { cells: number; nuclei: number }>;
    medians: Map<number, Float64Array>;
    featureNames: string[];
    nSites: number;
    nCells: number;
    cellsPath: string | null;
    seconds: number;
  },
): void {
  const wellPos = new Map(p.wells.map((w, i) => [w.wellId, i]));
  const names = ['Count_Cells', 'Count_Nuclei', ...p.featureNames];
  const columns = names.map(() => new Float64Array(p.wells.length).fill(NaN));
  for (const [wellId, c] of p.counts) {
    const w = wellPos.get(wellId)!;
    columns[0][w] = c.cells;
    columns[1][w] = c.nuclei;
    const med = p.medians.get(wellId);
    if (med) for (let j = 0; j < p.featureNames.length; j++) columns[j + 2][w] = med[j];
  }
  saveWellProfiles(db, setId, {
    wellIds: Int32Array.from(p.wells, (w) => w.wellId),
    negcon: Uint8Array.from(p.wells, (w) => (w.controlType === 'negcon' && p.medians.has(w.wellId) ? 1 : 0)),
    names,
    columns,
    nSites: p.nSites,
    nCells: p.nCells,
    cellsPath: p.cellsPath,
    seconds: p.seconds,
  });
}
