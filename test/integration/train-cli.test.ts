import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli';
import { createCore } from '../../src/main/core/core';
import { dispatch, handlers } from '../../src/main/core/api';
import { readGray } from '../../src/main/core/io/tiff';
import type { JobInfo } from '../../src/shared/contract/jobs';
import type { ModelDetail } from '../../src/shared/contract/inference';
import type { TrainSummary } from '../../src/shared/contract/training';

/**
 * The train job for real: a simulated plate → `stainless train --preset fast` (Debian's PyTorch,
 * real ONNX export) → the model registered with its held-out scores and provenance → `infer`
 * with it. Also: without torch the job fails with one line saying what to install, and a cancel
 * kills the Python's process group.
 */
const root = mkdtempSync(join(tmpdir(), 'stainless-train-'));
const ws = join(root, 'ws');
const plate = join(root, 'plate');
test.after(() => rmSync(root, { recursive: true, force: true }));

const cli = (...args: string[]) => runCli([...args, '--workspace', ws]);

/** Processes whose command line names a path (the training script's job folder). */
function processesNaming(path: string): number[] {
  const pids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(path)) pids.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return pids;
}

test.before(async () => {
  const r = await cli('demo', '--out', plate, '--format', '96', '--sites', '1', '--size', '128', '--seed', '5', '--wells', 'A01,A02,A03,A04', '--workers', '1');
  assert.equal(r.code, 0, r.err);
  assert.equal((await cli('import', plate, '--cell-line', 'A549')).code, 0);
});

test('without a Python that has torch the job fails with one line saying what to install', { timeout: 120_000 }, async () => {
  // a real Python that cannot see Debian's packages (-S: no site-packages)
  const fake = join(root, 'python-without-torch');
  writeFileSync(fake, '#!/bin/sh\nexec /usr/bin/python3 -I -S "$@"\n');
  chmodSync(fake, 0o755);
  process.env.STAINLESS_PYTHON = fake;
  try {
    const r = await cli('train', '--plate', 'SIM-A549-96-5', '--preset', 'fast');
    assert.equal(r.code, 1);
    const msg = r.err.trim().split('\n').pop()!;
    assert.match(msg, /no Python with torch/);
    assert.match(msg, /python-without-torch: no module numpy/, 'names the Python tried and what it lacked');
    assert.match(msg, /apt-get install python3-torch python3-tifffile/);
  } finally {
    delete process.env.STAINLESS_PYTHON;
  }
});

test('stainless train --preset fast trains, scores held-out well A04 with the baseline, registers the model, and infer uses it', { timeout: 1_500_000 }, async () => {
  // 12 epochs of the fast network (36 steps): minutes on a loaded 2-core machine
  const r = await cli('train', '--plate', 'SIM-A549-96-5', '--preset', 'fast', '--epochs', '12', '--holdout-wells', 'A04', '--json');
  assert.equal(r.code, 0, r.err);
  const s = JSON.parse(r.out) as TrainSummary;
  assert.equal(s.trainSites, 3);
  assert.equal(s.heldOut.sites, 1);
  assert.equal(s.heldOut.split, 'held out wells A04');
  assert.equal(s.steps, 36);
  assert.match(r.err, /train: \d+\/37 steps.*ETA/, 'progress with an ETA on stderr');
  for (const c of ['DNA', 'ER', 'RNA', 'AGP', 'Mito']) {
    const f = s.heldOut.channels[c];
    assert.ok(f.ssim > -1 && f.ssim <= 1 && f.baselineSsim! > -1 && f.baselineSsim! <= 1, `${c}: SSIM and baseline SSIM`);
    assert.ok(Number.isFinite(f.r) && Number.isFinite(f.skillSsim!) && Number.isFinite(f.skillMse!), `${c}: r and skills`);
    assert.equal(f.skillSsim!.toFixed(9), ((f.ssim - f.baselineSsim!) / (1 - f.baselineSsim!)).toFixed(9));
  }

  const core = createCore({ workspace: ws, transport: 'inprocess' });
  try {
    const d = (await dispatch(core, handlers, 'models.get', { name: `${s.model.name}@${s.model.version}` })) as ModelDetail;
    const m = d.manifest;
    assert.deepEqual(m.inputs, ['BFLow', 'BF', 'BFHigh']);
    assert.deepEqual(m.outputs, ['DNA', 'ER', 'RNA', 'AGP', 'Mito', 'NucleiBoundary', 'CellBoundary']);
    // measured on the training sites as infer measures plates: the domain check has a reference
    assert.equal(m.trainingConditions?.sites, 3);
    assert.deepEqual(m.trainingConditions?.cellLines, ['A549']);
    assert.ok(m.trainingConditions!.stats.BF.focus.hi >= m.trainingConditions!.stats.BF.focus.lo);
    const prov = m.provenance as { data: { plate: string; heldOutWells: string[]; trainWells: string[] }; seed: number; steps: number; epochs: number; app: { version: string } };
    assert.equal(prov.data.plate, 'SIM-A549-96-5');
    assert.deepEqual(prov.data.heldOutWells, ['A04']);
    assert.deepEqual(prov.data.trainWells, ['A01', 'A02', 'A03']);
    assert.equal(prov.seed, 0);
    assert.equal(prov.steps, 36);
    assert.ok(prov.app.version.length > 0);
    const app = (m.heldOutMetrics as { app: { plates: Array<{ honest: Record<string, { skillSsim: number }> }> } }).app;
    assert.equal(app.plates[0].honest.DNA.skillSsim, s.heldOut.channels.DNA.skillSsim, 'the manifest keeps the held-out figures');
  } finally {
    core.close();
  }

  const inf = await cli('infer', '--plate', 'SIM-A549-96-5', '--model', `${s.model.name}@${s.model.version}`, '--json');
  assert.equal(inf.code, 0, inf.err);
  const run = JSON.parse(inf.out) as { runId: number; sitesComputed: number; outputDir: string };
  assert.equal(run.sitesComputed, 4);
  const files = readdirSync(join(run.outputDir, 'A04'));
  const dna = await readGray(join(run.outputDir, 'A04', files.find((f) => f.endsWith('_DNA.tiff'))!));
  assert.equal(dna.width, 128);
  assert.equal(dna.height, 128);
});

