import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { goSection, openSession, shot, tempWorkspace, type Session } from './helpers';
import { simulatePlate } from '../../src/main/core/simulate';
import { createCore } from '../../src/main/core/core';
import { importPlate } from '../../src/main/core/catalog/importPlate';
import { registerBundledModels } from '../../src/main/core/inference';
import { readPlan } from '../../src/main/core/campaign/plan';
import { main } from '../../src/main/cli';

// The Jobs page's "Submit campaign" and "Merge" in Chromium, through the requests the CLI uses
// (campaign.plan, slurm.info, slurm.submit, campaign.merge), on a real catalog and real shards.

const hasSlurm = () => {
  try {
    return /idle|mixed|allocated/.test(execFileSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  } catch {
    return false;
  }
};

/** A workspace with a 4-well, 2-site plate and the bundled models, open in Chromium. */
async function workspace(tag: string): Promise<{ ws: string; s: Session; folder: string }> {
  const ws = tempWorkspace(tag);
  const sim = await simulatePlate({ out: join(ws, 'plate'), format: 96, wells: ['B02', 'B03', 'C02', 'C03'], sites: 2, size: 128, seed: 9, barcode: 'E2E-CAMP', workers: 0 });
  const core = createCore({ workspace: ws, transport: 'http' });
  await importPlate(core.db, { dir: sim.out });
  await registerBundledModels(core);
  const folder = join(ws, 'campaign');
  mkdirSync(folder);
  const s = await openSession(ws, { core, viewport: { width: 1400, height: 900 } });
  const close = s.close;
  s.close = async () => {
    await close();
    core.close();
  };
  return { ws, s, folder };
}

/** Opens the form, fills plate settings, plans; returns the plan check's text. */
async function plan(page: Page, folder: string, shards: string): Promise<void> {
  await page.getByTestId('campaign-shards-input').fill(shards);
  await page.getByTestId('campaign-folder').fill(folder);
  await page.getByTestId('campaign-plan').click();
}

const card = (page: Page, id: string) => page.locator(`[data-campaign="${id}"]`);

async function allDone(page: Page, id: string, timeoutMs: number) {
  await card(page, id).locator('tr[data-shard]').first().waitFor();
  const t0 = Date.now();
  for (;;) {
    const states = await card(page, id).locator('tr[data-shard]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-state')));
    if (states.length && states.every((x) => x === 'done')) return;
    if (Date.now() - t0 > timeoutMs) assert.fail(`shard states ${JSON.stringify(states)}`);
    await page.waitForTimeout(500);
  }
}

