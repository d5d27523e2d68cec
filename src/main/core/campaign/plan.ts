import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Db } from '../catalog/db';
import { findPlate } from '../catalog/queries';
import { plateMagnification } from '../catalog/magnification';
import { getModel } from '../inference/registry';
import { sha256File } from '../inference/model';
import { readGray, readImageHeader } from '../io/tiff';
import type { IllumMode } from '../../../shared/illumination';
import { planIllumination, type PlanIllumination } from './illum';
import { compareDomain, sampleIndices, siteStats } from '../inference/domain';
import { wellMetadata, type WellMeta } from '../export/metadata';
import type { ModelManifest } from '../../../shared/manifest';
import type { DomainCheck } from '../../../shared/domain';
import { APP_VERSION } from '../version';
import { writeShardCsv } from './shardCsv';

/** Sites sampled for the domain check, as `stainless infer` does. */
const DOMAIN_SITES = 4;

export type Step = 'infer' | 'segment';

export interface PlanSite {
  well: string;
  row: number;
  col: number;
  field: number;
  shard: number;
  /** channel → acquired file and its sha256 (the worker refuses a changed input) */
  inputs: Record<string, { path: string; sha256: string }>;
}

/** plan.json: everything a worker needs, so no worker opens the catalog. */
export interface Plan {
  format: 'stainless-campaign-1';
  /** sha256 of the plan's content (less createdAt): merge refuses a campaign merged before */
  id: string;
  createdAt: string;
  stainlessVersion: string;
  plate: { barcode: string; cellLine: string | null };
  model: { name: string; version: string; sha256: string; dir: string; manifest: ModelManifest };
  steps: Step[];
  /** the same parameters `stainless infer` records; method: segmentation from boundaries or classical */
  params: { seed: number; samplerSteps: number | null; pixelSizeUm: null; method: 'model' | 'classical'; provider: 'auto' | 'cpu' | 'cuda' };
  shards: number;
  shardFiles: string[];
  wells: Array<Pick<WellMeta, 'row' | 'col' | 'controlType' | 'values'>>;
  sites: PlanSite[];
  domain: DomainCheck;
  /** CorrectIlluminationApply before segmentation, by channel (absent: no correction) */
  illumination?: PlanIllumination;
}

export interface PlanOptions {
  /** catalog id or barcode */
  plate: string | number;
  model: string;
  steps: Step[];
  shards: number;
  dir: string;
  seed?: number;
  samplerSteps?: number;
  provider?: 'auto' | 'cpu' | 'cuda';
  /** as segment's: 'auto' (default) leaves synthetic images uncorrected; 'on' needs illumFrom */
  illumination?: IllumMode;
  /** JUMP's per-plate functions (<plate>_Illum<Ch>.npy) to divide the synthetic images by */
  illumFrom?: string | null;
}

const canonicalId = (p: Omit<Plan, 'id' | 'createdAt'>) => createHash('sha256').update(JSON.stringify(p)).digest('hex');

/**
 * Writes DIR/plan.json and DIR/shards/shard-K.csv. Sites are cut into N contiguous runs in plate
 * order (a well's sites mostly stay on one node); a site's work does not depend on which shard
 * it lands in, so any sharding merges to the same results.
 */
