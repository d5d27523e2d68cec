// End-to-end wall time of a plate (infer + segment + measure + export) in one process and as 2
// shards on a one-node Slurm cluster (scripts/slurm-local.sh start), with the ratio. The issue's
// plate is 384 wells (default); STAINLESS_BENCH_CAMPAIGN_WELLS=N takes the first N wells and
// STAINLESS_BENCH_CAMPAIGN_SIZE the site size (default 512) on small machines.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchRow } from './types';
import { simulatePlate } from '../src/main/core/simulate';
import { importPlate } from '../src/main/core/catalog/importPlate';
import { createCore } from '../src/main/core/core';
import { main } from '../src/main/cli';
import { readSubmissions } from '../src/main/core/campaign/slurm';
import { wellName } from '../src/shared/channels';

const MODEL = 'stainless-unet-direct';

const hasSlurm = () => {
  try {
    return /idle|mixed|allocated/.test(execFileSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  } catch {
    return false;
  }
};

async function cli(argv: string[]): Promise<void> {
  const code = await main(argv);
  if (code !== 0) throw new Error(`stainless ${argv.join(' ')} exited ${code}`);
}

export default async function (): Promise<BenchRow[]> {
  const n = Number(process.env.STAINLESS_BENCH_CAMPAIGN_WELLS ?? 384);
  const size = Number(process.env.STAINLESS_BENCH_CAMPAIGN_SIZE ?? 512);
  const wells = Array.from({ length: 384 }, (_, i) => wellName(Math.floor(i / 24), i % 24)).slice(0, n);
  const root = mkdtempSync(join(tmpdir(), 'stainless-bench-campaign-'));
  try {
    const sim = await simulatePlate({ out: join(root, 'plate'), format: 384, wells, sites: 1, size, seed: 2, barcode: 'BENCH', workers: 0 });
    const ws = async (name: string) => {
      const core = createCore({ workspace: join(root, name), transport: 'inprocess' });
      await importPlate(core.db, { dir: sim.out }).finally(() => core.close());
      return join(root, name);
    };
    const label = `${n} wells × 1 site, ${size} px`;
    const one = await ws('one');
    let t = performance.now();
    await cli(['--workspace', one, 'infer', '--plate', 'BENCH', '--model', MODEL]);
    await cli(['--workspace', one, 'segment', '--plate', 'BENCH', '--workers', '1']);
    await cli(['--workspace', one, 'export', '--plate', 'BENCH', '--level', 'well', '--format', 'parquet', '--out', join(root, 'one.parquet')]);
    const single = (performance.now() - t) / 1000;
    const rows: BenchRow[] = [{ stage: 'campaign', figure: 'one process, end to end', value: single, unit: 's', note: label }];
    if (!hasSlurm()) return [...rows, { stage: 'campaign', figure: '2 shards on Slurm', value: NaN, unit: 's', note: 'no Slurm cluster here (scripts/slurm-local.sh start)' }];
    const sharded = await ws('sharded');
    const camp = join(root, 'campaign');
    t = performance.now();
    await cli(['--workspace', sharded, 'plan', '--plate', 'BENCH', '--model', MODEL, '--shards', '2', '--campaign', camp]);
    await cli(['--workspace', sharded, 'slurm', 'submit', '--plan', join(camp, 'plan.json'), '--cpus-per-task', '1', '--then-merge']);
    const sub = readSubmissions(camp)[0];
    const queued = () => {
      try {
        return execFileSync('squeue', ['-h', '-r', '-o', '%i', '-j', `${sub.jobId},${sub.mergeJobId}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      } catch {
        return ''; // slurmctld forgot the jobs: they are long finished
      }
    };
    while (queued()) await new Promise((r) => setTimeout(r, 250));
    await cli(['--workspace', sharded, 'export', '--plate', 'BENCH', '--level', 'well', '--format', 'parquet', '--out', join(root, 'sharded.parquet')]);
    const two = (performance.now() - t) / 1000;
    return [
      ...rows,
      { stage: 'campaign', figure: '2 shards on one-node Slurm, end to end', value: two, unit: 's', note: `${label}; plan + array job + merge job + export` },
      { stage: 'campaign', figure: 'speed-up, 2 shards / one process', value: single / two, unit: '×' },
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
