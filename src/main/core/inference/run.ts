import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../catalog/db';
import { findPlate, platePixelSize } from '../catalog/queries';
import { readGray, writeTiff, type Gray } from '../io/tiff';
import { parseWellName, wellName } from '../../../shared/channels';
import type { InferParams, InferStartInput, InferSummary, RunInfo, RunStatus, RunTimings } from '../../../shared/contract/inference';
import { getModel } from './registry';
import { loadModel } from './model';
import { inferSite } from './site';
import { gaussianSource } from './samplers/noise';
import { resampledSize } from './resample';
import { JobCancelled } from '../jobs/manager';
import { runDir, syntheticPath } from '../workspace';
import { acquireLock } from '../jobs/runLock';
import { checkFreeSpace, writeError } from '../io/output';
import { compareDomain, sampleIndices, siteStats } from './domain';
import { plateMagnification } from '../catalog/magnification';
import type { DomainCheck } from '../../../shared/domain';

/** Sites sampled from a plate for the domain check. */
const DOMAIN_SITES = 4;

export interface InferHooks {
  /** sites done (incl. resumed) / total; may throw to cancel (JobContext.progress does) */
  progress?(done: number, total: number, message?: string): void;
  signal?: AbortSignal;
}

interface SiteRow {
  siteId: number;
  field: number;
  row: number;
  col: number;
  well: string;
}

/** Where a run's synthetic images go: <workspace>/synthetic/run-<id>/<well>/<well>_f<FF>_<channel>.tiff */
/** The sites of a plate (optionally some wells) in plate order. */
function plateSites(db: Db, plateId: number, wells: string[] | null, barcode: string): SiteRow[] {
  const all = db
    .prepare(
      `SELECT s.id AS siteId, s.field, w.row, w.col, w.name AS well FROM sites s JOIN wells w ON w.id = s.well_id
       WHERE w.plate_id = ? ORDER BY w.row, w.col, s.field`,
    )
    .all(plateId) as SiteRow[];
  if (!wells) return all;
  const want = new Set(wells.map((n) => wellKey(n)));
  const present = new Set(all.map((s) => `${s.row},${s.col}`));
  const missing = wells.filter((n) => !present.has(wellKey(n)));
  if (missing.length) throw new Error(`plate ${barcode} has no imaged well ${missing.join(', ')}`);
  return all.filter((s) => want.has(`${s.row},${s.col}`));
}

function wellKey(name: string): string {
  const p = parseWellName(name);
  if (!p) throw new Error(`"${name}" is not a well name (use e.g. A01 or B7)`);
  return `${p.row},${p.col}`;
}

/** Canonical params JSON (fixed key order) so equal requests match an unfinished run. */
const paramsKey = (p: InferParams) => JSON.stringify({ model: p.model, version: p.version, sha256: p.sha256, wells: p.wells, steps: p.steps, seed: p.seed, pixelSizeUm: p.pixelSizeUm });

/**
 * Run a model over a plate, site by site. A run is identified by (plate, model, params): calling
 * again with the same request resumes an unfinished run and skips its finished sites. Each site's
 * files are written atomically first; then its image rows and run_sites row go in one transaction,
 * so a kill at any point leaves no half-registered site and no site registered twice.
 */