export async function makePlan(db: Db, o: PlanOptions): Promise<Plan> {
  const plate = findPlate(db, o.plate);
  if (!plate) throw new Error(`no plate "${o.plate}" in the catalog (see \`stainless plates\`)`);
  if (!o.steps.includes('infer')) throw new Error(`--steps must include infer (got ${o.steps.join(',')})`);
  if (!Number.isInteger(o.shards) || o.shards < 1) throw new Error(`--shards: "${o.shards}" is not a positive integer`);
  const model = getModel(db, o.model);
  const m = model.manifest;
  if (o.samplerSteps !== undefined && m.kind !== 'residual-diffusion') throw new Error(`--sampler-steps applies to residual-diffusion models; ${m.name} is ${m.kind}`);
  const rows = db
    .prepare(`SELECT s.id, s.field, w.row, w.col, w.name AS well FROM sites s JOIN wells w ON w.id = s.well_id WHERE w.plate_id = ? ORDER BY w.row, w.col, s.field`)
    .all(plate.id) as Array<{ id: number; field: number; row: number; col: number; well: string }>;
  if (!rows.length) throw new Error(`plate ${plate.barcode} has no sites`);
  if (o.shards > rows.length) throw new Error(`--shards ${o.shards}: plate ${plate.barcode} has only ${rows.length} sites`);
  const img = db.prepare(`SELECT channel, path FROM images WHERE site_id = ? AND kind = 'acquired'`);
  const sites: PlanSite[] = [];
  for (const [i, s] of rows.entries()) {
    const have = img.all(s.id) as Array<{ channel: string; path: string }>;
    const inputs: PlanSite['inputs'] = {};
    for (const ch of m.inputs) {
      const r = have.find((h) => h.channel === ch);
      if (!r) throw new Error(`model ${m.name} reads ${m.inputs.join(', ')} but site ${s.well} field ${s.field} of plate ${plate.barcode} has only ${have.map((h) => h.channel).join(', ') || 'no acquired images'}`);
      inputs[ch] = { path: r.path, sha256: await sha256File(r.path) };
    }
    sites.push({ well: s.well, row: s.row, col: s.col, field: s.field, shard: Math.floor((i * o.shards) / rows.length), inputs });
  }
  // the run's domain verdict, computed here as `infer` computes it, so the merged run records it
  const sampled = await Promise.all(sampleIndices(sites.length, DOMAIN_SITES).map(async (i) => siteStats(await Promise.all(m.inputs.map((ch) => readGray(sites[i].inputs[ch].path))), m, null)));
  const domain = compareDomain(m.trainingConditions, sampled, { cellLine: plate.cellLine ?? null, pixelSizeUm: null, modelPixelSizeUm: m.pixelSizeUm, magnification: plateMagnification(db, plate.id) });
  const dir = resolve(o.dir);
  const illumination = await planIllumination(
    { mode: o.illumination ?? 'auto', fromDir: o.illumFrom ?? null, segment: o.steps.includes('segment') },
    plate.barcode,
    m.outputs,
    await readImageHeader(sites[0].inputs[m.inputs[0]].path),
    dir,
  );
  const shardFiles = Array.from({ length: o.shards }, (_, k) => `shards/shard-${k}.csv`);
  const body: Omit<Plan, 'id' | 'createdAt'> = {
    format: 'stainless-campaign-1',
    stainlessVersion: APP_VERSION,
    plate: { barcode: plate.barcode, cellLine: plate.cellLine ?? null },
    model: { name: m.name, version: m.version, sha256: m.sha256, dir: model.dir, manifest: m },
    steps: o.steps,
    params: {
      seed: o.seed ?? 0,
      samplerSteps: o.samplerSteps ?? null,
      pixelSizeUm: null,
      method: m.outputs.includes('NucleiBoundary') && m.outputs.includes('CellBoundary') ? 'model' : 'classical',
      provider: o.provider ?? 'auto',
    },
    shards: o.shards,
    shardFiles,
    wells: wellMetadata(db, plate.id).map((w) => ({ row: w.row, col: w.col, controlType: w.controlType, values: w.values })),
    sites,
    domain,
    // only when on: a plan without correction keeps the content (and id) it always had
    ...(illumination ? { illumination } : {}),
  };
  const plan: Plan = { ...body, id: canonicalId(body), createdAt: new Date().toISOString() };
  mkdirSync(join(dir, 'shards'), { recursive: true });
  for (const [k, f] of shardFiles.entries()) {
    const mine = sites.filter((s) => s.shard === k);
    await writeShardCsv(join(dir, f), mine.map((s) => ({ plate: plate.barcode, well: s.well, field: s.field, files: Object.fromEntries(m.inputs.map((ch) => [ch, s.inputs[ch].path])) })), m.inputs);
  }
  writeAtomic(join(dir, 'plan.json'), JSON.stringify(plan, null, 2) + '\n');
  return plan;
}

export function writeAtomic(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.partial-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Reads and checks a plan; a file that is not one is refused naming it. */
export function readPlan(file: string): Plan {
  let p: Plan;
  try {
    p = JSON.parse(readFileSync(file, 'utf8')) as Plan;
  } catch (e) {
    throw new Error(`${file}: not a readable plan (${(e as Error).message})`);
  }
  if (p.format !== 'stainless-campaign-1') throw new Error(`${file}: not a Stainless campaign plan (format ${String(p.format)})`);
  const { id, createdAt: _c, ...body } = p;
  if (canonicalId(body) !== id) throw new Error(`${file}: the plan was edited after it was made (its id does not match its content); make a new plan`);
  return p;
}

export const campaignDir = (planFile: string) => dirname(resolve(planFile));
export const siteStem = (s: { well: string; field: number }) => `${s.well}_f${String(s.field).padStart(2, '0')}`;
/** A site's outputs, under its shard's own workspace: DIR/work/shard-K/sites/<well>_fNN/ */
export const siteDir = (dir: string, s: PlanSite) => join(dir, 'work', `shard-${s.shard}`, 'sites', siteStem(s));
export const shardDir = (dir: string, k: number) => join(dir, 'work', `shard-${k}`);
