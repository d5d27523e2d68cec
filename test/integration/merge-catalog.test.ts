import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { main } from '../../src/main/cli';
import { runCli } from '../support/cli';

const root = mkdtempSync(join(tmpdir(), 'stainless-merge-catalog-'));
test.after(() => rmSync(root, { recursive: true, force: true }));
const MODEL = 'stainless-unet-direct';

async function cli(argv: string[]): Promise<void> {
  assert.equal(await main(argv), 0, `stainless ${argv.join(' ')}`);
}


/** A workspace made the way a user makes one: demo plate, import, infer, segment (+ a campaign plan). */
async function workstation(name: string, barcode: string, seed: number): Promise<string> {
  const plate = join(root, `${name}-plate`);
  const ws = join(root, name);
  await cli(['demo', '--out', plate, '--format', '96', '--wells', 'A01,A02,B01,H12', '--sites', '1', '--size', '160', '--seed', String(seed), '--barcode', barcode]);
  await cli(['--workspace', ws, 'import', plate]);
  await cli(['--workspace', ws, 'infer', '--plate', barcode, '--model', MODEL]);
  await cli(['--workspace', ws, 'segment', '--plate', barcode, '--workers', '0']);
  return ws;
}

/**
 * Everything the catalog holds about one plate, by natural keys (well names, channels, model
 * sha256, file paths) instead of row ids, profiles as (well, feature) → raw and robust z bytes.
 */
function plateSnapshot(ws: string, barcode: string) {
  const db = new Database(join(ws, 'catalog.sqlite'), { readonly: true });
  try {
    const p = db.prepare(`SELECT id, barcode, cell_line, format, platemap_name, source_dir, naming, channel_map, is_demo, imported_at, pixel_size_um, acquisition FROM plates WHERE barcode = ?`).get(barcode) as { id: number } & Record<string, unknown>;
    const { id, ...plate } = p;
    const site = `(SELECT w.name || '/' || s.field FROM sites s JOIN wells w ON w.id = s.well_id WHERE s.id = x.site_id)`;
    const run = `(SELECT m.sha256 || ' ' || r.params || ' ' || r.status || ' ' || r.created_at FROM runs r LEFT JOIN models m ON m.id = r.model_id WHERE r.id = x.run_id)`;
    const wells = db
      .prepare(`SELECT w.name, w.row, w.col, c.broad_sample, c.name AS compound, c.moa, w.concentration, w.control_type, w.metadata FROM wells w LEFT JOIN compounds c ON c.id = w.compound_id WHERE w.plate_id = ? ORDER BY w.row, w.col`)
      .all(id);
    const sites = db.prepare(`SELECT ${site.replace('x.site_id', 's2.id')} AS site, s2.metadata FROM sites s2 JOIN wells w ON w.id = s2.well_id WHERE w.plate_id = ? ORDER BY 1`).all(id);
    const runs = db.prepare(`SELECT m.name, m.version, m.sha256, r.model_name, r.provider, r.params, r.status, r.timings, r.domain, r.created_at, r.finished_at FROM runs r LEFT JOIN models m ON m.id = r.model_id WHERE r.plate_id = ? ORDER BY r.id`).all(id);
    const inPlate = `x.site_id IN (SELECT s.id FROM sites s JOIN wells w ON w.id = s.well_id WHERE w.plate_id = ${id})`;
    const images = db.prepare(`SELECT ${site} AS site, x.channel, x.kind, x.path, x.width, x.height, x.bit_depth, ${run} AS run FROM images x WHERE ${inPlate} ORDER BY 1, 2, 3, 4`).all();
    const runSites = db.prepare(`SELECT ${site} AS site, ${run} AS run, x.seconds FROM run_sites x WHERE ${inPlate} ORDER BY 1, 2`).all();
    const segmentations = db.prepare(`SELECT ${site} AS site, x.source, x.method, ${run} AS run, x.nuclei_path, x.cells_path, x.n_nuclei, x.n_cells FROM segmentations x WHERE ${inPlate} ORDER BY 1, 2, 3`).all();
    const sets = db.prepare(`SELECT x.id, x.source, x.method, ${run} AS run, x.model_name, x.status, x.n_sites, x.n_cells, x.cells_path, x.well_ids FROM feature_sets x WHERE x.plate_id = ? ORDER BY x.id`).all(id) as Array<{ id: number; well_ids: Buffer }>;
    const wellName = db.prepare(`SELECT name FROM wells WHERE id = ?`);
    const profiles = sets.map(({ id: setId, well_ids, ...s }) => {
      const order = Array.from(new Int32Array(well_ids.buffer.slice(well_ids.byteOffset, well_ids.byteOffset + well_ids.byteLength)), (w) => (wellName.get(w) as { name: string }).name);
      const features = db.prepare(`SELECT name, hex(raw) AS raw, hex(robustz) AS robustz FROM well_features WHERE set_id = ? ORDER BY name`).all(setId);
      return { ...s, wells: order, features };
    });
    const campaigns = db.prepare(`SELECT id, plan_path, model_name, steps, shards, sites, created_at FROM campaigns WHERE plate_id = ? ORDER BY id`).all(id);
    return { plate, wells, sites, runs, images, runSites, segmentations, profiles, campaigns };
  } finally {
    db.close();
  }
}