test('Submit campaign: the plan and its domain check first; without Slurm the form says so; shards run elsewhere, then Merge folds them in', { timeout: 600_000 }, async () => {
  const { ws, s, folder } = await workspace('campaign-ui');
  const { page } = s;
  const path = process.env.PATH;
  try {
    await goSection(page, 'jobs');
    assert.match((await page.getByTestId('campaigns').textContent()) ?? '', /None yet/);
    // no Slurm on this machine: nothing named sbatch on PATH while the form asks (slurm.info)
    process.env.PATH = join(ws, 'no-bin');
    await page.getByTestId('campaign-open').click();
    // a refusal is one line: more shards than the plate has sites
    await plan(page, folder, '99');
    const err = page.getByTestId('campaign-form-error');
    await err.waitFor();
    assert.equal(await err.textContent(), '--shards 99: plate E2E-CAMP has only 8 sites');

    await plan(page, folder, '4');
    const check = page.getByTestId('campaign-plan-check');
    await check.waitFor({ timeout: 120_000 });
    const planFile = join(folder, 'plan.json');
    const written = readPlan(planFile);
    const text = (await check.textContent()) ?? '';
    assert.ok(text.startsWith(`Plan ${written.id.slice(0, 12)}: plate E2E-CAMP, 8 sites in 4 shards`), text);
    // the check shown is the plan's own (the verdict the merged run records)
    assert.equal(await check.getAttribute('data-verdict'), written.domain.verdict);
    for (const r of written.domain.reasons.slice(0, 6)) assert.ok(text.includes(`${r.severity}: ${r.text}`), r.text);
    const absent = page.getByTestId('campaign-no-slurm');
    await absent.waitFor();
    assert.match((await absent.textContent()) ?? '', /Slurm is not available here.*Slurm is not installed on this machine \(no sbatch on PATH\)/);
    assert.ok(((await absent.textContent()) ?? '').includes(`stainless work --plan ${planFile} --shard K`));
    // nothing to submit to: the Slurm options and the Submit button are not offered
    assert.equal(await page.getByTestId('campaign-submit').count(), 0);
    await absent.scrollIntoViewIfNeeded();
    await shot(page, 'campaign-submit-no-slurm');
    process.env.PATH = path;
    await page.keyboard.press('Escape');

    // the planned campaign is listed; its shards run with `stainless work`, as the form says
    const c = card(page, written.id);
    await c.waitFor();
    assert.equal(await c.getByTestId('campaign-merge').count(), 0);
    for (const k of [0, 1, 2, 3]) assert.equal(await main(['work', '--plan', planFile, '--shard', String(k)]), 0);
    await allDone(page, written.id, 60_000);
    await c.getByTestId('campaign-merge').click();
    await c.getByText(/merged into run \d+/).waitFor({ timeout: 120_000 });
    const runId = Number(/merged into run (\d+)/.exec(await c.innerText())![1]);
    const core = createCore({ workspace: ws, transport: 'inprocess' });
    try {
      const run = core.db.prepare(`SELECT id, domain FROM runs WHERE id = ?`).get(runId) as { id: number; domain: string };
      assert.equal(JSON.parse(run.domain).verdict, written.domain.verdict);
      const sites = core.db.prepare(`SELECT count(*) AS n FROM images WHERE run_id = ? AND channel = 'DNA'`).get(runId) as { n: number };
      assert.equal(sites.n, 8);
    } finally {
      core.close();
    }
    assert.equal(await c.getByTestId('campaign-merge').count(), 0);
    await shot(page, 'campaign-merged-from-button');
  } finally {
    process.env.PATH = path;
    await s.close();
    rmSync(ws, { recursive: true, force: true });
  }
});

test('with a Slurm cluster, Submit sends the array job and Merge folds the finished shards', { timeout: 600_000, skip: hasSlurm() ? false : 'no Slurm cluster here (scripts/slurm-local.sh start)' }, async () => {
  const { ws, s, folder } = await workspace('campaign-ui-slurm');
  const { page } = s;
  try {
    await goSection(page, 'jobs');
    await page.getByTestId('campaign-open').click();
    await plan(page, folder, '2');
    await page.getByTestId('campaign-plan-check').waitFor({ timeout: 120_000 });
    const info = page.getByTestId('campaign-slurm-info');
    await info.waitFor();
    assert.match((await info.textContent()) ?? '', /^slurm[\w-]* [\d.]+, \d+ nodes?: /);
    await page.getByTestId('campaign-cpus').fill(execFileSync('nproc', { encoding: 'utf8' }).trim());
    await page.getByTestId('campaign-submit').click();
    const done = page.getByTestId('campaign-submitted');
    await done.waitFor({ timeout: 60_000 });
    const subs = JSON.parse(readFileSync(join(folder, 'slurm', 'submissions.json'), 'utf8')) as Array<{ jobId: string; shards: number[] }>;
    assert.equal(subs.length, 1);
    assert.deepEqual(subs[0].shards, [0, 1]);
    assert.match((await done.textContent()) ?? '', new RegExp(`Submitted array job ${subs[0].jobId} \\(shards 0, 1\\)`));
    await done.scrollIntoViewIfNeeded();
    await shot(page, 'campaign-submitted');
    await page.keyboard.press('Escape');
    const id = readPlan(join(folder, 'plan.json')).id;
    await allDone(page, id, 500_000);
    assert.match(await card(page, id).innerText(), new RegExp(`${subs[0].jobId}_1`));
    await card(page, id).getByTestId('campaign-merge').click();
    await card(page, id).getByText(/merged into run \d+/).waitFor({ timeout: 120_000 });
    await shot(page, 'campaign-slurm-merged');
  } finally {
    await s.close();
    rmSync(ws, { recursive: true, force: true });
  }
});
