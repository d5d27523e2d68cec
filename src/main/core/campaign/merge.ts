import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Db } from '../catalog/db';
import { findPlate } from '../catalog/queries';
import { getModel } from '../inference/registry';
import { cellsFilePath, labelPaths, syntheticPath } from '../workspace';
import { wellMetadata } from '../export/metadata';
import { parquetSink } from '../export/parquet';
import { openParquet, rowGroups } from '../io/parquetRead';
import { CELL_METADATA, RowBuffer, cellColumns, rowsOf, saveSetProfiles } from '../features/pipeline';
import { cellFeatureSpecs, cellRowGroupRows } from '../features/cellStore';
import type { CellTable } from '../features/cellTable';
import { columnMedians } from '../features/profiles';
import { openFeatureSet } from '../features/store';
import { campaignDir, readPlan, siteDir, type Plan } from './plan';
import type { CampaignMergeSummary } from '../../../shared/contract/campaign';
import { markMerged, recordCampaign } from './registry';
import { mergeIllumination, planApplied, shardIllumination } from './illum';
import { illumTableMetadata } from '../illumination/plate';
import { failedFile, labelFiles, readSiteDone, siteCells, syntheticFile, type SiteDone } from './work';

export interface ShardState {
  shard: number;
  sites: number;
  done: number;
  failed: string | null;
}

/** Per shard: sites done (done-markers of this plan) and the failure a worker left, if any. */
export function shardStates(planFile: string, plan: Plan = readPlan(planFile)): ShardState[] {
  const dir = campaignDir(planFile);
  return Array.from({ length: plan.shards }, (_, k) => {
    const mine = plan.sites.filter((s) => s.shard === k);
    const f = failedFile(dir, k);
    const failed = existsSync(f) ? ((JSON.parse(readFileSync(f, 'utf8')) as { error: string }).error ?? 'failed') : null;
    return { shard: k, sites: mine.length, done: mine.filter((s) => readSiteDone(siteDir(dir, s), plan)).length, failed };
  });
}

type MergeSummary = CampaignMergeSummary;

/** The params JSON `stainless infer` records for the same request (same key order), so a merged run reads as one. */
const inferParamsKey = (p: Plan) =>
  JSON.stringify({ model: p.model.name, version: p.model.version, sha256: p.model.sha256, wells: null, steps: p.params.samplerSteps, seed: p.params.seed, pixelSizeUm: null });

/**
 * Folds a finished campaign into the catalog: one run, its synthetic images, segmentations and
 * per-well profiles, as one process would have written them. Files are copied into the workspace
 * and all rows go in one transaction (a failure leaves the catalog as it was). Refuses an
 * incomplete campaign (naming the shards) and a campaign merged before.
 */
