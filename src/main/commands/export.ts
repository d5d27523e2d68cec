import { resolve } from 'node:path';
import type { Command } from './types';
import { UsageError } from './types';
import type { ExportSummary } from '../core/export/exportPlate';
import { exportPairs } from '../core/export/pairs';

const oneOf = (flag: string, v: unknown, allowed: string[], dflt: string) => {
  const s = (v as string | undefined) ?? dflt;
  if (!allowed.includes(s)) throw new UsageError(`export: --${flag} must be ${allowed.join(' or ')}, not "${s}"`);
  return s;
};

export const exportCommand: Command = {
  name: 'export',
  summary: 'Write a plate feature table (per well or per cell) as CSV or Parquet for pycytominer',
  usage:
    'stainless export --plate B --level well|cell --format csv|parquet --out FILE [--source synthetic|acquired] [--run ID] [--method model|classical] [--normalize none|robustz] [--precision single|double] [--json]\n' +
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
  },
  async run({ values }, ctx) {
    if (!values.plate || !values.out) throw new UsageError('export: --plate and --out are required');
    const out = resolve(values.out as string);
    if (values.pairs) {
      const p = await exportPairs(ctx.core().db, values.plate as string, out);
      ctx.say(`${p.out}: ${p.sites} sites of ${p.plate} (${p.labels} with labels)${p.skipped.length ? `; skipped ${p.skipped.length}: ${p.skipped[0].site} ${p.skipped[0].reason}` : ''}`);
      return p;
    }
    const format = oneOf('format', values.format ?? (out.toLowerCase().endsWith('.parquet') ? 'parquet' : 'csv'), ['csv', 'parquet'], 'csv');
    if (!out.toLowerCase().endsWith(`.${format}`)) throw new UsageError(`export: --out ${values.out} should end in .${format} for --format ${format}`);
    const runId = values.run === undefined ? undefined : Number(values.run);
    if (runId !== undefined && !(Number.isInteger(runId) && runId > 0)) throw new UsageError(`export: --run must be a run id, not "${values.run}"`);
    const params = {
      plate: values.plate as string,
      level: oneOf('level', values.level, ['well', 'cell'], 'well'),
      format,
      source: oneOf('source', values.source, ['synthetic', 'acquired'], 'synthetic'),
      runId: runId ?? null,
      method: values.method === undefined ? undefined : oneOf('method', values.method, ['model', 'classical'], 'classical'),
      normalize: oneOf('normalize', values.normalize, ['none', 'robustz'], 'none'),
      precision: oneOf('precision', values.precision, ['single', 'double'], 'single'),
      out,
    };
    const core = ctx.core();
    const job = core.jobs.submit('export', params);
    const done = await core.jobs.wait(job.id);
    if (done.status !== 'done') throw new Error(done.error ?? done.status);
    const s = done.result as ExportSummary;
    ctx.say(`${s.out}: ${s.rows} ${s.level === 'well' ? 'wells' : 'cells'} × ${s.columns} columns (${s.format})`);
    return s;
  },
};
