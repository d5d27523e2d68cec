import { resolve } from 'node:path';
import type { Command } from './types';
import { UsageError } from './types';

const int = (v: unknown, flag: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new UsageError(`profile: --${flag} must be an integer (got "${v}")`);
  return n;
};

export const profileCommand: Command = {
  name: 'profile',
  summary: "pycytominer's profile recipe (mad_robustize vs DMSO, feature_select) and copairs' mAP per compound",
  usage:
    'stainless profile --plate B --out FILE.csv|FILE.parquet [--map MAP.csv] [--source acquired|synthetic] [--run ID] [--method model|classical]\n' +
    '                  [--null-size N (10000)] [--seed N (0)] [--force] [--json]\n' +
    '  Per-well medians → mad_robustize against the negcon wells (ε 1e-18) → variance_threshold, correlation_threshold 0.9,\n' +
    "  drop_na_columns 0.05, blocklist, as pycytominer does; --map writes copairs' mean_average_precision of each compound vs DMSO.",
  options: {
    plate: { type: 'string' },
    out: { type: 'string' },
    map: { type: 'string' },
    source: { type: 'string' },
    run: { type: 'string' },
    method: { type: 'string' },
    'null-size': { type: 'string' },
    seed: { type: 'string' },
    force: { type: 'boolean' },
  },
  async run({ values }, ctx) {
    if (!values.plate || !values.out) throw new UsageError('profile: --plate and --out are required');
    const job = await ctx.call(
      'profiles.start',
      {
        plate: values.plate as string,
        source: values.source as 'acquired',
        runId: int(values.run, 'run'),
        method: values.method as 'classical',
        out: resolve(values.out as string),
        mapOut: values.map === undefined ? undefined : resolve(values.map as string),
        overwrite: !!values.force,
        nullSize: int(values['null-size'], 'null-size'),
        seed: int(values.seed, 'seed'),
      },
      { runId: 'run', mapOut: 'map', overwrite: 'force' },
    );
    const s = await ctx.watch(job, 'profiles', 'profile');
    const ex = Object.entries(s.excluded).map(([k, n]) => `${k} −${n}`).join(', ');
    ctx.say(`${s.out}: ${s.wells} wells (${s.negcon} DMSO) × ${s.selected} of ${s.features} features (${ex})`);
    const active = s.compounds.filter((c) => c.active).length;
    ctx.say(`mAP vs DMSO: ${s.compounds.length} compounds, ${active} active (q < 0.05, null size ${s.nullSize})${s.mapOut ? ` → ${s.mapOut}` : ''}`);
    return s;
  },
};