export async function mergeCampaign(core: { db: Db; paths: { synthetic: string; labels: string; features: string; illumination: string } }, planFile: string): Promise<MergeSummary> {
  const { db } = core;
  const t0 = performance.now();
  const plan = readPlan(planFile);
  const dir = campaignDir(planFile);
  const bad = shardStates(planFile, plan).filter((s) => s.failed || s.done < s.sites);
  if (bad.length)
    throw new Error(`campaign ${planFile} is not complete: ${bad.map((s) => `shard ${s.shard} ${s.failed ? `failed (${s.failed})` : `missing ${s.sites - s.done} of ${s.sites} sites`}`).join('; ')}`);
  const plate = findPlate(db, plan.plate.barcode);
  if (!plate) throw new Error(`${planFile}: plate ${plan.plate.barcode} is not in this catalog`);
  const model = getModel(db, `${plan.model.name}@${plan.model.version}`);
  if (model.sha256 !== plan.model.sha256) throw new Error(`${planFile}: model ${plan.model.name} ${plan.model.version} here has sha256 ${model.sha256.slice(0, 12)}…, the plan ${plan.model.sha256.slice(0, 12)}…`);
  const refuseTwice = () => {
    const twice = db.prepare(`SELECT id FROM runs WHERE plate_id = ? AND json_extract(timings, '$.campaign') = ?`).get(plate.id, plan.id) as { id: number } | undefined;
    if (twice) throw new Error(`campaign ${plan.id.slice(0, 12)}… was already merged into this catalog as run ${twice.id}`);
  };
  refuseTwice();
  const siteId = new Map(
    (db.prepare(`SELECT s.id, s.field, w.row, w.col, w.id AS wellId FROM sites s JOIN wells w ON w.id = s.well_id WHERE w.plate_id = ?`).all(plate.id) as Array<{ id: number; field: number; row: number; col: number; wellId: number }>).map((r) => [
      `${r.row},${r.col},${r.field}`,
      r,
    ]),
  );
  // plate order, as one process visits the sites
  const sites = [...plan.sites].sort((a, b) => a.row - b.row || a.col - b.col || a.field - b.field);
  const dones: SiteDone[] = sites.map((s) => readSiteDone(siteDir(dir, s), plan)!);
  for (const s of sites) if (!siteId.has(`${s.row},${s.col},${s.field}`)) throw new Error(`${planFile}: site ${s.well} field ${s.field} is not in plate ${plate.barcode} of this catalog`);
  const m = plan.model.manifest;
  const modelName = `${m.name} ${m.version}`;
  const segment = plan.steps.includes('segment');
  const method = plan.params.method;
  // the functions the shards divided by, still the plan's
  shardIllumination(plan.illumination);

  // per-cell rows: the plate's Parquet (written aside, renamed once the run id is known) and per-well medians
  const wells = wellMetadata(db, plate.id);
  const wellPos = new Map(wells.map((w, i) => [w.wellId, i]));
  const tmpCells = join(core.paths.features, plate.barcode, `.merge-${plan.id.slice(0, 16)}-${process.pid}.cells.parquet`);
  let featureNames: string[] | null = null;
  const medians = new Map<number, Float64Array>();
  const counts = new Map<number, { cells: number; nuclei: number }>();
  let nCells = 0;
  if (segment) {
    let sink: Awaited<ReturnType<typeof parquetSink>> | null = null;
    let buffer: RowBuffer | null = null;
    let current: { wellId: number; rows: Float64Array[] } | null = null;
    const closeWell = () => {
      if (current && current.rows.length && featureNames) medians.set(current.wellId, columnMedians(current.rows, featureNames.length));
      current = null;
    };
    try {
      for (const [i, s] of sites.entries()) {
        const wellId = siteId.get(`${s.row},${s.col},${s.field}`)!.wellId;
        const t = await readCellTable(siteCells(siteDir(dir, s)));
        if (!featureNames) {
          featureNames = t.names;
          const specs = [...CELL_METADATA, ...cellFeatureSpecs(featureNames)];
          buffer = new RowBuffer(specs, cellRowGroupRows(specs.length));
          sink = await parquetSink(tmpCells, specs, {
            'stainless.plate': plate.barcode,
            'stainless.source': 'synthetic',
            'stainless.model': modelName,
            ...(plan.illumination ? illumTableMetadata(planApplied(plan.illumination)) : {}),
          });
        } else if (t.names.join('\n') !== featureNames.join('\n')) throw new Error(`${siteCells(siteDir(dir, s))}: other feature columns than the first site`);
        await buffer!.add(cellColumns(t, wells[wellPos.get(wellId)!].values, s.field, 'synthetic', modelName), sink!);
        nCells += t.objectNumbers.length;
        const keep = rowsOf(t, (r) => !t.touchesBorder[r]);
        if (current && current.wellId !== wellId) closeWell();
        current ??= { wellId, rows: [] };
        for (const row of keep) current.rows.push(row);
        const c = counts.get(wellId) ?? { cells: 0, nuclei: 0 };
        c.cells += keep.length;
        c.nuclei += dones[i].nucleiKept ?? keep.length;
        counts.set(wellId, c);
      }
      closeWell();
      if (sink) await buffer!.flush(sink);
      await sink?.finish();
    } catch (e) {
      await sink?.abort();
      throw e;
    }
  }

  const copied: string[] = [];
  const copy = (from: string, to: string) => {
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, to);
    copied.push(to);
  };
  const seconds = dones.reduce((a, d) => a + d.seconds, 0);
  try {
    // IMMEDIATE: it reads (refuseTwice) before it writes, and a deferred transaction that another
    // process's write overtakes gets "database is locked" at once, without waiting
    return db.transaction((): MergeSummary => {
      refuseTwice(); // again inside the transaction: a merge running beside this one may have won
      const timings = { campaign: plan.id, shards: plan.shards, sitesTotal: sites.length, seconds, perSite: seconds / sites.length, hosts: [...new Set(dones.map((d) => d.host))] };
      const d0 = dones[0];
      const runId = (
        db
          .prepare(
            `INSERT INTO runs (plate_id, model_id, model_name, provider, provider_reason, device, params, status, timings, domain, finished_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, 'done', ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ','now')) RETURNING id`,
          )
          .get(plate.id, model.id, modelName, d0.provider, d0.providerReason, d0.device, inferParamsKey(plan), JSON.stringify(timings), JSON.stringify(plan.domain)) as { id: number }
      ).id;
      recordCampaign(db, resolve(planFile), plan);
      markMerged(db, plan.id, runId);
      const insImage = db.prepare(`INSERT INTO images (site_id, channel, kind, path, width, height, bit_depth, run_id) VALUES (?, ?, 'synthetic', ?, ?, ?, 16, ?)`);
      const insSite = db.prepare(`INSERT INTO run_sites (run_id, site_id, seconds) VALUES (?, ?, ?)`);
      const insSeg = db.prepare(`INSERT INTO segmentations (site_id, source, method, run_id, nuclei_path, cells_path, n_nuclei, n_cells) VALUES (?, 'synthetic', ?, ?, ?, ?, ?, ?)`);
      const key = `synthetic-run${runId}-${method}`;
      sites.forEach((s, i) => {
        const id = siteId.get(`${s.row},${s.col},${s.field}`)!.id;
        const sd = siteDir(dir, s);
        for (const ch of m.outputs) {
          const to = syntheticPath(core.paths.synthetic, runId, s, ch);
          copy(syntheticFile(sd, ch), to);
          insImage.run(id, ch, to, dones[i].width, dones[i].height, runId);
        }
        insSite.run(runId, id, dones[i].seconds);
        if (segment) {
          const lf = labelFiles(sd);
          const lp = labelPaths(core.paths.labels, plate.barcode, key, s);
          const to = { nuclei: lp.nucleiPath, cells: lp.cellsPath };
          copy(lf.nuclei, to.nuclei);
          copy(lf.cells, to.cells);
          insSeg.run(id, method, runId, to.nuclei, to.cells, dones[i].nNuclei, dones[i].nCells);
        }
      });
      let setId: number | null = null;
      let cellsPath: string | null = null;
      if (segment && featureNames) {
        setId = openFeatureSet(db, { plateId: plate.id, source: 'synthetic', runId, method, modelName });
        if (plan.illumination) {
          const applied = mergeIllumination(db, core.paths.illumination, { plateId: plate.id, barcode: plate.barcode, runId }, plan.illumination, copy);
          db.prepare(`UPDATE feature_sets SET illumination = ? WHERE id = ?`).run(JSON.stringify(applied), setId);
        }
        cellsPath = cellsFilePath(core.paths.features, plate.barcode, key);
        renameSync(tmpCells, cellsPath);
        copied.push(cellsPath);
        saveSetProfiles(db, setId, { wells, counts, medians, featureNames, nSites: sites.length, nCells, cellsPath, seconds: (performance.now() - t0) / 1000 });
      }
      return { planId: plan.id, plate: plate.barcode, runId, sites: sites.length, cells: nCells, setId, cellsPath };
    }).immediate();
  } catch (e) {
    for (const f of copied) rmSync(f, { force: true });
    rmSync(tmpCells, { force: true });
    throw e;
  }
}

/** A site's per-cell file back as the CellTable it was written from (float64 features). */
async function readCellTable(file: string): Promise<CellTable> {
  const pf = await openParquet(file);
  const meta = new Set(CELL_METADATA.map((c) => c.name));
  const names = pf.columns.filter((c) => !meta.has(c));
  const objectNumbers = new Int32Array(pf.rows);
  const touchesBorder = new Uint8Array(pf.rows);
  const columns = names.map(() => new Float64Array(pf.rows));
  for await (const g of rowGroups(pf)) {
    objectNumbers.set(Array.from(g.columns.get('Metadata_ObjectNumber')! as ArrayLike<number>), g.rowStart);
    touchesBorder.set(Array.from(g.columns.get('Metadata_TouchesBorder')! as ArrayLike<number>), g.rowStart);
    names.forEach((n, j) => columns[j].set(Array.from(g.columns.get(n)! as ArrayLike<number>), g.rowStart));
  }
  return { objectNumbers, touchesBorder, names, columns };
}
