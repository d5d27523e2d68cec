import type { Command } from './types';
import { UsageError } from './types';
import { resolve } from 'node:path';
import { runShard } from '../core/campaign/work';
import type { CampaignStatus } from '../../shared/contract/campaign';

const int = (v: unknown, flag: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new UsageError(`--${flag}: "${v}" is not an integer`);
  return n;
};

export const planCommand: Command = {
  name: 'plan',
  summary: 'Cut a plate into shards for a cluster: DIR/plan.json (model + sha256, parameters, seeds, input hashes) and one LoadData CSV per shard',
  usage:
    'stainless plan --plate B --model NAME[@VERSION] --shards N --campaign DIR [--steps infer,segment] [--seed N] [--sampler-steps N] [--provider auto|cpu|cuda]\n' +
    "               [--illum auto|on|off --illum-from DIR (JUMP's <plate>_Illum<Ch>.npy: the shards divide the synthetic images by them, as segment --illum-from does)] [--json]",
  options: {
    plate: { type: 'string' },
    model: { type: 'string' },
    steps: { type: 'string' },
    shards: { type: 'string' },
    campaign: { type: 'string' },
    seed: { type: 'string' },
    'sampler-steps': { type: 'string' },
    provider: { type: 'string' },
    illum: { type: 'string' },
    'illum-from': { type: 'string' },
  },
  async run({ values }, ctx) {
    if (!values.plate || !values.model || !values.shards || !values.campaign) throw new UsageError('plan: --plate, --model, --shards and --campaign are required');
    const steps = ((values.steps as string | undefined) ?? 'infer,segment').split(',').map((s) => s.trim());
    const num = (k: string) => (values[k] === undefined ? undefined : Number(values[k]));
    await ctx.coreWithModels(); // the bundled models, as the app registers them on start
    const p = await ctx.call('campaign.plan', {
      plate: values.plate as string,
      model: values.model as string,
      steps: steps as Array<'infer'>,
      shards: num('shards')!,
      campaign: resolve(values.campaign as string),
      seed: num('seed'),
      samplerSteps: num('sampler-steps'),
      provider: values.provider as 'auto' | undefined,
      illumination: values.illum as 'auto' | undefined,
      illumFrom: values['illum-from'] === undefined ? undefined : resolve(values['illum-from'] as string),
    }, { samplerSteps: 'sampler-steps', illumination: 'illum', illumFrom: 'illum-from' });
    ctx.say(`plan ${p.id.slice(0, 12)}: plate ${p.plate}, ${p.sites} sites in ${p.shards} shards → ${p.planFile}`);
    return p;
  },
};

/**
 * CLI-only, no request: a worker runs on a cluster node with no catalog at all (the plan and its
 * shard CSV are its whole input, its site folders its whole output), so there is no workspace to
 * dispatch against; the UI and web host never run shards, they read their state (campaign.status).
 */
export const workCommand: Command = {
  name: 'work',
  summary: 'Run one shard of a campaign (no catalog; re-running skips finished sites and redoes partial ones)',
  usage:
    'stainless work --plan DIR/plan.json --shard K (default $SLURM_ARRAY_TASK_ID, $AWS_BATCH_JOB_ARRAY_INDEX or $JOB_COMPLETION_INDEX)\n' +
    '               [--workers N (segmentation threads; default $SLURM_CPUS_PER_TASK when above 1, else in-process)] [--json]',
  options: { plan: { type: 'string' }, shard: { type: 'string' }, workers: { type: 'string' } },
  async run({ values }, ctx) {
    if (!values.plan) throw new UsageError('work: --plan is required');
    // the schedulers' own array index, so one command line serves every task
    const env = process.env.SLURM_ARRAY_TASK_ID ?? process.env.AWS_BATCH_JOB_ARRAY_INDEX ?? process.env.JOB_COMPLETION_INDEX;
    const k = int(values.shard ?? env, 'shard');
    if (k === undefined) throw new UsageError('work: --shard is required (or an array index in the environment)');
    const cpus = Number(process.env.SLURM_CPUS_PER_TASK ?? 1);
    const workers = int(values.workers, 'workers') ?? (cpus > 1 ? cpus : 0);
    if (workers < 0) throw new UsageError(`--workers: ${workers} is negative`);
    const s = await runShard(values.plan as string, k, ctx.note, workers);
    ctx.say(`shard ${s.shard}: ${s.computed} sites computed, ${s.skipped} already done, ${s.seconds.toFixed(1)} s`);
    return s;
  },
};