export async function runInference(core: { db: Db; paths: { synthetic: string } }, opts: InferStartInput, hooks: InferHooks = {}): Promise<InferSummary> {
  const { db } = core;
  const plate = findPlate(db, opts.plate);
  if (!plate) throw new Error(`no plate "${opts.plate}" in the catalog (see \`stainless plates\`)`);
  const model = getModel(db, opts.model);
  const m = model.manifest;
  const wells = opts.wells?.length ? [...new Set(opts.wells.map((w) => { const p = parseWellName(w); if (!p) throw new Error(`"${w}" is not a well name (use e.g. A01 or B7)`); return wellName(p.row, p.col); }))].sort() : null;
  if (opts.steps !== undefined && m.kind !== 'residual-diffusion') throw new Error(`--steps applies to residual-diffusion models; ${m.name} is ${m.kind}`);
  const params: InferParams = { model: m.name, version: m.version, sha256: m.sha256, wells, steps: opts.steps ?? null, seed: opts.seed ?? 0, pixelSizeUm: opts.pixelSizeUm ?? platePixelSize(db, plate.id, m.inputs) };
  const sites = plateSites(db, plate.id, wells, plate.barcode);
  if (!sites.length) throw new Error(`plate ${plate.barcode} has no sites${wells ? ` in wells ${wells.join(', ')}` : ''}`);

  // every site must have every input channel before anything runs
  const imgStmt = db.prepare(`SELECT channel, path FROM images WHERE site_id = ? AND kind = 'acquired'`);
  const inputsOf = (s: SiteRow) => {
    const rows = imgStmt.all(s.siteId) as Array<{ channel: string; path: string }>;
    return m.inputs.map((ch) => rows.find((r) => r.channel === ch)?.path ?? null);
  };
  const firstMissing = sites.find((s) => inputsOf(s).includes(null));
  if (firstMissing) {
    const have = (imgStmt.all(firstMissing.siteId) as Array<{ channel: string }>).map((r) => r.channel);
    throw new Error(`model ${m.name} reads ${m.inputs.join(', ')} but site ${firstMissing.well} field ${firstMissing.field} of plate ${plate.barcode} has only ${have.join(', ') || 'no acquired images'}`);
  }

  // one inference per plate at a time: a second one would attach to the same run and redo its sites
  const release = acquireLock(db, `infer-plate-${plate.id}`, `inference on plate ${plate.barcode}`);
  try {
    return await inferLocked(core, plate, model, params, sites, inputsOf, opts, hooks);
  } finally {
    release();
  }
}

