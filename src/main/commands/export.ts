import { resolve } from 'node:path';
import type { Command } from './types';
import { UsageError } from './types';
import { exportPairs } from '../core/export/pairs';

export const exportCommand: Command = {
  name: 'export',
  summary: 'Write a plate feature table (per well or per cell) as CSV or Parquet for pycytominer',
  usage:
    'stainless export --plate B --level well|cell --format csv|parquet --out FILE [--source synthetic|acquired] [--run ID] [--method model|classical] [--normalize none|robustz] [--precision single|double] [--force] [--json]\n' +
    '       (an existing --out file is refused unless --force)\n' +
    '       stainless export --plate B --pairs --out DIR   (acquired brightfield + Cell Painting + labels in the layout training/ reads)',
  options: {
    plate: { type: 'string' },
    level: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    source: { type: 'string' },
    run: { type: 'string' },
    method: { type: 'string' },
    normalize: { type: 'string' },
    precision: { type: 'string' },
    pairs: { type: 'boolean' },
    force: { type: 'boolean' },
  },
  async run({ values }, ctx) {
    if (!values.plate || !values.out) throw new UsageError('export: --plate and --out are required');
    const out = resolve(values.out as string);
    if (values.pairs) {
      const p = await exportPairs(ctx.core().db, values.plate as string, out);
      ctx.say(`${p.out}: ${p.sites} sites of ${p.plate} (${p.labels} with labels)${p.skipped.length ? `; skipped ${p.skipped.length}: ${p.skipped[0].site} ${p.skipped[0].reason}` : ''}`);
      return p;
    }
    const format = (values.format as string | undefined) ?? (out.toLowerCase().endsWith('.parquet') ? 'parquet' : 'csv');
    const job = await ctx.call(
      'export.start',
      {
        plate: values.plate as string,
        level: values.level as 'well',
        format: format as 'csv',
        source: values.source as 'synthetic',
        runId: values.run === undefined ? undefined : Number(values.run),
        method: values.method as 'model',
        normalize: values.normalize as 'none',
        out,
        precision: values.precision as 'single',
        overwrite: !!values.force,
      },
      { runId: 'run' },
    );
    const s = await ctx.watch(job, 'export', 'export');
    ctx.say(`${s.out}: ${s.rows} ${s.level === 'well' ? 'wells' : 'cells'} × ${s.columns} columns (${s.format})`);
    return s;
  },
};