function counts(ws: string): Record<string, number> {
  const db = new Database(join(ws, 'catalog.sqlite'), { readonly: true });
  try {
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as Array<{ name: string }>).map((t) => t.name);
    return Object.fromEntries(tables.map((t) => [t, (db.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n]));
  } finally {
    db.close();
  }
}

const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

test("merge --catalog folds another workstation's plate in, refuses a second merge and a plate in both", { timeout: 600_000 }, async () => {
  const a = await workstation('station-a', 'MA', 3);
  const b = await workstation('station-b', 'MB', 4);
  // b also planned a campaign for its plate: the record travels with the plate
  await cli(['--workspace', b, 'plan', '--plate', 'MB', '--model', MODEL, '--steps', 'infer', '--shards', '2', '--campaign', join(root, 'campaign-b')]);
  const otherFile = join(b, 'catalog.sqlite');

  const aBefore = plateSnapshot(a, 'MA');
  const bPlate = plateSnapshot(b, 'MB');
  const countsA = counts(a);
  const countsB = counts(b);
  const otherSha = sha(otherFile);
  assert.ok(bPlate.images.length === 4 * 8 + 4 * 7 && bPlate.segmentations.length >= 4 && bPlate.profiles[0].features.length > 1000 && bPlate.campaigns.length === 1, 'station b has results to merge');

  await cli(['--workspace', a, 'merge', '--catalog', otherFile]);
  // the plate arrived whole: every row by its natural keys, profiles byte for byte in the same well order
  assert.deepEqual(plateSnapshot(a, 'MB'), bPlate);
  assert.deepEqual(plateSnapshot(a, 'MA'), aBefore);
  const merged = counts(a);
  // one row per row of b, except shared dictionaries: the bundled models (same sha256) are reused,
  // and the demo library's compounds (same broad_sample) are not duplicated; b's jobs stay b's
  for (const t of ['plates', 'wells', 'sites', 'images', 'runs', 'run_sites', 'segmentations', 'feature_sets', 'well_features', 'campaigns'])
    assert.equal(merged[t], countsA[t] + countsB[t], `${t}: ${countsA[t]} + ${countsB[t]}`);
  assert.equal(merged.models, countsA.models);
  assert.equal(merged.jobs, countsA.jobs);
  const db = new Database(join(a, 'catalog.sqlite'), { readonly: true });
  const dup = db.prepare(`SELECT count(*) - count(DISTINCT broad_sample) AS n FROM compounds`).get() as { n: number };
  db.close();
  assert.equal(dup.n, 0);
  // the other catalog was only read
  assert.equal(sha(otherFile), otherSha);

  // the merged plate works through the contract like a local one
  const planFile = join(root, 'campaign-b', 'plan.json');
  const status = await runCli(['--workspace', a, '--json', 'slurm', 'status', '--plan', planFile]);
  assert.equal(status.code, 0, status.err);

  // a second merge of the same catalog is refused by name, and changes nothing
  const again = await runCli(['--workspace', a, 'merge', '--catalog', otherFile]);
  assert.equal(again.code, 1);
  assert.equal(again.err.trim(), `stainless merge: ${otherFile}: already merged: its plate MB (same import) is in this catalog; nothing was changed`);
  assert.deepEqual(counts(a), merged);

  // the same plate from two places: a third station imported MA too (another import) — a named conflict
  const c = join(root, 'station-c');
  await cli(['--workspace', c, 'import', join(root, 'station-a-plate')]);
  const conflict = await runCli(['--workspace', a, 'merge', '--catalog', join(c, 'catalog.sqlite')]);
  assert.equal(conflict.code, 1);
  assert.match(conflict.err, /catalog\.sqlite: plate MA is in both catalogs \(same barcode\): merging would mix two plates' results; nothing was changed/);
  assert.deepEqual(counts(a), merged);
  assert.deepEqual(plateSnapshot(a, 'MA'), aBefore);

  // bad input: one line naming the file
  const none = await runCli(['--workspace', a, 'merge', '--catalog', join(root, 'nope.sqlite')]);
  assert.equal(none.err.trim(), `stainless merge: ${join(root, 'nope.sqlite')}: no such file`);
  const junk = join(root, 'junk.sqlite');
  writeFileSync(junk, 'not a database at all, just text that is long enough to have a header page\n'.repeat(20));
  const notDb = await runCli(['--workspace', a, 'merge', '--catalog', junk]);
  assert.equal(notDb.code, 1);
  assert.match(notDb.err, new RegExp(`^stainless merge: ${junk.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not a catalog this Stainless can merge \\(`));
  const self = await runCli(['--workspace', a, 'merge', '--catalog', join(a, 'catalog.sqlite')]);
  assert.match(self.err, /is this workspace's own catalog/);
  const both = await runCli(['--workspace', a, 'merge', '--catalog', otherFile, '--plan', planFile]);
  assert.equal(both.code, 2);
});
