import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { simulatePlate } from '../../src/main/core/simulate';
import { importPlate } from '../../src/main/core/catalog/importPlate';
import { createCore } from '../../src/main/core/core';
import { dispatch, handlers } from '../../src/main/core/api';
import { readGray } from '../../src/main/core/io/tiff';
import type { InferSummary, ModelDetail, ModelInfo, RunInfo } from '../../src/shared/contract/inference';
import type { JobInfo } from '../../src/shared/contract/jobs';
import { registerBundledModels } from '../../src/main/core/inference';

const repo = resolve(import.meta.dirname, '../..');
const root = mkdtempSync(join(tmpdir(), 'stainless-infer-demo-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

test('demo plate → import → infer through the contract: synthetic paint + boundary channels for every site', { timeout: 300_000 }, async () => {
  const sim = await simulatePlate({ out: join(root, 'plate'), format: 96, wells: ['A01', 'B02'], sites: 2, size: 160, seed: 3, barcode: 'DEMO', workers: 0 });
  const core = createCore({ workspace: join(root, 'ws'), transport: 'http' });
  try {
    await importPlate(core.db, { dir: sim.out });
    // "bundled" models from a folder, as first start does with resources/models; registering twice is a no-op
    const bundled = await registerBundledModels(core, join(repo, 'test/fixtures/models'));
    assert.deepEqual(bundled.added.sort(), ['fixture-diffusion 1', 'fixture-direct 1', 'fixture-identity 1']);
    assert.deepEqual((await registerBundledModels(core, join(repo, 'test/fixtures/models'))).added, []);
    // the same bundled model found elsewhere (a newer install) is followed, not added twice
    cpSync(join(repo, 'test/fixtures/models/direct'), join(root, 'install2', 'direct'), { recursive: true });
    assert.deepEqual((await registerBundledModels(core, join(root, 'install2'))).added, []);
    assert.equal(((await dispatch(core, handlers, 'models.get', { name: 'fixture-direct' })) as ModelDetail).dir, join(root, 'install2', 'direct'));
    // the same graph shipped with a richer manifest (more held-out figures): the catalog follows it
    const mf2 = join(root, 'install2', 'direct', 'model.json');
    writeFileSync(mf2, JSON.stringify({ ...JSON.parse(readFileSync(mf2, 'utf8')), heldOutMetrics: { app: { plates: [] } } }));
    assert.deepEqual((await registerBundledModels(core, join(root, 'install2'))).added, []);
    assert.deepEqual(((await dispatch(core, handlers, 'models.get', { name: 'fixture-direct' })) as ModelDetail).manifest.heldOutMetrics, { app: { plates: [] } });
    const models = (await dispatch(core, handlers, 'models.list', {})) as ModelInfo[];
    assert.equal(models.length, 3);
    assert.ok(models.every((m) => m.bundled));
    const detail = (await dispatch(core, handlers, 'models.get', { name: 'fixture-diffusion', steps: 15 })) as ModelDetail;
    assert.equal(detail.schedule!.eta.length, 15);
    assert.ok(Math.abs(detail.schedule!.eta[14] - 0.9801) < 1e-9);

    const job = (await dispatch(core, handlers, 'infer.start', { plate: 'DEMO', model: 'fixture-diffusion', seed: 1 })) as JobInfo;
    const done = await core.jobs.wait(job.id);
    assert.equal(done.status, 'done', done.error ?? '');
    const s = done.result as InferSummary;
    assert.equal(s.sitesTotal, 4);
    const run = (await dispatch(core, handlers, 'runs.get', { id: s.runId })) as RunInfo;
    assert.equal(run.status, 'done');
    assert.equal(run.model, 'fixture-diffusion 1');
    assert.equal(run.params.seed, 1);
    assert.ok(run.provider && run.providerReason && run.device && (run.timings.seconds ?? 0) > 0);
    const imgs = core.db
      .prepare(`SELECT i.site_id AS site, i.channel, i.path, i.width FROM images i WHERE i.run_id = ? AND i.kind = 'synthetic'`)
      .all(s.runId) as Array<{ site: number; channel: string; path: string; width: number }>;
    assert.equal(imgs.length, 4 * 7);
    for (const ch of ['DNA', 'ER', 'RNA', 'AGP', 'Mito', 'NucleiBoundary', 'CellBoundary']) assert.equal(imgs.filter((i) => i.channel === ch).length, 4);
    for (const i of imgs) assert.ok(existsSync(i.path) && i.width === 160);
    const g = await readGray(imgs[0].path);
    assert.deepEqual([g.width, g.height, g.bitDepth], [160, 160, 16]);
    // the acquired images are untouched and still the only 'acquired' rows
    assert.equal((core.db.prepare(`SELECT count(*) AS n FROM images WHERE kind = 'acquired'`).get() as { n: number }).n, 4 * 8);

    // an app update ships version 2 of the diffusion model in place of version 1: 1 is retired, its run keeps its name
    const update = join(root, 'install3');
    cpSync(join(repo, 'test/fixtures/models'), update, { recursive: true });
    const mf = join(update, 'diffusion', 'model.json');
    writeFileSync(mf, JSON.stringify({ ...JSON.parse(readFileSync(mf, 'utf8')), version: '2' }));
    const upd = await registerBundledModels(core, update);
    assert.deepEqual([upd.added, upd.retired], [['fixture-diffusion 2'], ['fixture-diffusion 1']]);
    const after = (await dispatch(core, handlers, 'models.list', {})) as ModelInfo[];
    assert.deepEqual(after.filter((m) => m.name === 'fixture-diffusion').map((m) => m.version), ['2']);
    assert.equal(((await dispatch(core, handlers, 'runs.get', { id: s.runId })) as RunInfo).model, 'fixture-diffusion 1');
  } finally {
    core.close();
  }
});