test('cancelling a train job kills the training process group', { timeout: 600_000 }, async () => {
  const core = createCore({ workspace: ws, transport: 'inprocess' });
  try {
    const job = (await dispatch(core, handlers, 'train.start', { plate: 'SIM-A549-96-5', preset: 'fast', holdoutWells: ['A04'] })) as JobInfo;
    const jobDir = join(ws, 'training', `job-${job.id}`);
    await new Promise<void>((res) => {
      const off = core.events.on((e) => {
        if (e.type === 'job' && e.job.id === job.id && /^step /.test(e.job.message ?? '')) {
          off();
          res();
        }
      });
    });
    assert.ok(processesNaming(jobDir).length > 0, 'train.py is running');
    core.jobs.cancel(job.id);
    const done = await core.jobs.wait(job.id);
    assert.equal(done.status, 'cancelled');
    assert.deepEqual(processesNaming(jobDir), [], 'no process of the job is left');
    assert.ok(existsSync(join(jobDir, 'pairs', 'Images')), 'the exported pairs stay for a resume');
  } finally {
    core.close();
  }
});

test('after a cancel, the same train request resumes that job from the checkpoint the cancel saved', { timeout: 600_000 }, async () => {
  const core = createCore({ workspace: ws, transport: 'inprocess' });
  const params = { plate: 'SIM-A549-96-5', preset: 'fast', holdoutWells: ['A04'], seed: 11 };
  const stepOf = (j: JobInfo) => Number(/^step (\d+)\//.exec(j.message ?? '')?.[1] ?? NaN);
  /** resolves with the first training step the job reports at or past `min` */
  const reached = (id: number, min: number) =>
    new Promise<number>((res) => {
      const off = core.events.on((e) => {
        if (e.type === 'job' && e.job.id === id && stepOf(e.job) >= min) {
          off();
          res(stepOf(e.job));
        }
      });
    });
  try {
    const job = (await dispatch(core, handlers, 'train.start', params)) as JobInfo;
    const stoppedAt = await reached(job.id, 3);
    core.jobs.cancel(job.id);
    assert.equal((await core.jobs.wait(job.id)).status, 'cancelled');
    const ckpt = join(ws, 'training', `job-${job.id}`, 'checkpoint', 'checkpoint.pt');
    assert.ok(existsSync(ckpt), 'the cancel saved a checkpoint');
    // the same request again: the same job, its first step after the saved one (not step 1)
    const again = (await dispatch(core, handlers, 'train.start', params)) as JobInfo;
    assert.equal(again.id, job.id, 'resumed, not a new job');
    const first = await reached(job.id, 1);
    assert.ok(first > stoppedAt, `resumed at step ${first}, after the ${stoppedAt} steps done before the cancel`);
    core.jobs.cancel(job.id);
    assert.equal((await core.jobs.wait(job.id)).status, 'cancelled');
    // other parameters are another job
    const other = (await dispatch(core, handlers, 'train.start', { ...params, seed: 12 })) as JobInfo;
    assert.notEqual(other.id, job.id);
    core.jobs.cancel(other.id);
    await core.jobs.wait(other.id);
  } finally {
    core.close();
  }
});

test('the stains a lab has to the ones it lacks: --inputs DNA,AGP --outputs ER,RNA,Mito trains, and infer runs it on the plate', { timeout: 1_200_000 }, async () => {
  const r = await cli('train', '--plate', 'SIM-A549-96-5', '--preset', 'fast', '--epochs', '4', '--holdout-wells', 'A04', '--inputs', 'DNA,AGP', '--outputs', 'ER,RNA,Mito', '--name', 'stains-to-stains', '--json');
  assert.equal(r.code, 0, r.err);
  const s = JSON.parse(r.out) as TrainSummary;
  assert.deepEqual(Object.keys(s.heldOut.channels), ['ER', 'RNA', 'Mito']);
  const inf = await cli('infer', '--plate', 'SIM-A549-96-5', '--model', `stains-to-stains@${s.model.version}`, '--json');
  assert.equal(inf.code, 0, inf.err);
  const run = JSON.parse(inf.out) as { outputDir: string; imagesWritten: number };
  assert.equal(run.imagesWritten, 4 * 3, 'three synthetic stains per site');
  assert.ok(readdirSync(join(run.outputDir, 'A01')).some((f) => f.endsWith('_Mito.tiff')));
});
