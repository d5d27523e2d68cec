import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { goSection, openSession, shot, tempWorkspace } from './helpers';
import { simulatePlate } from '../../src/main/core/simulate';
import { createCore } from '../../src/main/core/core';
import { importPlate } from '../../src/main/core/catalog/importPlate';
import { readPlan } from '../../src/main/core/campaign/plan';
import { main } from '../../src/main/cli';

const MODEL = 'stainless-unet-direct';

const hasSlurm = () => {
  try {
    return /idle|mixed|allocated/.test(execFileSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  } catch {
    return false;
  }
};

/** A workspace with a 4-well plate planned as 4 shards of 2 sites (the CLI, as a user would). */
async function plannedWorkspace(tag: string) {
  const ws = tempWorkspace(tag);
  const sim = await simulatePlate({ out: join(ws, 'plate'), format: 96, wells: ['B02', 'B03', 'C02', 'C03'], sites: 2, size: 128, seed: 9, barcode: 'E2E-CAMP', workers: 0 });
  const core = createCore({ workspace: ws, transport: 'inprocess' });
  await importPlate(core.db, { dir: sim.out }).finally(() => core.close());
  const camp = join(ws, 'campaign');
  assert.equal(await main(['--workspace', ws, 'plan', '--plate', 'E2E-CAMP', '--model', MODEL, '--shards', '4', '--campaign', camp]), 0);
  const planFile = join(camp, 'plan.json');
  return { ws, planFile, plan: readPlan(planFile) };
}

const shardState = (page: Page, k: number) => page.getAttribute(`[data-testid="campaign-shards"] tr[data-shard="${k}"]`, 'data-state');

async function waitForStates(page: Page, want: Record<number, string>, timeoutMs = 30_000): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    const got = Object.fromEntries(await Promise.all(Object.keys(want).map(async (k) => [k, await shardState(page, Number(k))] as const)));
    if (Object.entries(want).every(([k, v]) => got[k] === v)) return;
    if (Date.now() - t0 > timeoutMs) assert.fail(`shard states ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
    await page.waitForTimeout(250);
  }
}

test("the Jobs page shows a campaign's shards as jobs: done, failed with its reason, not submitted, then merged", { timeout: 600_000 }, async () => {
  const { ws, planFile, plan } = await plannedWorkspace('campaign');
  assert.equal(await main(['work', '--plan', planFile, '--shard', '0']), 0);
  // shard 1 fails: one of its inputs changed after the plan was made
  const victim = plan.sites.find((s) => s.shard === 1)!.inputs.BF.path;
  const original = readFileSync(victim);
  writeFileSync(victim, Buffer.concat([original, Buffer.from([0])]));
  assert.equal(await main(['work', '--plan', planFile, '--shard', '1']), 1);

  const s = await openSession(ws, { viewport: { width: 1400, height: 900 } });
  try {
    await goSection(s.page, 'jobs');
    await s.page.waitForSelector('[data-testid="campaign-shards"]');
    await waitForStates(s.page, { 0: 'done', 1: 'failed', 2: 'not submitted', 3: 'not submitted' });
    const card = s.page.locator(`[data-campaign="${plan.id}"]`);
    const text = await card.innerText();
    assert.match(text, /Plate E2E-CAMP · stainless-unet-direct 1\.0\.0/);
    assert.match(text, /infer \+ segment · 4 shards · 8 sites/);
    assert.match(text, /2 \/ 8 sites/);
    const failed = await s.page.locator('tr[data-shard="1"]').innerText();
    assert.match(failed, /0 \/ 2/);
    assert.ok(failed.includes(`${victim}: changed since the plan was made`), failed);
    await shot(s.page, 'campaign-shards');

    // the rest of the campaign runs elsewhere (another process); the page follows it by polling
    writeFileSync(victim, original);
    for (const k of [1, 2, 3]) assert.equal(await main(['work', '--plan', planFile, '--shard', String(k)]), 0);
    await waitForStates(s.page, { 0: 'done', 1: 'done', 2: 'done', 3: 'done' });
    assert.equal(await main(['--workspace', ws, 'merge', '--plan', planFile]), 0);
    await card.getByText(/merged into run \d+/).waitFor({ timeout: 30_000 });
    assert.match(await card.innerText(), /8 \/ 8 sites/);
    await shot(s.page, 'campaign-merged');
  } finally {
    await s.close();
    rmSync(ws, { recursive: true, force: true });
  }
});

test('with a Slurm cluster, shards show as running and queued from squeue', { timeout: 600_000, skip: hasSlurm() ? false : 'no Slurm cluster here (scripts/slurm-local.sh start)' }, async () => {
  const { ws, planFile } = await plannedWorkspace('campaign-slurm');
  assert.equal(await main(['work', '--plan', planFile, '--shard', '0']), 0);
  // shard 2 holds after its first site (the worker's test hook) on all the node's CPUs, so shard 3 waits
  const cpus = execFileSync('nproc', { encoding: 'utf8' }).trim();
  process.env.STAINLESS_WORK_STALL_SHARD = '2';
  try {
    assert.equal(await main(['--workspace', ws, 'slurm', 'submit', '--plan', planFile, '--shards', '2', '--cpus-per-task', cpus]), 0);
    assert.equal(await main(['--workspace', ws, 'slurm', 'submit', '--plan', planFile, '--shards', '3', '--cpus-per-task', cpus]), 0);
  } finally {
    delete process.env.STAINLESS_WORK_STALL_SHARD;
  }
  const s = await openSession(ws, { viewport: { width: 1400, height: 900 } });
  const jobs = JSON.parse(readFileSync(join(ws, 'campaign', 'slurm', 'submissions.json'), 'utf8')) as Array<{ jobId: string }>;
  try {
    await goSection(s.page, 'jobs');
    await s.page.waitForSelector('[data-testid="campaign-shards"]');
    await waitForStates(s.page, { 0: 'done', 1: 'not submitted', 2: 'running', 3: 'queued' }, 300_000);
    const running = await s.page.locator('tr[data-shard="2"]').innerText();
    assert.match(running, new RegExp(`${jobs[0].jobId}_2`));
    await shot(s.page, 'campaign-slurm');
    execFileSync('scancel', jobs.map((j) => j.jobId));
    await waitForStates(s.page, { 2: 'stopped', 3: 'stopped' }, 60_000);
  } finally {
    execFileSync('scancel', jobs.map((j) => j.jobId));
    await s.close();
    rmSync(ws, { recursive: true, force: true });
  }
});
