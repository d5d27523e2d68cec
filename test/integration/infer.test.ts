import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createCore, type Core } from '../../src/main/core/core';
import { openCatalog } from '../../src/main/core/catalog/db';
import { importPlate } from '../../src/main/core/catalog/importPlate';
import { writeTiff, readGray } from '../../src/main/core/io/tiff';
import { addModel } from '../../src/main/core/inference/registry';
import { runInference, listRuns } from '../../src/main/core/inference/run';
import { dispatch, handlers } from '../../src/main/core/api';
import { uniformSource } from '../../src/main/core/inference/samplers/noise';
import type { InferSummary, RunInfo } from '../../src/shared/contract/inference';
import type { JobInfo } from '../../src/shared/contract/jobs';

const repo = resolve(import.meta.dirname, '../..');
const FIX = join(repo, 'test/fixtures/models');
const root = mkdtempSync(join(tmpdir(), 'stainless-infer-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

/** A Phenix-named plate folder: wells × fields, brightfield planes ch6–8 (random 16-bit), imported with importPlate. */
async function makePlate(ws: string, barcode: string, wells: Array<[number, number]>, fields: number, size: [number, number]) {
  const dir = join(root, `${barcode}-src`);
  const u = uniformSource(barcode.length, wells.length);
  for (const [r, c] of wells)
    for (let f = 1; f <= fields; f++)
      for (const ch of [6, 7, 8]) {
        const data = new Uint16Array(size[0] * size[1]).map(() => 1000 + Math.floor(u() * 30000));
        const p2 = (n: number) => String(n).padStart(2, '0');
        await writeTiff(join(dir, 'Images', `r${p2(r)}c${p2(c)}f${p2(f)}p01-ch${ch}sk1fk1fl1.tiff`), { width: size[0], height: size[1], bitDepth: 16, data });
      }
  const db = openCatalog(join(ws, 'catalog.sqlite'));
  try {
    await importPlate(db, { dir, barcode });
  } finally {
    db.close();
  }
}

async function workspace(name: string, transport: Core['transport'] = 'inprocess'): Promise<Core> {
  const ws = join(root, name);
  await makePlate(ws, 'P1', [[1, 1], [1, 2], [2, 3]], 2, [96, 80]);
  const core = createCore({ workspace: ws, transport });
  for (const m of ['identity', 'direct', 'diffusion']) await addModel(core.db, join(FIX, m), { modelsDir: core.paths.models });
  return core;
}

const count = (core: Core, sql: string, ...args: unknown[]) => (core.db.prepare(sql).get(...args) as { n: number }).n;

test('infer: a direct model paints every site, registered as synthetic images of the run', async () => {
  const core = await workspace('direct');
  try {
    const progress: Array<[number, number]> = [];
    const s = await runInference(core, { plate: 'P1', model: 'fixture-direct' }, { progress: (d, t) => progress.push([d, t]) });
    assert.equal(s.status, 'done');
    assert.equal(s.sitesTotal, 6);
    assert.equal(s.sitesComputed, 6);
    assert.equal(s.imagesWritten, 42);
    assert.equal(s.provider, 'cpu');
    assert.deepEqual(progress.at(-1), [6, 6]);
    const rows = core.db.prepare(`SELECT channel, path, width, height, bit_depth AS bits FROM images WHERE run_id = ? ORDER BY site_id, channel`).all(s.runId) as Array<{ channel: string; path: string; width: number; height: number; bits: number }>;
    assert.equal(rows.length, 42);
    assert.deepEqual([...new Set(rows.map((r) => r.channel))].sort(), ['AGP', 'CellBoundary', 'DNA', 'ER', 'Mito', 'NucleiBoundary', 'RNA']);
    for (const r of rows) {
      assert.ok(r.path.startsWith(join(core.paths.synthetic, `run-${s.runId}`)), r.path);
      assert.deepEqual([r.width, r.height, r.bits], [96, 80, 16]);
    }
    const img = await readGray(rows[0].path);
    assert.deepEqual([img.width, img.height, img.bitDepth], [96, 80, 16]);
    const run = (await dispatch(core, handlers, 'runs.get', { id: s.runId })) as RunInfo;
    assert.equal(run.status, 'done');
    assert.equal(run.sitesDone, 6);
    assert.equal(run.provider, 'cpu');
    assert.ok(run.providerReason && run.device);
    assert.ok((run.timings.seconds ?? 0) > 0 && (run.timings.perSite ?? 0) > 0);
    assert.equal(run.model, 'fixture-direct 1');
    assert.deepEqual((await dispatch(core, handlers, 'runs.list', { plate: 'P1' }) as RunInfo[]).map((r) => r.id), [s.runId]);

    // a subset of wells; well names A1 and A01 are the same
    const sub = await runInference(core, { plate: 'P1', model: 'fixture-direct', wells: ['A1', 'B03'] });
    assert.equal(sub.sitesTotal, 4);
    // bad requests name the problem
    await assert.rejects(runInference(core, { plate: 'P1', model: 'fixture-direct', wells: ['H12'] }), /plate P1 has no imaged well H12/);
    await assert.rejects(runInference(core, { plate: 'NOPE', model: 'fixture-direct' }), /no plate "NOPE"/);
    await assert.rejects(runInference(core, { plate: 'P1', model: 'nope' }), /no model "nope" is registered/);
    await assert.rejects(runInference(core, { plate: 'P1', model: 'fixture-direct', steps: 2 }), /--steps applies to residual-diffusion models/);
  } finally {
    core.close();
  }
});

test('infer: the identity model returns the acquired brightfield (stretched to 16 bits); diffusion runs are reproducible by seed', async () => {
  const core = await workspace('identity');
  try {
    // identity maps BF → "DNA" with percentiles 0/100: the written image is the input stretched from
    // [min, max] to [0, 65535], rounded
    const s = await runInference(core, { plate: 'P1', model: 'fixture-identity', wells: ['A01'] });
    const pairs = core.db
      .prepare(`SELECT a.path AS src, b.path AS out FROM images a JOIN images b ON a.site_id = b.site_id WHERE a.channel = 'BF' AND a.kind = 'acquired' AND b.run_id = ?`)
      .all(s.runId) as Array<{ src: string; out: string }>;
    assert.equal(pairs.length, 2);
    for (const p of pairs) {
      const [a, b] = [await readGray(p.src), await readGray(p.out)];
      let lo = 65535, hi = 0;
      for (const v of a.data) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
      // float32 arithmetic may land a half-way value on the other side of .5: at most 1 grey level
      for (let i = 0; i < a.data.length; i++) assert.ok(Math.abs(b.data[i] - ((a.data[i] - lo) / (hi - lo)) * 65535) <= 0.51, `pixel ${i}`);
    }
    const d1 = await runInference(core, { plate: 'P1', model: 'fixture-diffusion', wells: ['A02'], seed: 7 });
    const d2 = await runInference(core, { plate: 'P1', model: 'fixture-diffusion', wells: ['A02'], seed: 7 });
    const d3 = await runInference(core, { plate: 'P1', model: 'fixture-diffusion', wells: ['A02'], seed: 8, steps: 2 });
    assert.notEqual(d1.runId, d2.runId, 'a finished run is not resumed; the same request makes a new run');
    const paths = (id: number) => (core.db.prepare(`SELECT path FROM images WHERE run_id = ? ORDER BY site_id, channel`).all(id) as Array<{ path: string }>).map((r) => r.path);
    const [p1, p2, p3] = [paths(d1.runId), paths(d2.runId), paths(d3.runId)];
    assert.equal(p1.length, 14);
    for (let i = 0; i < p1.length; i++) assert.deepEqual((await readGray(p1[i])).data, (await readGray(p2[i])).data);
    assert.notDeepEqual((await readGray(p1[0])).data, (await readGray(p3[0])).data);
    const runs = listRuns(core.db, 'P1');
    assert.deepEqual(runs.find((r) => r.id === d3.runId)!.params.steps, 2);
  } finally {
    core.close();
  }
});

test('infer job in a worker thread: progress events, cancel, then resume finishes without redoing sites', { timeout: 120_000 }, async () => {
  const core = await workspace('job', 'http');
  try {
    const events: JobInfo[] = [];
    const off = core.events.on((e) => {
      if (e.type === 'job' && e.job.kind === 'infer') events.push(e.job);
    });
    // the worker holds still after 2 sites (stall hook) until cancelled, so the cancel lands mid-plate
    process.env.STAINLESS_INFER_STALL_AFTER = '2';
    const job = (await dispatch(core, handlers, 'infer.start', { plate: 'P1', model: 'fixture-direct' })) as JobInfo;
    delete process.env.STAINLESS_INFER_STALL_AFTER; // the worker took its copy of the environment
    await new Promise<void>((res) => {
      const t = setInterval(() => {
        const st = core.jobs.get(job.id)!.status;
        if (count(core, `SELECT count(*) AS n FROM run_sites`) >= 2 || st === 'failed' || st === 'done') {
          clearInterval(t);
          res();
        }
      }, 20);
    });
    core.jobs.cancel(job.id);
    const end = await core.jobs.wait(job.id);
    assert.equal(end.status, 'cancelled', end.error ?? '');
    const [run] = listRuns(core.db, 'P1');
    assert.equal(run.status, 'cancelled');
    assert.equal(run.sitesDone, 2);
    assert.equal(count(core, `SELECT count(*) AS n FROM images WHERE run_id = ?`, run.id), run.sitesDone * 7);
    const resumed = core.jobs.resume(job.id);
    const fin = await core.jobs.wait(resumed.id);
    off();
    assert.equal(fin.status, 'done', fin.error ?? '');
    const sum = fin.result as InferSummary;
    assert.equal(sum.runId, run.id);
    assert.equal(sum.sitesResumed, run.sitesDone);
    assert.equal(sum.sitesComputed, 6 - run.sitesDone);
    assert.equal(count(core, `SELECT count(*) AS n FROM images WHERE run_id = ?`, run.id), 42);
    assert.ok(events.some((j) => j.status === 'running' && j.total === 6 && j.done > 0), 'progress reported as sites done/total');
  } finally {
    core.close();
  }
});

test('SIGKILL of `stainless infer` mid-plate: the same command finishes the plate, each site exactly once', { timeout: 180_000 }, async () => {
  const ws = join(root, 'kill');
  await makePlate(ws, 'K1', [[1, 1], [1, 2], [1, 3]], 2, [96, 80]);
  const catalogFile = join(ws, 'catalog.sqlite');
  const sitesDone = () => {
    const db = openCatalog(catalogFile, { readonly: true });
    try {
      return (db.prepare(`SELECT count(*) AS n FROM run_sites`).get() as { n: number }).n;
    } finally {
      db.close();
    }
  };
  const cli = (args: string[], env: Record<string, string> = {}, killAfterSites?: number) =>
    new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((res, rej) => {
      const child = spawn(process.execPath, ['bin/stainless.mjs', ...args, '--workspace', ws], { cwd: repo, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '', stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      // the child holds still after `killAfterSites` sites (stall hook), so waiting for that count is race-free
      const watch = killAfterSites
        ? setInterval(() => {
            if (existsSync(catalogFile) && sitesDone() >= killAfterSites) {
              clearInterval(watch);
              child.kill('SIGKILL');
            }
          }, 50)
        : undefined;
      child.on('error', rej);
      child.on('exit', (code, signal) => {
        clearInterval(watch);
        res({ code, signal, stdout, stderr });
      });
    });
  assert.equal((await cli(['models', 'add', join(FIX, 'direct')])).code, 0);
  const args = ['infer', '--plate', 'K1', '--model', 'fixture-direct', '--json'];
  // the stall hook holds the process after 2 sites so the kill lands mid-plate, deterministically
  const killed = await cli(args, { STAINLESS_INFER_STALL_AFTER: '2' }, 2);
  assert.equal(killed.signal, 'SIGKILL', killed.stderr);
  const db = openCatalog(join(ws, 'catalog.sqlite'));
  const mid = db.prepare(`SELECT id, status, (SELECT count(*) FROM run_sites WHERE run_id = runs.id) AS done FROM runs`).all() as Array<{ id: number; status: string; done: number }>;
  assert.deepEqual(mid.map((r) => [r.status, r.done]), [['running', 2]]);
  db.close();
  // a write cut off by a kill leaves only a temporary file, never registered; the resume clears it
  const stale = join(ws, 'synthetic', `run-${mid[0].id}`, 'A01', 'A01_f01_DNA.tiff.partial-99999');
  writeFileSync(stale, 'half an image');
  const again = await cli(args);
  assert.equal(again.code, 0, again.stderr);
  const s = JSON.parse(again.stdout) as InferSummary;
  assert.equal(s.runId, mid[0].id);
  assert.equal(s.sitesResumed, 2);
  assert.equal(s.sitesComputed, 4);
  const db2 = openCatalog(join(ws, 'catalog.sqlite'));
  try {
    const per = db2.prepare(`SELECT site_id, channel, count(*) AS n FROM images WHERE run_id = ? GROUP BY site_id, channel`).all(s.runId) as Array<{ n: number }>;
    assert.equal(per.length, 6 * 7);
    assert.ok(per.every((r) => r.n === 1));
    assert.equal((db2.prepare(`SELECT count(*) AS n FROM run_sites WHERE run_id = ?`).get(s.runId) as { n: number }).n, 6);
    assert.equal((db2.prepare(`SELECT status FROM runs WHERE id = ?`).get(s.runId) as { status: string }).status, 'done');
  } finally {
    db2.close();
  }
  const files: string[] = [];
  const walk = (d: string) => readdirSync(d, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(join(d, e.name)) : files.push(e.name)));
  walk(join(ws, 'synthetic', `run-${s.runId}`));
  assert.equal(files.length, 42);
  assert.ok(files.every((f) => f.endsWith('.tiff') && !f.includes('.partial')));
  assert.ok(existsSync(join(ws, 'synthetic', `run-${s.runId}`, 'A01', 'A01_f01_DNA.tiff')));
  const runs = JSON.parse((await cli(['runs', '--plate', 'K1', '--json'])).stdout) as RunInfo[];
  assert.deepEqual(runs.map((r) => [r.id, r.status, r.sitesDone, r.sitesTotal, r.timings.starts]), [[s.runId, 'done', 6, 6, 2]]);
});
