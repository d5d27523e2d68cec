import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { loadModel, sha256File, type LoadedModel } from '../inference/model';
import { inferSite } from '../inference/site';
import { gaussianSource } from '../inference/samplers/noise';
import { readGray, writeTiff } from '../io/tiff';
import { SitePool, inProcess, type SiteRunner } from '../features/pool';
import { CELL_METADATA, cellColumns } from '../features/pipeline';
import { cellFeatureSpecs } from '../features/cellStore';
import { parquetSink } from '../export/parquet';
import { campaignDir, readPlan, shardDir, siteDir, writeAtomic, type Plan, type PlanSite } from './plan';
import { readShardCsv } from './shardCsv';
import { shardIllumination } from './illum';
import type { SiteTask } from '../features/siteTask';

/** DIR/work/shard-K/sites/<site>/done.json: written last, so its presence means the site is whole. */
export interface SiteDone {
  planId: string;
  well: string;
  field: number;
  width: number;
  height: number;
  nNuclei: number | null;
  nCells: number | null;
  nucleiKept: number | null;
  cells: number;
  provider: string;
  providerReason: string;
  device: string | null;
  host: string;
  seconds: number;
}

export interface ShardSummary {
  shard: number;
  sites: number;
  computed: number;
  skipped: number;
  seconds: number;
}

export const syntheticFile = (dir: string, ch: string) => join(dir, 'synthetic', `${ch}.tiff`);
export const labelFiles = (dir: string) => ({ nuclei: join(dir, 'nuclei.tiff'), cells: join(dir, 'cells.tiff') });
/** per-cell rows of one site, float64 throughout: merge aggregates them exactly as one process does */
export const siteCells = (dir: string) => join(dir, 'cells.parquet');
const doneFile = (dir: string) => join(dir, 'done.json');
export const failedFile = (dir: string, k: number) => join(shardDir(dir, k), 'failed.json');

export function readSiteDone(dir: string, plan: Plan): SiteDone | null {
  const f = doneFile(dir);
  if (!existsSync(f)) return null;
  const d = JSON.parse(readFileSync(f, 'utf8')) as SiteDone;
  return d.planId === plan.id ? d : null;
}

/**
 * Runs one shard with no catalog: its sites (from its LoadData CSV) through the model and, when the
 * plan says so, segmentation + measurements. Idempotent: finished sites (done-marker) are skipped,
 * partial ones are redone from scratch. A site's noise is seeded by the plan's seed and the site's
 * own row/column/field (as `stainless infer` seeds it), so outputs do not depend on sharding.
 */
export async function runShard(planFile: string, k: number, note: (line: string) => void = () => {}, workers = 0): Promise<ShardSummary> {
  const plan = readPlan(planFile);
  const dir = campaignDir(planFile);
  if (!Number.isInteger(k) || k < 0 || k >= plan.shards) throw new Error(`--shard ${k}: the plan has shards 0–${plan.shards - 1}`);
  const t0 = performance.now();
  rmSync(failedFile(dir, k), { force: true });
  try {
    const csvSites = await readShardCsv(join(dir, plan.shardFiles[k]));
    const byKey = new Map(plan.sites.map((s) => [`${s.well}/${s.field}`, s]));
    const sites = csvSites.map((c) => {
      const s = byKey.get(`${c.well}/${c.field}`);
      if (!s || s.shard !== k) throw new Error(`${plan.shardFiles[k]}: site ${c.well} field ${c.field} is not in shard ${k} of the plan`);
      return s;
    });
    const illum = shardIllumination(plan.illumination);
    let lm: LoadedModel | null = null;
    let computed = 0;
    // inference runs here site after site; segmentation + measurements of earlier sites run
    // meanwhile on worker threads (workers > 0), each site finished by its own done-marker
    const pool: SiteRunner = workers > 0 ? new SitePool(workers) : inProcess;
    const inflight: Array<Promise<void>> = [];
    try {
      for (const s of sites) {
        const sd = siteDir(dir, s);
        if (readSiteDone(sd, plan)) continue;
        rmSync(sd, { recursive: true, force: true }); // a partial site (killed part-way) is redone whole
        mkdirSync(sd, { recursive: true });
        lm ??= await loadModel(plan.model.manifest, plan.model.dir, plan.params.provider);
        const p = finishSite(plan, s, sd, await inferOne(plan, s, sd, lm), pool, illum).then(() => note(`shard ${k}: ${++computed} sites computed (${s.well} f${s.field})`));
        p.catch(() => {}); // awaited below; no unhandled rejection while earlier sites finish
        inflight.push(p);
        if (inflight.length >= pool.size) await inflight.shift();
        // test hook: shard STAINLESS_WORK_STALL_SHARD holds after its first site is done, so a test
        // can kill it part-way (scancel) deterministically; a timer keeps the process alive
        if (process.env.STAINLESS_WORK_STALL_SHARD === String(k)) {
          await Promise.all(inflight);
          await new Promise(() => setInterval(() => undefined, 1000));
        }
      }
      await Promise.all(inflight);
    } finally {
      await pool.close();
    }
    const summary: ShardSummary = { shard: k, sites: sites.length, computed, skipped: sites.length - computed, seconds: (performance.now() - t0) / 1000 };
    return summary;
  } catch (e) {
    writeAtomic(failedFile(dir, k), JSON.stringify({ planId: plan.id, shard: k, host: hostname(), error: (e as Error).message }) + '\n');
    throw e;
  }
}

