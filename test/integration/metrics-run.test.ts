// A run's metrics end to end on a real workspace: catalog rows, 16-bit TIFFs and label images on
// disk, the 'metrics' job through the contract, stored results read back, and the CLI.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from '../../src/main/core/core';
import { dispatch, handlers } from '../../src/main/core/api';
import { writeTiff, readGray } from '../../src/main/core/io/tiff';
import { PAINT_CHANNELS } from '../../src/shared/channels';
import { pixelMetrics } from '../../src/main/core/metrics/pixel';
import { to255 } from '../../src/main/core/metrics/scale';
import { matchLabels } from '../../src/main/core/metrics/matching';
import { pearson } from '../../src/shared/stats';
import { mulberry32 } from '../../src/main/core/metrics/rng';
import { main } from '../../src/main/cli';
import type { RunMetrics, WellValues } from '../../src/shared/contract/metrics';
import type { JobInfo } from '../../src/shared/contract/jobs';

const dir = mkdtempSync(join(tmpdir(), 'stainless-metrics-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const W = 48;
const H = 40;

/** A 16-bit "stain" image: bright discs on a dim background; the synthetic copy adds noise. */
function stain(seed: number, centres: Array<[number, number]>, noise: number): Uint16Array {
  const rnd = mulberry32(seed);
  const d = new Uint16Array(W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      let v = 400;
      for (const [cx, cy] of centres) if ((x - cx) ** 2 + (y - cy) ** 2 <= 25) v += 3000;
      d[y * W + x] = Math.max(0, Math.min(65535, Math.round(v + (rnd() - 0.5) * noise)));
    }
  return d;
}

function labels(centres: Array<[number, number]>, r: number, dx: number): Uint16Array {
  const d = new Uint16Array(W * H);
  centres.forEach(([cx, cy], k) => {
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if ((x - cx - dx) ** 2 + (y - cy) ** 2 <= r * r) d[y * W + x] = k + 1;
  });
  return d;
}

test('metrics of a run: job via the contract, stored per site/well/run, read back; CLI image/seg/run', async () => {
  const ws = join(dir, 'ws');
  const core = createCore({ workspace: ws, transport: 'inprocess' });
  const db = core.db;
  const plateId = (db.prepare(`INSERT INTO plates (barcode, format) VALUES ('P1', 96) RETURNING id`).get() as { id: number }).id;
  const runId = (db.prepare(`INSERT INTO runs (plate_id, model_name, provider, status) VALUES (?, 'fixture-model', 'cpu', 'done') RETURNING id`).get(plateId) as { id: number }).id;
  // 6 wells: A01–A02 negcon, A03–A04 poscon, A05–A06 treated; A05 has no synthetic images at all
  const wellIds: number[] = [];
  const controls = ['negcon', 'negcon', 'poscon', 'poscon', 'trt', 'trt'];
  controls.forEach((c, i) =>
    wellIds.push((db.prepare(`INSERT INTO wells (plate_id, row, col, name, control_type) VALUES (?, 0, ?, ?, ?) RETURNING id`).get(plateId, i, `A0${i + 1}`, c) as { id: number }).id),
  );
  const insSite = db.prepare(`INSERT INTO sites (well_id, field) VALUES (?, ?) RETURNING id`);
  const insImg = db.prepare(`INSERT INTO images (site_id, channel, kind, path, width, height, bit_depth, run_id) VALUES (?, ?, ?, ?, ?, ?, 16, ?)`);
  const insSeg = db.prepare(
    `INSERT INTO segmentations (site_id, source, method, run_id, nuclei_path, cells_path, n_nuclei, n_cells) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const expected = new Map<string, { ssim: number[] }>();
  const segExpect: { nuclei: ReturnType<typeof matchLabels>[] } = { nuclei: [] };
  const countRef: number[] = [];
  const baseExpect: ReturnType<typeof matchLabels>[] = [];
  const countSyn: number[] = [];
  let seed = 1;
  for (let w = 0; w < 6; w++) {
    for (let f = 1; f <= 2; f++) {
      const siteId = (insSite.get(wellIds[w], f) as { id: number }).id;
      const nCells = 2 + ((w * 3 + f * 2) % 5) + (controls[w] === 'poscon' ? 4 : 0);
      const centres: Array<[number, number]> = Array.from({ length: nCells }, (_, k) => [6 + ((k * 11) % 38), 6 + Math.floor((k * 11) / 38) * 10 + (k % 2) * 4]);
      for (const ch of PAINT_CHANNELS) {
        const acq = { width: W, height: H, bitDepth: 16 as const, data: stain(seed++, centres, 300) };
        const ap = join(ws, 'acq', `w${w}f${f}-${ch}.tiff`);
        await writeTiff(ap, acq);
        insImg.run(siteId, ch, 'acquired', ap, W, H, null);
        if (w === 4) continue; // a well the run did not reach
        const syn = { width: W, height: H, bitDepth: 16 as const, data: stain(seed++, centres, 1500) };
        const sp = join(ws, 'syn', `w${w}f${f}-${ch}.tiff`);
        await writeTiff(sp, syn);
        insImg.run(siteId, ch, 'synthetic', sp, W, H, runId);
        const m = pixelMetrics(to255(acq), to255(syn));
        const e = expected.get(ch) ?? { ssim: [] };
        e.ssim.push(m.ssim);
        expected.set(ch, e);
      }
      // ground-truth labels for every site; the run's model segmentation misses one object and shifts
      const truthN = join(ws, 'seg', `truth-w${w}f${f}-nuclei.tiff`);
      const truthC = join(ws, 'seg', `truth-w${w}f${f}-cells.tiff`);
      await writeTiff(truthN, { width: W, height: H, bitDepth: 16, data: labels(centres, 3, 0) });
      await writeTiff(truthC, { width: W, height: H, bitDepth: 16, data: labels(centres, 5, 0) });
      insSeg.run(siteId, 'truth', 'truth', null, truthN, truthC, nCells, nCells);
      // a classical segmentation of the acquired images (the baseline against the same truth)
      const clsN = join(ws, 'seg', `cls-w${w}f${f}-nuclei.tiff`);
      const clsC = join(ws, 'seg', `cls-w${w}f${f}-cells.tiff`);
      await writeTiff(clsN, { width: W, height: H, bitDepth: 16, data: labels(centres, 3, 1) });
      await writeTiff(clsC, { width: W, height: H, bitDepth: 16, data: labels(centres, 4, 0) });
      insSeg.run(siteId, 'acquired', 'classical', null, clsN, clsC, nCells, nCells);
      if (w !== 4) baseExpect.push(matchLabels(await readGray(truthN), await readGray(clsN), 0.5));
      if (w === 4) continue;
      const predCentres = centres.slice(0, nCells - (f === 1 ? 1 : 0));
      const predN = join(ws, 'seg', `pred-w${w}f${f}-nuclei.tiff`);
      const predC = join(ws, 'seg', `pred-w${w}f${f}-cells.tiff`);
      await writeTiff(predN, { width: W, height: H, bitDepth: 16, data: labels(predCentres, 3, f - 1) });
      await writeTiff(predC, { width: W, height: H, bitDepth: 16, data: labels(predCentres, 5, 1) });
      insSeg.run(siteId, 'synthetic', 'model', runId, predN, predC, predCentres.length, predCentres.length);
      segExpect.nuclei.push(matchLabels(await readGray(truthN), await readGray(predN), 0.5));
      if (f === 1) countRef.push(0), countSyn.push(0);
      countRef[countRef.length - 1] += nCells;
      countSyn[countSyn.length - 1] += predCentres.length;
    }
  }

  // nothing computed yet
  assert.equal(await dispatch(core, handlers, 'metrics.run', { runId }), null);
  await assert.rejects(dispatch(core, handlers, 'metrics.start', { runId: 999 }), /no run 999/);
  await assert.rejects(dispatch(core, handlers, 'metrics.start', { runId, iou: 1.5 }), /iou/);

  const job = (await dispatch(core, handlers, 'metrics.start', { runId })) as JobInfo;
  assert.equal(job.kind, 'metrics');
  const done = await core.jobs.wait(job.id);
  assert.equal(done.status, 'done', done.error ?? '');
  assert.equal(done.total, 10 + 10 + 10, 'progress counts pixel sites, segmentation sites, baseline sites');

  const m = (await dispatch(core, handlers, 'metrics.run', { runId })) as RunMetrics;
  assert.equal(m.model, 'fixture-model');
  assert.equal(m.provider, 'cpu');
  assert.match(m.scale, /0\.5th\/99\.5th percentiles/);
  assert.deepEqual(m.pixel.map((p) => p.channel), [...PAINT_CHANNELS]);
  for (const p of m.pixel) {
    const want = expected.get(p.channel)!.ssim;
    assert.equal(p.sites, 10);
    assert.ok(Math.abs(p.ssim.mean! - want.reduce((a, b) => a + b, 0) / want.length) < 1e-12, p.channel);
    assert.ok(p.ssim.min! <= p.ssim.median! && p.ssim.median! <= p.ssim.max!, JSON.stringify(p.ssim));
  }
  const nuc = m.segmentation.find((s) => s.objects === 'nuclei' && !s.baseline)!;
  const base = m.segmentation.find((s) => s.objects === 'nuclei' && s.baseline)!;
  assert.equal(base.method, 'classical on acquired images');
  assert.equal(base.sites, 10);
  assert.equal(base.tp, baseExpect.reduce((a, s) => a + s.tp, 0));
  assert.ok(Math.abs(base.mean_matched_score - baseExpect.reduce((a, s) => a + s.mean_matched_score * s.tp, 0) / base.tp) < 1e-12, 'pooled matched IoU');
  assert.equal(nuc.truth, 'truth');
  assert.equal(nuc.method, 'model');
  assert.equal(nuc.sites, 10);
  assert.equal(nuc.tp, segExpect.nuclei.reduce((a, s) => a + s.tp, 0));
  assert.equal(nuc.fn, segExpect.nuclei.reduce((a, s) => a + s.fn, 0));
  assert.ok(nuc.fn >= 5, 'each first site misses one nucleus');
  assert.ok(m.segmentation.some((s) => s.objects === 'cells'), 'cells matched too');
  assert.equal(m.cellCount!.wells, 5);
  assert.ok(Math.abs(m.cellCount!.r! - pearson(countRef, countSyn)) < 1e-12);
  const qc = m.qc.find((q) => q.value === 'cell count' && q.source === 'acquired')!;
  assert.deepEqual([qc.positive, qc.negative], [2, 2]);
  assert.ok(qc.zPrime !== null && qc.ssmd !== null && qc.ssmd > 0, JSON.stringify(qc));
  assert.equal(m.features, null);
  assert.ok(m.notes.some((n) => /features not computed yet for this run/.test(n)), m.notes.join('; '));
  assert.ok(m.wellKeys.some((k) => k.key === 'ssim' && k.channel === 'DNA'), JSON.stringify(m.wellKeys));

  const wv = (await dispatch(core, handlers, 'metrics.wellValues', { runId, key: 'ssim', channel: 'DNA' })) as WellValues;
  assert.equal(wv.values.length, 6);
  assert.equal(wv.values[4].well, 'A05');
  assert.equal(wv.values[4].value, null, 'a well without synthetic images has no value');
  assert.ok(wv.values.filter((v) => v.value !== null).every((v) => v.value! > -1 && v.value! <= 1), JSON.stringify(wv.values));
  const counts = (await dispatch(core, handlers, 'metrics.wellValues', { runId, key: 'cell_count_reference' })) as WellValues;
  assert.equal(counts.values[0].value, countRef[0]);

  // recomputing replaces, never duplicates
  const before = (db.prepare('SELECT count(*) AS n FROM metrics WHERE run_id = ?').get(runId) as { n: number }).n;
  await core.jobs.wait((await dispatch(core, handlers, 'metrics.start', { runId, ssimWindow: 'gaussian' }) as JobInfo).id);
  assert.equal((db.prepare('SELECT count(*) AS n FROM metrics WHERE run_id = ?').get(runId) as { n: number }).n, before);
  assert.equal(((await dispatch(core, handlers, 'metrics.run', { runId })) as RunMetrics).ssimWindow, 'gaussian');
  core.close();

  // CLI, in process: capture stdout
  const out: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const err: string[] = [];
  const ewrite = process.stderr.write.bind(process.stderr);
  const cli = async (args: string[]) => {
    out.length = 0;
    err.length = 0;
    (process.stdout as { write: unknown }).write = (s: string) => (out.push(String(s)), true);
    (process.stderr as { write: unknown }).write = (s: string) => (err.push(String(s)), true);
    try {
      return await main(args);
    } finally {
      (process.stdout as { write: unknown }).write = write;
      (process.stderr as { write: unknown }).write = ewrite;
    }
  };
  const a = join(ws, 'acq', 'w0f1-DNA.tiff');
  const b = join(ws, 'syn', 'w0f1-DNA.tiff');
  assert.equal(await cli(['metrics', 'image', '--ref', a, '--pred', b, '--json']), 0);
  const img = JSON.parse(out.join(''));
  const direct = pixelMetrics(to255(await readGray(a)), to255(await readGray(b)));
  assert.deepEqual([img.mse, img.psnr, img.ssim], [direct.mse, direct.psnr, direct.ssim]);
  assert.equal(await cli(['metrics', 'image', '--ref', a, '--pred', a, '--json']), 0);
  assert.deepEqual(JSON.parse(out.join('')).psnr, null, 'identical images: PSNR is infinite, null in JSON');

  const gt = join(ws, 'seg', 'truth-w0f1-nuclei.tiff');
  const pr = join(ws, 'seg', 'pred-w0f1-nuclei.tiff');
  assert.equal(await cli(['metrics', 'seg', '--gt', gt, '--pred', pr, '--iou', '0.3', '--json']), 0);
  assert.deepEqual(JSON.parse(out.join('')), matchLabels(await readGray(gt), await readGray(pr), 0.3));

  assert.equal(await cli(['metrics', 'run', '--run', String(runId), '--workspace', ws, '--json']), 0);
  const viaCli = JSON.parse(out.join('')) as RunMetrics;
  assert.equal(viaCli.runId, runId);
  assert.equal(viaCli.pixel.length, 5);

  // bad input: clear messages naming the problem
  assert.equal(await cli(['metrics', 'run', '--run', '77', '--workspace', ws]), 1);
  assert.match(err.join(''), /no run 77/);
  assert.equal(await cli(['metrics', 'seg', '--gt', gt, '--pred', join(ws, 'nope.tiff')]), 1);
  assert.match(err.join(''), /nope\.tiff/);
  const small = join(ws, 'small.tiff');
  await writeTiff(small, { width: 8, height: 8, bitDepth: 16, data: new Uint16Array(64) });
  assert.equal(await cli(['metrics', 'image', '--ref', a, '--pred', small]), 2);
  assert.match(err.join(''), /48×40 but .*small\.tiff is 8×8/);
  assert.equal(await cli(['metrics', 'bogus']), 2);
});
