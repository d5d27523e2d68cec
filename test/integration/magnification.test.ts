import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { openCatalog } from '../../src/main/core/catalog/db';
import { importPlate } from '../../src/main/core/catalog/importPlate';
import { plateMagnification } from '../../src/main/core/catalog/magnification';
import { findPlate } from '../../src/main/core/catalog/queries';
import { makePlan } from '../../src/main/core/campaign/plan';
import { createCore } from '../../src/main/core/core';
import { registerBundledModels } from '../../src/main/core/inference';
import { compareDomain, parseMagnification } from '../../src/main/core/inference/domain';
import { writeLoadData } from '../../src/main/core/io/loaddata';
import { simulatePlate } from '../../src/main/core/simulate';
import { block, writePhenixPlate } from '../fixtures/import/plates';
import type { TrainingConditions } from '../../src/shared/domain';

/**
 * The objective magnification a plate was imaged with, from its Harmony index or its LoadData
 * Metadata_ columns, recorded at import in plates.acquisition (the plate page shows it), and its use
 * in the domain check of infer and of a campaign plan (a model trained at another magnification is
 * a shift: resampling matches the sampling, not the optics).
 */
const root = mkdtempSync(join(tmpdir(), 'stainless-mag-'));
test.after(() => rmSync(root, { recursive: true, force: true }));
const JUMP = resolve(import.meta.dirname, '../fixtures/import/harmony/BR00121482.Index.idx.xml');

test("a Phenix export's Index.idx.xml gives the plate's magnification (20×)", async () => {
  const dir = join(root, 'PHX');
  writePhenixPlate(dir, { wells: block(1, 2), fields: 1, channels: [5, 8] });
  copyFileSync(JUMP, join(dir, 'Images', 'Index.idx.xml'));
  const db = openCatalog(join(root, 'phx.sqlite'));
  try {
    const r = await importPlate(db, { dir });
    assert.ok(r.ok, JSON.stringify(r.problems));
    assert.equal(plateMagnification(db, r.plateId), 20);
    assert.equal(findPlate(db, r.plateId)?.magnification, 20, 'plates.get carries it to the plate page');
  } finally {
    db.close();
  }
});

test('a LoadData Metadata_Magnification column gives it too; disagreeing sites or none give unknown', async () => {
  const sim = await simulatePlate({ out: join(root, 'sim'), format: 96, wells: ['A01', 'A02'], sites: 1, size: 64, seed: 3, workers: 0 });
  const ref = openCatalog(join(root, 'ref.sqlite'));
  const folder = await importPlate(ref, { dir: sim.out });
  assert.equal(plateMagnification(ref, folder.plateId), null, 'no index, no metadata: unknown');
  const images = ref.prepare(`SELECT w.name AS well, s.field, i.channel, i.path FROM images i JOIN sites s ON s.id = i.site_id JOIN wells w ON w.id = s.well_id`).all() as Array<{ well: string; field: number; channel: string; path: string }>;
  ref.close();
  const csvFor = async (name: string, mag: (well: string) => string) => {
    const rows = new Map<string, Record<string, string | number>>();
    for (const im of images) {
      const r = rows.get(`${im.well},${im.field}`) ?? { Metadata_Plate: 'MAG', Metadata_Well: im.well, Metadata_Site: im.field, Metadata_Magnification: mag(im.well) };
      rows.set(`${im.well},${im.field}`, r);
      r[`FileName_Orig${im.channel}`] = basename(im.path);
      r[`PathName_Orig${im.channel}`] = dirname(im.path);
    }
    const channels = [...new Set(images.map((i) => i.channel))];
    const csv = join(root, `${name}.csv`);
    await writeLoadData(csv, ['Metadata_Plate', 'Metadata_Well', 'Metadata_Site', 'Metadata_Magnification', ...channels.flatMap((c) => [`FileName_Orig${c}`, `PathName_Orig${c}`])], rows.values());
    return csv;
  };
  for (const [name, mag, want] of [['same', () => '40x', 40], ['differ', (w: string) => (w === 'A01' ? '40x' : '20x'), null]] as const) {
    const db = openCatalog(join(root, `${name}.sqlite`));
    try {
      const r = await importPlate(db, { dir: sim.out, loadData: await csvFor(name, mag), channelMap: 'BF=BF,BFLow=BFLow,BFHigh=BFHigh,DNA=DNA,ER=ER,RNA=RNA,AGP=AGP,Mito=Mito' });
      assert.ok(r.ok, JSON.stringify(r.problems));
      assert.equal(plateMagnification(db, r.plateId), want, name);
      // recorded at import, not re-derived from the metadata later
      const acq = db.prepare(`SELECT acquisition FROM plates WHERE id = ?`).pluck().get(r.plateId) as string | null;
      assert.deepEqual(acq && JSON.parse(acq), want ? { source: join(root, `${name}.csv`), objective: { magnification: want, na: null } } : null, name);
      assert.equal(findPlate(db, r.plateId)?.magnification, want, name);
    } finally {
      db.close();
    }
  }
});

test('the domain check: another objective than the training one is a shift, with the reason; unknown is a note', () => {
  assert.equal(parseMagnification('20x'), 20);
  assert.equal(parseMagnification('40× water'), 40);
  assert.equal(parseMagnification('10'), 10);
  assert.equal(parseMagnification('simulated: JUMP cpg0000-like sites at 1.26 µm/px'), null);
  const stats = { BF: { focus: { lo: 1, hi: 1.2, mean: 1.1, sd: 0.1 } } };
  const tc: TrainingConditions = { modality: 'brightfield', planes: ['BF'], pixelSizeUm: null, magnification: '20x', cellLines: [], sites: 2, stats, source: 'test' };
  const site = [{ BF: { focus: 1.1 } }];
  const meta = { cellLine: null, pixelSizeUm: null, modelPixelSizeUm: null };
  assert.equal(compareDomain(tc, site, { ...meta, magnification: 20 }).verdict, 'in range');
  const other = compareDomain(tc, site, { ...meta, magnification: 40 });
  assert.equal(other.verdict, 'shifted');
  assert.deepEqual(other.reasons.map((r) => r.text), ['objective 40× vs training 20×']);
  const unknown = compareDomain(tc, site, meta);
  assert.equal(unknown.verdict, 'in range');
  assert.ok(unknown.notes.includes('objective magnification unknown (trained at 20×)'));
});

test("a campaign plan's domain verdict sees the recorded magnification, as infer's does", { timeout: 120_000 }, async () => {
  const sim = await simulatePlate({ out: join(root, 'plan-sim'), format: 96, wells: ['A01'], sites: 2, size: 96, seed: 4, barcode: 'PLANMAG', workers: 0 });
  const core = createCore({ workspace: join(root, 'plan-ws'), transport: 'inprocess' });
  try {
    const r = await importPlate(core.db, { dir: sim.out });
    assert.ok(r.ok, JSON.stringify(r.problems));
    await registerBundledModels(core);
    // as a LoadData or Harmony import records it
    core.db.prepare(`UPDATE plates SET acquisition = ? WHERE id = ?`).run(JSON.stringify({ objective: { magnification: 40, na: null } }), r.plateId);
    const plan = await makePlan(core.db, { plate: 'PLANMAG', model: 'stainless-unet-direct', steps: ['infer'], shards: 1, dir: join(root, 'plan') });
    // the bundled model names no parsable objective: the plate's 40× is a note, never dropped
    assert.ok(plan.domain.notes.includes('imaged at 40× (the model records no objective magnification)'), plan.domain.notes.join('; '));
  } finally {
    core.close();
  }
});