async function inferLocked(
  core: { db: Db; paths: { synthetic: string } },
  plate: { id: number; barcode: string; cellLine?: string | null },
  model: ReturnType<typeof getModel>,
  params: InferParams,
  sites: SiteRow[],
  inputsOf: (s: SiteRow) => Array<string | null>,
  opts: InferStartInput,
  hooks: InferHooks,
): Promise<InferSummary> {
  const { db } = core;
  const m = model.manifest;

  /** A site's input planes in manifest order, all the same size. */
  const readInputs = async (s: SiteRow): Promise<Gray[]> => {
    const files = inputsOf(s);
    const grays = await Promise.all(files.map((p) => readGray(p!)));
    const { width, height } = grays[0];
    const odd = grays.findIndex((g) => g.width !== width || g.height !== height);
    if (odd > 0) throw new Error(`site ${s.well} field ${s.field}: ${files[odd]} is ${grays[odd].width}×${grays[odd].height}, ${files[0]} is ${width}×${height}`);
    return grays;
  };

  const key = paramsKey(params);
  const existing = db.prepare(`SELECT id FROM runs WHERE plate_id = ? AND model_id = ? AND params = ? AND status != 'done' ORDER BY id DESC LIMIT 1`).get(plate.id, model.id, key) as { id: number } | undefined;
  const runId =
    existing?.id ??
    (db.prepare(`INSERT INTO runs (plate_id, model_id, model_name, params, status) VALUES (?, ?, ?, ?, 'queued') RETURNING id`).get(plate.id, model.id, `${m.name} ${m.version}`, key) as { id: number }).id;
  const prev = JSON.parse((db.prepare(`SELECT timings FROM runs WHERE id = ?`).get(runId) as { timings: string }).timings) as RunTimings;

  const setStatus = (status: RunStatus, error: string | null = null) =>
    db.prepare(`UPDATE runs SET status = ?, error = ?, finished_at = CASE WHEN ? IN ('done','failed','cancelled') THEN strftime('%Y-%m-%dT%H:%M:%fZ','now') ELSE NULL END WHERE id = ?`).run(status, error, status, runId);

  // the domain check: a few sites spread over the plate against the model's training conditions,
  // recorded before any site runs (an out-of-range plate still runs: the user decides)
  let domain: DomainCheck;
  try {
    hooks.progress?.(0, sites.length, 'domain check');
    const sampled = await Promise.all(sampleIndices(sites.length, DOMAIN_SITES).map(async (i) => siteStats(await readInputs(sites[i]), m, params.pixelSizeUm)));
    domain = compareDomain(m.trainingConditions, sampled, { cellLine: plate.cellLine ?? null, pixelSizeUm: params.pixelSizeUm, modelPixelSizeUm: m.pixelSizeUm, magnification: plateMagnification(db, plate.id) });
  } catch (e) {
    const cancelled = hooks.signal?.aborted || e instanceof JobCancelled;
    setStatus(cancelled ? 'cancelled' : 'failed', cancelled ? null : (e as Error).message);
    throw e;
  }
  db.prepare(`UPDATE runs SET domain = ? WHERE id = ?`).run(JSON.stringify(domain), runId);

  let lm;
  try {
    lm = await loadModel(m, model.dir, opts.provider ?? 'auto');
  } catch (e) {
    setStatus('failed', (e as Error).message);
    throw e;
  }
  const h = lm.handle;
  const timings: RunTimings = { ...prev, loadMs: Math.round(h.loadMs), sitesTotal: sites.length, starts: (prev.starts ?? 0) + 1 };
  db.prepare(`UPDATE runs SET provider = ?, provider_reason = ?, device = ?, status = 'running', error = NULL, timings = ? WHERE id = ?`).run(h.provider, h.reason, h.device, JSON.stringify(timings), runId);

  if (existing) removePartials(runDir(core.paths.synthetic, runId));
  const finished = new Set((db.prepare(`SELECT site_id FROM run_sites WHERE run_id = ?`).all(runId) as Array<{ site_id: number }>).map((r) => r.site_id));
  const todo = sites.filter((s) => !finished.has(s.siteId));
  const resumed = sites.length - todo.length;
  try {
    // pre-flight: the run's remaining images must fit (16-bit, outputs × sites at the inputs' size)
    const size = db.prepare(`SELECT width, height FROM images WHERE site_id = ? AND kind = 'acquired' LIMIT 1`).get(sites[0].siteId) as { width: number; height: number };
    checkFreeSpace(join(core.paths.synthetic, `run-${runId}`), todo.length * m.outputs.length * (size.width * size.height * 2 + 256), `${todo.length * m.outputs.length} synthetic images`);
  } catch (e) {
    setStatus('failed', (e as Error).message);
    throw e;
  }
  const insImage = db.prepare(`INSERT INTO images (site_id, channel, kind, path, width, height, bit_depth, run_id) VALUES (?, ?, 'synthetic', ?, ?, ?, 16, ?)`);
  const insSite = db.prepare(`INSERT INTO run_sites (run_id, site_id, seconds) VALUES (?, ?, ?)`);
  const register = db.transaction((s: SiteRow, files: string[], w: number, hgt: number, secs: number) => {
    files.forEach((f, c) => insImage.run(s.siteId, m.outputs[c], f, w, hgt, runId));
    insSite.run(runId, s.siteId, secs);
  });

  const stallAfter = Number(process.env.STAINLESS_INFER_STALL_AFTER ?? NaN);
  const t0 = performance.now();
  let computed = 0;
  let resample: string | undefined;
  hooks.progress?.(resumed, sites.length, `${m.name} on ${h.provider}`);
  try {
    for (const s of todo) {
      if (hooks.signal?.aborted) throw new JobCancelled();
      const ts = performance.now();
      const grays = await readInputs(s);
      const { width, height } = grays[0];
      const rs = resampledSize(width, height, params.pixelSizeUm, m.pixelSizeUm);
      if (rs.factor !== 1) resample = `bilinear ${width}×${height} → ${rs.width}×${rs.height} (×${rs.factor.toFixed(4)}) and back`;
      const planes = await inferSite(lm, grays, {
        pixelSizeUm: params.pixelSizeUm,
        steps: params.steps ?? undefined,
        noise: gaussianSource(params.seed, s.row, s.col, s.field),
      });
      const files = m.outputs.map((ch) => syntheticPath(core.paths.synthetic, runId, s, ch));
      await Promise.all(planes.map((data, c) => writeTiff(files[c], { width, height, bitDepth: 16, data })));
      const secs = (performance.now() - ts) / 1000;
      register(s, files, width, height, secs);
      computed++;
      hooks.progress?.(resumed + computed, sites.length, `${s.well} f${s.field}`);
      // test hook: hold here (until cancelled) so tests can kill or cancel mid-plate deterministically
      // (a timer keeps the event loop alive: a bare pending promise would let the process exit)
      if (computed === stallAfter)
        await new Promise<void>((res) => {
          const hold = setInterval(() => undefined, 1000);
          hooks.signal?.addEventListener('abort', () => (clearInterval(hold), res()), { once: true });
        });
    }
  } catch (e) {
    const cancelled = hooks.signal?.aborted || e instanceof JobCancelled;
    // a full disk can also stop the catalog: say so in one line naming it, not a raw SqliteError
    const err = (e as { code?: string }).code === 'SQLITE_FULL' ? writeError(db.name, e) : (e as Error);
    try {
      saveTimings(db, runId, timings, (performance.now() - t0) / 1000, resample);
      setStatus(cancelled ? 'cancelled' : 'failed', cancelled ? null : err.message);
    } catch {
      // the catalog cannot be written either: the run stays 'running' and is marked interrupted on the next start
    }
    throw err;
  }
  const seconds = (performance.now() - t0) / 1000;
  saveTimings(db, runId, timings, seconds, resample);
  setStatus('done');
  return {
    runId,
    plate: plate.barcode,
    model: `${m.name} ${m.version}`,
    provider: h.provider,
    providerReason: h.reason,
    device: h.device,
    status: 'done',
    sitesTotal: sites.length,
    sitesComputed: computed,
    sitesResumed: resumed,
    imagesWritten: computed * m.outputs.length,
    seconds,
    sitesPerSecond: computed > 0 && seconds > 0 ? computed / seconds : null,
    outputDir: runDir(core.paths.synthetic, runId),
    domain,
  };
}

