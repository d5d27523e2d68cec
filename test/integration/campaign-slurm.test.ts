import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulatePlate } from '../../src/main/core/simulate';
import { importPlate } from '../../src/main/core/catalog/importPlate';
import { createCore } from '../../src/main/core/core';
import { main } from '../../src/main/cli';
import { shardStates } from '../../src/main/core/campaign/merge';
import { readSubmissions, slurmStatus } from '../../src/main/core/campaign/slurm';
import { catalogSnapshot } from './campaignSnapshot';

// A real one-node Slurm cluster (scripts/slurm-local.sh start, as root): skipped, in one line, without one.
const cluster = (() => {
  try {
    execFileSync('sbatch', ['--version'], { stdio: 'ignore' });
    return /idle|mixed|allocated/.test(execFileSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  } catch {
    return false;
  }
})();

const root = mkdtempSync(join(tmpdir(), 'stainless-slurm-'));
test.after(() => rmSync(root, { recursive: true, force: true }));
const MODEL = 'stainless-unet-direct';

async function until(what: string, ok: () => boolean, ms = 480_000): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** array tasks still in the queue (none once slurmctld has forgotten the job: squeue then exits non-zero) */
function queued(id: string): string[] {
  try {
    return execFileSync('squeue', ['-h', '-r', '-o', '%i', '-j', id], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

test(
  'a demo plate as 4 array tasks through real Slurm: one task killed part-way and re-submitted, merged by a dependent job, equals one process',
  { skip: cluster ? false : 'no Slurm here (sbatch/sinfo missing or daemons down; run scripts/slurm-local.sh start as root)', timeout: 900_000 },
  async () => {
    const sim = await simulatePlate({ out: join(root, 'plate'), format: 96, wells: ['A01', 'A02', 'B01', 'B02'], sites: 2, size: 160, seed: 11, barcode: 'SLURM', workers: 0 });
    const wsOf = async (name: string) => {
      const core = createCore({ workspace: join(root, name), transport: 'inprocess' });
      await importPlate(core.db, { dir: sim.out }).finally(() => core.close());
      return join(root, name);
    };
    const single = await wsOf('single');
    assert.equal(await main(['--workspace', single, 'infer', '--plate', 'SLURM', '--model', MODEL]), 0);
    assert.equal(await main(['--workspace', single, 'segment', '--plate', 'SLURM', '--workers', '0']), 0);

    const ws = await wsOf('sharded');
    const camp = join(root, 'campaign');
    const planFile = join(camp, 'plan.json');
    assert.equal(await main(['--workspace', ws, 'plan', '--plate', 'SLURM', '--model', MODEL, '--shards', '4', '--campaign', camp]), 0);

    // shard 2 holds after its first site (test hook) so it can be killed part-way
    process.env.STAINLESS_WORK_STALL_SHARD = '2';
    try {
      assert.equal(await main(['--workspace', ws, 'slurm', 'submit', '--plan', planFile, '--cpus-per-task', '1', '--mem', '1G']), 0);
    } finally {
      delete process.env.STAINLESS_WORK_STALL_SHARD;
    }
    const [first] = readSubmissions(camp);
    const script = readFileSync(first.script, 'utf8');
    assert.match(script, /#SBATCH --array=0,1,2,3\n#SBATCH --requeue\n/);
    assert.match(script, /#SBATCH --cpus-per-task=1\n#SBATCH --mem=1G\n# stainless \d+\.\d+\.\d+/);
    await until('shards 0, 1, 3 done and shard 2 part-way', () => {
      const s = shardStates(planFile);
      return [0, 1, 3].every((k) => s[k].done === s[k].sites) && s[2].done === 1;
    });
    assert.equal((await slurmStatus(planFile)).shards[2].state, 'running');
    execFileSync('scancel', [`${first.jobId}_2`]);
    await until('the killed task to leave the queue', () => queued(first.jobId).length === 0, 60_000);
    const st = await slurmStatus(planFile);
    assert.deepEqual(st.shards.map((s) => s.state), ['done', 'done', 'stopped', 'done']);
    assert.equal(st.shards[2].sitesDone, 1);

    // only the killed shard again, with the merge as a dependent job
    assert.equal(await main(['--workspace', ws, 'slurm', 'submit', '--plan', planFile, '--shards', '2', '--then-merge']), 0);
    const second = readSubmissions(camp)[1];
    assert.deepEqual(second.shards, [2]);
    assert.ok(second.mergeJobId);
    await until('the merge job to finish', () => queued(second.jobId).length === 0 && queued(second.mergeJobId!).length === 0);
    const logs = readdirSync(join(camp, 'slurm', 'logs'));
    for (const k of [0, 1, 2, 3]) assert.ok(logs.some((f) => f.startsWith(`shard-${k}.job-`)), `log of shard ${k}: ${logs.join(', ')}`);
    const mergeLog = join(camp, 'slurm', 'logs', `merge.job-${second.mergeJobId}.log`);
    assert.ok(existsSync(mergeLog));
    assert.match(readFileSync(mergeLog, 'utf8'), /merged campaign [0-9a-f]{12} into run 1/);
    assert.deepEqual((await slurmStatus(planFile)).shards.map((s) => s.state), ['done', 'done', 'done', 'done']);

    const a = await catalogSnapshot(single);
    const b = await catalogSnapshot(ws);
    assert.equal(b.runs.length, 1);
    assert.equal(b.runSites.length, 8, 'no duplicate rows from the re-submitted task');
    for (const k of Object.keys(a) as Array<keyof typeof a>) assert.deepEqual(b[k], a[k], k);
  },
);