interface Inferred {
  images: Record<string, string>;
  done: SiteDone;
  t0: number;
}

/** The model over one site: synthetic channels written to the site's folder. */
async function inferOne(plan: Plan, s: PlanSite, sd: string, lm: LoadedModel): Promise<Inferred> {
  const t0 = performance.now();
  const m = plan.model.manifest;
  for (const ch of m.inputs) {
    const want = s.inputs[ch];
    if ((await sha256File(want.path)) !== want.sha256) throw new Error(`${want.path}: changed since the plan was made (sha256 differs); make a new plan`);
  }
  const grays = await Promise.all(m.inputs.map((ch) => readGray(s.inputs[ch].path)));
  const { width, height } = grays[0];
  const odd = grays.findIndex((g) => g.width !== width || g.height !== height);
  if (odd > 0) throw new Error(`site ${s.well} field ${s.field}: ${s.inputs[m.inputs[odd]].path} is ${grays[odd].width}×${grays[odd].height}, ${s.inputs[m.inputs[0]].path} is ${width}×${height}`);
  const planes = await inferSite(lm, grays, { pixelSizeUm: null, steps: plan.params.samplerSteps ?? undefined, noise: gaussianSource(plan.params.seed, s.row, s.col, s.field) });
  const images: Record<string, string> = {};
  await Promise.all(planes.map((data, c) => writeTiff((images[m.outputs[c]] = syntheticFile(sd, m.outputs[c])), { width, height, bitDepth: 16, data })));
  const done: SiteDone = {
    planId: plan.id,
    well: s.well,
    field: s.field,
    width,
    height,
    nNuclei: null,
    nCells: null,
    nucleiKept: null,
    cells: 0,
    provider: lm.handle.provider,
    providerReason: lm.handle.reason,
    device: lm.handle.device,
    host: hostname(),
    seconds: 0,
  };
  return { images, done, t0 };
}

/** Segmentation + measurements (when planned), the site's per-cell Parquet, then its done-marker. */
async function finishSite(plan: Plan, s: PlanSite, sd: string, { images, done, t0 }: Inferred, pool: SiteRunner, illum: SiteTask['illum']): Promise<void> {
  const m = plan.model.manifest;
  if (plan.steps.includes('segment')) {
    const lf = labelFiles(sd);
    const r = await pool.run({ images, method: plan.params.method, nucleiPath: lf.nuclei, cellsPath: lf.cells, reuseLabels: false, measure: true, illum }).catch((e: Error) => {
      throw new Error(`site ${s.well} field ${s.field}: ${e.message}`);
    });
    Object.assign(done, { nNuclei: r.nNuclei, nCells: r.nCells, nucleiKept: r.nucleiKept });
    const t = r.table;
    if (t) {
      const well = plan.wells.find((w) => w.row === s.row && w.col === s.col)!;
      const sink = await parquetSink(siteCells(sd), [...CELL_METADATA, ...cellFeatureSpecs(t.names, 'double')], { 'stainless.plate': plan.plate.barcode, 'stainless.plan': plan.id });
      await sink.write(cellColumns(t, well.values, s.field, 'synthetic', `${m.name} ${m.version}`));
      await sink.finish();
      done.cells = t.objectNumbers.length;
    }
  }
  done.seconds = (performance.now() - t0) / 1000;
  writeAtomic(doneFile(sd), JSON.stringify(done, null, 2) + '\n');
}