/** Leftovers of writes cut off by a kill (writeTiff's temporary names); never registered, safe to drop. */
function removePartials(dir: string): void {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && /\.partial-\d+$/.test(e.name)) rmSync(join(e.parentPath ?? (e as unknown as { path: string }).path, e.name), { force: true });
  }
}

function saveTimings(db: Db, runId: number, t: RunTimings, seconds: number, resample?: string) {
  const done = (db.prepare(`SELECT count(*) AS n, coalesce(sum(seconds), 0) AS s FROM run_sites WHERE run_id = ?`).get(runId) as { n: number; s: number });
  const total = (t.seconds ?? 0) + seconds;
  const out: RunTimings = { ...t, seconds: total, perSite: done.n ? done.s / done.n : undefined, sitesPerSecond: total > 0 ? done.n / total : undefined };
  if (resample) out.resample = resample;
  db.prepare(`UPDATE runs SET timings = ? WHERE id = ?`).run(JSON.stringify(out), runId);
}

interface RunRow {
  id: number;
  plate_id: number;
  barcode: string;
  model_id: number | null;
  model_name: string;
  provider: string | null;
  provider_reason: string | null;
  device: string | null;
  params: string;
  status: RunStatus;
  timings: string;
  error: string | null;
  created_at: string;
  finished_at: string | null;
  sites_done: number;
  domain: string | null;
}

const RUN_SQL = `SELECT r.*, p.barcode, (SELECT count(*) FROM run_sites rs WHERE rs.run_id = r.id) AS sites_done FROM runs r JOIN plates p ON p.id = r.plate_id`;

const toRun = (r: RunRow): RunInfo => {
  const timings = JSON.parse(r.timings) as RunTimings;
  return {
    id: r.id,
    plateId: r.plate_id,
    plate: r.barcode,
    modelId: r.model_id,
    model: r.model_name,
    provider: r.provider,
    providerReason: r.provider_reason,
    device: r.device,
    params: JSON.parse(r.params) as InferParams,
    status: r.status,
    sitesDone: r.sites_done,
    sitesTotal: timings.sitesTotal ?? null,
    timings,
    error: r.error,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    domain: r.domain ? (JSON.parse(r.domain) as DomainCheck) : null,
  };
};

export function listRuns(db: Db, plate?: string | number): RunInfo[] {
  if (plate === undefined) return (db.prepare(`${RUN_SQL} ORDER BY r.id DESC`).all() as RunRow[]).map(toRun);
  const p = findPlate(db, plate);
  if (!p) throw new Error(`no plate "${plate}" in the catalog`);
  return (db.prepare(`${RUN_SQL} WHERE r.plate_id = ? ORDER BY r.id DESC`).all(p.id) as RunRow[]).map(toRun);
}

export function getRun(db: Db, id: number): RunInfo | null {
  const r = db.prepare(`${RUN_SQL} WHERE r.id = ?`).get(id) as RunRow | undefined;
  return r ? toRun(r) : null;
}
