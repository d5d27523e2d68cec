import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appRoot } from '../paths';
import { APP_VERSION } from '../version';
import { campaignDir, readPlan, writeAtomic } from './plan';
import { shardStates } from './merge';
import type { CampaignStatus, ShardJobState, SlurmInfo, Submission } from '../../../shared/contract/campaign';

export interface SlurmOptions {
  partition?: string;
  cpusPerTask?: number;
  mem?: string;
  gres?: string;
  /** only these shards (a re-submission); default all */
  shards?: number[];
  /** the catalog to merge into, by a dependent job (afterok) */
  thenMerge?: string | null;
}


const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The exact Stainless that runs the tasks: version, and the commit when the install is a git checkout. */
export function stainlessBuild(): string {
  try {
    const head = execFileSync('git', ['-C', appRoot(), 'rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return `${APP_VERSION} (${head})`;
  } catch {
    return APP_VERSION;
  }
}

/** `node <install>/bin/stainless.mjs`: the same install on every node (shared storage, like the campaign). */
const stainlessCmd = () => `${q(process.execPath)} ${q(join(appRoot(), 'bin', 'stainless.mjs'))}`;

/** The array job: one task per shard, requeued on node failure, one log per task. */
export function arrayScript(planFile: string, o: SlurmOptions, shards: number[], jobName: string): string {
  const dir = campaignDir(planFile);
  const opt = (k: string, v: string | number | undefined) => (v === undefined ? [] : [`#SBATCH --${k}=${v}`]);
  return [
    '#!/bin/sh',
    `#SBATCH --job-name=${jobName}`,
    `#SBATCH --array=${shards.join(',')}`,
    '#SBATCH --requeue',
    `#SBATCH --output=${join(dir, 'slurm', 'logs', 'shard-%a.job-%A.log')}`,
    ...opt('partition', o.partition),
    ...opt('cpus-per-task', o.cpusPerTask),
    ...opt('mem', o.mem),
    ...opt('gres', o.gres),
    `# stainless ${stainlessBuild()}`,
    'set -eu',
    `exec ${stainlessCmd()} work --plan ${q(join(dir, 'plan.json'))} --shard "$SLURM_ARRAY_TASK_ID"`,
    '',
  ].join('\n');
}

export function mergeScript(planFile: string, workspace: string, jobName: string): string {
  const dir = campaignDir(planFile);
  return [
    '#!/bin/sh',
    `#SBATCH --job-name=${jobName}-merge`,
    `#SBATCH --output=${join(dir, 'slurm', 'logs', 'merge.job-%j.log')}`,
    `# stainless ${stainlessBuild()}`,
    'set -eu',
    `exec ${stainlessCmd()} --workspace ${q(workspace)} merge --plan ${q(join(dir, 'plan.json'))}`,
    '',
  ].join('\n');
}

const submissionsFile = (dir: string) => join(dir, 'slurm', 'submissions.json');
export const readSubmissions = (dir: string): Submission[] => (existsSync(submissionsFile(dir)) ? (JSON.parse(readFileSync(submissionsFile(dir), 'utf8')) as Submission[]) : []);

function sbatch(args: string[]): string {
  try {
    return execFileSync('sbatch', ['--parsable', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().split(';')[0];
  } catch (e) {
    const err = e as { code?: string; stderr?: string; message: string };
    throw new Error(err.code === 'ENOENT' ? 'sbatch not found: Slurm is not installed here (or not on PATH)' : `sbatch: ${(err.stderr ?? err.message).trim()}`);
  }
}

/**
 * Writes and submits the array job (and, with thenMerge, the merge as a job that waits for it
 * with afterok, and for earlier submissions of the campaign with afterany: the merge itself
 * refuses an incomplete campaign). Submissions are recorded in DIR/slurm/submissions.json.
 */
export function slurmSubmit(planFile: string, o: SlurmOptions): Submission {
  const plan = readPlan(planFile);
  const dir = campaignDir(planFile);
  const shards = o.shards ?? Array.from({ length: plan.shards }, (_, k) => k);
  for (const k of shards) if (!Number.isInteger(k) || k < 0 || k >= plan.shards) throw new Error(`--shards: ${k} is not a shard of ${planFile} (0–${plan.shards - 1})`);
  mkdirSync(join(dir, 'slurm', 'logs'), { recursive: true });
  const name = `stainless-${plan.id.slice(0, 8)}`;
  const n = readSubmissions(dir).length;
  const script = join(dir, 'slurm', `work-${n}.sbatch`);
  writeAtomic(script, arrayScript(planFile, o, shards, name));
  const jobId = sbatch([script]);
  let mergeJobId: string | null = null;
  if (o.thenMerge) {
    const ms = join(dir, 'slurm', `merge-${n}.sbatch`);
    writeAtomic(ms, mergeScript(planFile, o.thenMerge, name));
    const earlier = readSubmissions(dir).map((s) => s.jobId);
    mergeJobId = sbatch([`--dependency=${[`afterok:${jobId}`, ...earlier.map((j) => `afterany:${j}`)].join(',')}`, ...(o.partition ? [`--partition=${o.partition}`] : []), ms]);
  }
  const sub: Submission = { jobId, shards, mergeJobId, script, submittedAt: new Date().toISOString() };
  writeAtomic(submissionsFile(dir), JSON.stringify([...readSubmissions(dir), sub], null, 2) + '\n');
  return sub;
}

export type SlurmStatus = Pick<CampaignStatus, 'shards' | 'merge'>;

const execFileAsync = promisify(execFile);

/**
 * `squeue` (and `sacct` where accounting is on) for the campaign's jobs, beside the workers' own markers.
 * Asynchronous, with a time limit: the UI polls this, and a slow controller must not stall the main process.
 */
async function schedulerStates(jobIds: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!jobIds.length) return out;
  const run = async (cmd: string, args: string[]) => {
    try {
      return (await execFileAsync(cmd, args, { encoding: 'utf8', timeout: 15_000 })).stdout;
    } catch {
      return ''; // not installed, accounting disabled, timed out, or the jobs aged out: the markers still tell done/failed
    }
  };
  const ids = jobIds.join(',');
  const [acct, queue] = await Promise.all([run('sacct', ['-n', '-P', '-X', '-o', 'JobID,State', '-j', ids]), run('squeue', ['-h', '-r', '-o', '%i|%T', '-j', ids])]);
  // squeue after sacct: it is the live word for jobs still queued or running
  for (const line of [...acct.split('\n'), ...queue.split('\n')]) {
    const [id, st] = line.split('|');
    if (id && st) out.set(id, st.split(' ')[0]);
  }
  return out;
}

export async function slurmStatus(planFile: string): Promise<SlurmStatus> {
  const plan = readPlan(planFile);
  const dir = campaignDir(planFile);
  const subs = readSubmissions(dir);
  const states = await schedulerStates([...subs.map((s) => s.jobId), ...subs.flatMap((s) => (s.mergeJobId ? [s.mergeJobId] : []))]);
  const shards = shardStates(planFile, plan).map((s) => {
    const sub = [...subs].reverse().find((x) => x.shards.includes(s.shard)) ?? null;
    const task = sub ? `${sub.jobId}_${s.shard}` : null;
    const st = task ? (states.get(task) ?? null) : null;
    let state: ShardJobState;
    if (s.done === s.sites) state = 'done';
    else if (st === 'PENDING' || st === 'REQUEUED' || st === 'CONFIGURING') state = 'queued';
    else if (st === 'RUNNING' || st === 'COMPLETING') state = 'running';
    else if (s.failed || st === 'FAILED' || st === 'NODE_FAIL' || st === 'OUT_OF_MEMORY' || st === 'TIMEOUT') state = 'failed';
    else state = sub ? 'stopped' : 'not submitted';
    return { shard: s.shard, state, jobId: task, sitesDone: s.done, sites: s.sites, detail: s.failed ?? st };
  });
  const last = [...subs].reverse().find((s) => s.mergeJobId);
  return { shards, merge: last ? { jobId: last.mergeJobId!, state: states.get(last.mergeJobId!) ?? 'finished' } : null };
}

/**
 * Whether a submission can work here: sbatch on PATH, and a controller that answers sinfo. The UI
 * asks before offering "Submit", so a machine without Slurm says so instead of failing later.
 */
export async function slurmInfo(): Promise<SlurmInfo> {
  const run = async (cmd: string, args: string[]) => (await execFileAsync(cmd, args, { encoding: 'utf8', timeout: 15_000 })).stdout.trim();
  let version: string;
  try {
    version = await run('sbatch', ['--version']);
  } catch (e) {
    const err = e as { code?: string; message: string };
    return { available: false, detail: err.code === 'ENOENT' ? 'Slurm is not installed on this machine (no sbatch on PATH)' : `sbatch --version failed: ${err.message.split('\n')[0]}` };
  }
  try {
    const nodes = (await run('sinfo', ['-h', '-o', '%T'])).split('\n').filter(Boolean);
    return { available: true, detail: `${version}, ${nodes.length} node${nodes.length === 1 ? '' : 's'}: ${[...new Set(nodes)].join(', ') || 'none'}` };
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    return { available: false, detail: `${version} is installed but the Slurm controller does not answer: ${(err.stderr || err.message).trim().split('\n')[0]}` };
  }
}