const shardLines = (s: CampaignStatus, say: (l: string) => void) => {
  for (const x of s.shards) say(`shard ${x.shard}: ${x.state}${x.jobId ? ` (job ${x.jobId})` : ''}, ${x.sitesDone}/${x.sites} sites${x.detail && x.state !== 'done' ? ` — ${x.detail}` : ''}`);
  if (s.merge) say(`merge: job ${s.merge.jobId} ${s.merge.state}`);
  if (s.mergedRunId) say(`merged into run ${s.mergedRunId}`);
};

export const mergeCommand: Command = {
  name: 'merge',
  summary: "Fold a finished campaign's shards into the catalog in one transaction (once), or another workstation's catalog (--catalog)",
  usage: "stainless merge --plan DIR/plan.json [--check (only list each shard's state)] [--json]\nstainless merge --catalog OTHER/catalog.sqlite [--json]",
  options: { plan: { type: 'string' }, check: { type: 'boolean' }, catalog: { type: 'string' } },
  async run({ values }, ctx) {
    if (!values.plan === !values.catalog) throw new UsageError('merge: give --plan or --catalog, one of them');
    if (values.catalog) {
      const r = await ctx.call('campaign.mergeCatalog', { catalog: resolve(values.catalog as string) });
      const counts = Object.entries(r.rows).map(([t, n]) => `${n} ${t}`).join(', ');
      ctx.say(`merged plate${r.plates.length > 1 ? 's' : ''} ${r.plates.join(', ')} from ${r.from}: ${counts} (${r.modelsReused} models and ${r.compoundsReused} compounds already here)`);
      if (r.missingFiles.count) ctx.note(`warning: ${r.missingFiles.count} files the merged rows name are not on this machine, e.g. ${r.missingFiles.examples[0]}`);
      return r;
    }
    const plan = resolve(values.plan as string);
    if (values.check) {
      const s = await ctx.call('campaign.status', { plan });
      shardLines(s, ctx.say);
      return s;
    }
    await ctx.coreWithModels();
    const r = await ctx.call('campaign.merge', { plan });
    ctx.say(`merged campaign ${r.planId.slice(0, 12)} into run ${r.runId}: plate ${r.plate}, ${r.sites} sites, ${r.cells} cells${r.setId ? `, feature set ${r.setId}` : ''}`);
    return r;
  },
};

export const slurmCommand: Command = {
  name: 'slurm',
  summary: "Run a campaign on Slurm: `submit` one array task per shard (optionally the merge after it), `status` of each shard",
  usage:
    'stainless slurm submit --plan DIR/plan.json [--partition P] [--cpus-per-task N] [--mem 8G] [--gres gpu:1] [--shards 0,3 (re-submit some)] [--then-merge] [--workspace W] [--json]\n' +
    'stainless slurm status --plan DIR/plan.json [--json]',
  options: { plan: { type: 'string' }, partition: { type: 'string' }, 'cpus-per-task': { type: 'string' }, mem: { type: 'string' }, gres: { type: 'string' }, shards: { type: 'string' }, 'then-merge': { type: 'boolean' } },
  async run({ values, positionals }, ctx) {
    const sub = positionals[0];
    if (sub !== 'submit' && sub !== 'status') throw new UsageError('slurm: say `submit` or `status`');
    if (!values.plan) throw new UsageError(`slurm ${sub}: --plan is required`);
    const plan = resolve(values.plan as string);
    if (sub === 'status') {
      const s = await ctx.call('campaign.status', { plan });
      shardLines(s, ctx.say);
      return s;
    }
    const num = (k: string) => (values[k] === undefined ? undefined : Number(values[k]));
    const r = await ctx.call('slurm.submit', {
      plan,
      partition: values.partition as string | undefined,
      cpusPerTask: num('cpus-per-task'),
      mem: values.mem as string | undefined,
      gres: values.gres as string | undefined,
      shards: typeof values.shards === 'string' ? values.shards.split(',').map((k) => Number(k.trim())) : undefined,
      // the merge job writes to this workspace's catalog (it must be on storage the node sees)
      thenMerge: values['then-merge'] === true,
    });
    ctx.say(`submitted array job ${r.jobId} (shards ${r.shards.join(',')})${r.mergeJobId ? `, merge job ${r.mergeJobId} after it` : ''}; script ${r.script}`);
    return r;
  },
};
