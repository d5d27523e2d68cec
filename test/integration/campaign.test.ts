import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulatePlate } from '../../src/main/core/simulate';
import { importPlate } from '../../src/main/core/catalog/importPlate';
import { createCore } from '../../src/main/core/core';
import { main } from '../../src/main/cli';
import { runCli } from '../support/cli';
import { readShardCsv } from '../../src/main/core/campaign/shardCsv';
import { readPlan } from '../../src/main/core/campaign/plan';
import { catalogSnapshot } from './campaignSnapshot';

const root = mkdtempSync(join(tmpdir(), 'stainless-campaign-'));
test.after(() => rmSync(root, { recursive: true, force: true }));
const MODEL = 'stainless-unet-direct';

async function workspaceWithPlate(name: string, plateDir: string): Promise<string> {
  const ws = join(root, name);
  const core = createCore({ workspace: ws, transport: 'inprocess' });
  try {
    await importPlate(core.db, { dir: plateDir });
  } finally {
    core.close();
  }
  return ws;
}


test('a plate run as 4 shards (in any order) and merged equals the same plate run in one process', { timeout: 600_000 }, async () => {
  const sim = await simulatePlate({ out: join(root, 'plate'), format: 96, wells: ['A01', 'A02', 'B01', 'B02', 'C03'], sites: 2, size: 160, seed: 5, barcode: 'CAMP', workers: 0 });
  const single = await workspaceWithPlate('single', sim.out);
  assert.equal(await main(['--workspace', single, 'infer', '--plate', 'CAMP', '--model', MODEL, '--seed', '7']), 0);
  assert.equal(await main(['--workspace', single, 'segment', '--plate', 'CAMP', '--workers', '0']), 0);

  const sharded = await workspaceWithPlate('sharded', sim.out);
  const camp = join(root, 'campaign');
  assert.equal(await main(['--workspace', sharded, 'plan', '--plate', 'CAMP', '--model', MODEL, '--steps', 'infer,segment', '--shards', '4', '--campaign', camp, '--seed', '7']), 0);
  const planFile = join(camp, 'plan.json');
  const plan = readPlan(planFile);
  assert.equal(plan.sites.length, 10);
  assert.equal(plan.model.sha256.length, 64);
  assert.ok(plan.sites.every((s) => s.inputs.BF && /^[0-9a-f]{64}$/.test(s.inputs.BF.sha256)));
  // the LoadData CSVs partition the plate's sites
  const csvSites = (await Promise.all(plan.shardFiles.map((f) => readShardCsv(join(camp, f))))).flat();
  assert.deepEqual(csvSites.map((s) => `${s.well}/${s.field}`).sort(), plan.sites.map((s) => `${s.well}/${s.field}`).sort());
  assert.ok(csvSites.every((s) => s.plate === 'CAMP' && existsSync(s.files.BF)));
  // JUMP's LoadData names for the three brightfield planes, as io/loaddata.ts writes and reads them
  assert.match(readFileSync(join(camp, plan.shardFiles[0]), 'utf8').split('\n')[0], /^FileName_OrigLowZBF,PathName_OrigLowZBF,FileName_OrigBrightfield,PathName_OrigBrightfield,FileName_OrigHighZBF,PathName_OrigHighZBF,Metadata_Plate,Metadata_Well,Metadata_Site$/);

  // an incomplete campaign is refused naming the shards
  // shard 3 segments on a worker thread beside its inference, the others in-process: same results
  assert.equal(await main(['work', '--plan', planFile, '--shard', '3', '--workers', '1']), 0);
  assert.equal(await main(['work', '--plan', planFile, '--shard', '1']), 0);
  const early = await runCli(['--workspace', sharded, 'merge', '--plan', planFile]);
  assert.equal(early.code, 1);
  assert.match(early.err, /shard 0 missing 3 of 3 sites; shard 2 missing 3 of 3 sites/);
  for (const k of [2, 0]) assert.equal(await main(['work', '--plan', planFile, '--shard', String(k)]), 0);

  // idempotent: a finished shard is skipped; a site cut off part-way (no done-marker, junk left) is redone
  const site = plan.sites.find((s) => s.shard === 1)!;
  const sd = join(camp, 'work', 'shard-1', 'sites', `${site.well}_f0${site.field}`);
  const before = readFileSync(join(sd, 'synthetic', 'DNA.tiff'));
  rmSync(join(sd, 'done.json'));
  writeFileSync(join(sd, 'nuclei.tiff'), 'cut off');
  assert.equal(await main(['work', '--plan', planFile, '--shard', '1']), 0);
  assert.ok(existsSync(join(sd, 'done.json')));
  assert.deepEqual(readFileSync(join(sd, 'synthetic', 'DNA.tiff')), before);

  assert.equal(await main(['--workspace', sharded, 'merge', '--plan', planFile]), 0);
  const again = await runCli(['--workspace', sharded, 'merge', '--plan', planFile]);
  assert.equal(again.code, 1);
  assert.match(again.err, /already merged into this catalog as run \d+/);

  const a = await catalogSnapshot(single);
  const b = await catalogSnapshot(sharded);
  assert.ok(a.images.length === 10 * 7 && a.segmentations.length === 10 && a.wellFeatures.length > 1000, `single-machine run: ${a.images.length} images, ${a.wellFeatures.length} features`);
  for (const k of Object.keys(a) as Array<keyof typeof a>) assert.deepEqual(b[k], a[k], k);

  // bad input: an edited plan, a changed input image; merge names the failed shard and its reason
  const camp2 = join(root, 'campaign2');
  assert.equal(await main(['--workspace', sharded, 'plan', '--plate', 'CAMP', '--model', MODEL, '--steps', 'infer', '--shards', '2', '--campaign', camp2]), 0);
  const plan2 = join(camp2, 'plan.json');
  const text = readFileSync(plan2, 'utf8');
  writeFileSync(plan2, text.replace('"seed": 0', '"seed": 1'));
  const edited = await runCli(['work', '--plan', plan2, '--shard', '0']);
  assert.equal(edited.code, 1);
  assert.equal(edited.err.trim(), `stainless work: ${plan2}: the plan was edited after it was made (its id does not match its content); make a new plan`);
  writeFileSync(plan2, text);
  const victim = readPlan(plan2).sites.find((s) => s.shard === 1)!.inputs.BF.path;
  writeFileSync(victim, Buffer.concat([readFileSync(victim), Buffer.from([0])]));
  const changed = await runCli(['work', '--plan', plan2, '--shard', '1']);
  assert.equal(changed.code, 1);
  assert.match(changed.err, new RegExp(`${victim.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: changed since the plan was made`));
  const incomplete = await runCli(['--workspace', sharded, 'merge', '--plan', plan2]);
  assert.match(incomplete.err, /not complete: shard 0 missing 5 of 5 sites; shard 1 failed \(.*changed since the plan was made/);
  assert.equal(await main(['work', '--plan', plan2, '--shard', '7']), 1);
});

test('a campaign with --illum-from divides every shard\'s synthetic images by the plate\'s functions, recorded as segment --illum-from records them', { timeout: 600_000 }, async () => {
  const sim = await simulatePlate({ out: join(root, 'plate-illum'), format: 96, wells: ['A01', 'B02'], sites: 2, size: 160, seed: 6, barcode: 'CAMPI', workers: 0 });
  // JUMP-style per-plate files: CellProfiler's function of the demo stack (160×160), one per Cell Painting channel
  const from = join(root, 'illum-files');
  mkdirSync(from, { recursive: true });
  const fn = join(import.meta.dirname, '..', 'fixtures', 'illumination', 'demo-illum.npy');
  for (const ch of ['DNA', 'ER', 'RNA', 'AGP', 'Mito']) copyFileSync(fn, join(from, `CAMPI_Illum${ch}.npy`));
  const single = await workspaceWithPlate('single-illum', sim.out);
  assert.equal(await main(['--workspace', single, 'infer', '--plate', 'CAMPI', '--model', MODEL, '--seed', '3']), 0);
  assert.equal(await main(['--workspace', single, 'segment', '--plate', 'CAMPI', '--workers', '0', '--illum', 'on', '--illum-from', from]), 0);

  const sharded = await workspaceWithPlate('sharded-illum', sim.out);
  const camp = join(root, 'campaign-illum');
  const plan = (dir: string, ...extra: string[]) => runCli(['--workspace', sharded, 'plan', '--plate', 'CAMPI', '--model', MODEL, '--shards', '2', '--campaign', dir, '--seed', '3', ...extra]);
  // functions over the synthetic images cannot exist before the array; files only with correction on and segmentation planned
  const computed = await plan(join(root, 'camp-x'), '--illum', 'on');
  assert.equal(computed.code, 1);
  assert.match(computed.err, /--illum on: a campaign's synthetic images exist only once its shards have run.*give --illum-from DIR/);
  assert.match((await plan(join(root, 'camp-x'), '--illum-from', from)).err, /illumination correction is off for synthetic images \(use --illum on\)/);
  assert.match((await plan(join(root, 'camp-x'), '--illum', 'on', '--illum-from', from, '--steps', 'infer')).err, /apply to segmentation: add segment to --steps/);
  assert.equal((await plan(camp, '--illum', 'on', '--illum-from', from)).code, 0);
  const planFile = join(camp, 'plan.json');
  const p = readPlan(planFile);
  assert.deepEqual(Object.keys(p.illumination ?? {}), ['DNA', 'ER', 'RNA', 'AGP', 'Mito']);
  // the shards read the campaign folder's copies (storage every node sees), not the source folder
  assert.ok(Object.values(p.illumination!).every((f) => f.path.startsWith(camp) && readFileSync(f.path).equals(readFileSync(fn))));
  assert.equal(await main(['work', '--plan', planFile, '--shard', '1', '--workers', '1']), 0);
  assert.equal(await main(['work', '--plan', planFile, '--shard', '0']), 0);
  assert.equal(await main(['--workspace', sharded, 'merge', '--plan', planFile]), 0);

  const a = await catalogSnapshot(single);
  const b = await catalogSnapshot(sharded);
  assert.equal(a.illumination.length, 5);
  assert.ok(a.illumination.every((r) => r.origin === 'file'));
  assert.ok(a.sets[0].illumination && a.cellsIllumination[0]);
  for (const k of Object.keys(a) as Array<keyof typeof a>) assert.deepEqual(b[k], a[k], k);

  // a function changed after the plan: the shard refuses it
  const victim = p.illumination!.DNA.path;
  writeFileSync(victim, Buffer.concat([readFileSync(victim), Buffer.from([0])]));
  rmSync(join(camp, 'work', 'shard-0'), { recursive: true, force: true });
  const changed = await runCli(['work', '--plan', planFile, '--shard', '0']);
  assert.equal(changed.code, 1);
  assert.equal(changed.err.trim(), `stainless work: ${victim}: changed since the plan was made (sha256 differs); make a new plan`);
});
