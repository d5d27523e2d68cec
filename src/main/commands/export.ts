import { resolve } from 'node:path';
import type { Command } from './types';
import { UsageError } from './types';
import { exportPairs } from '../core/export/pairs';

export const exportCommand: Command = {
  name: 'export',
  summary: 'Write a plate feature table (per well or per cell) as CSV or Parquet for pycytominer, or per cell in CytoTable or CellProfiler SQLite layout',
  usage:
    'stainless export --plate B --level well|cell --format csv|parquet|sqlite [--layout stainless|cytotable] --out FILE [--source synthetic|acquired] [--run ID] [--method model|classical] [--normalize none|robustz] [--precision single|double] [--force] [--json]\n' +
    '       (an existing --out file is refused unless --force)\n' +
    '       stainless export --plate B --layout cytotable --out FILE.parquet [...]   (per cell, CytoTable\'s joined columns: Metadata_TableNumber/ImageNumber/ObjectNumber, Image_*)\n' +
    '       stainless export --plate B --format sqlite --out FILE.sqlite [...]   (per cell, CellProfiler ExportToDatabase tables Image, Cells, Cytoplasm, Nuclei for pycytominer)\n' +
    '       stainless export --plate B --load-data --out FILE.csv [--run ID] [--force]   (CellProfiler LoadData: FileName_Orig<Ch> acquired, FileName_Synth<Ch> synthetic)\n' +
    '       stainless export --plate B --pairs --out DIR   (acquired brightfield + Cell Painting + labels in the layout training/ reads)',
  options: {
    plate: { type: 'string' },
    level: { type: 'string' },
    format: { type: 'string' },
    layout: { type: 'string' },
    out: { type: 'string' },
    source: { type: 'string' },
    run: { type: 'string' },
    method: { type: 'string' },
    normalize: { type: 'string' },
    precision: { type: 'string' },
    pairs: { type: 'boolean' },
    'load-data': { type: 'boolean' },
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
    if (values['load-data']) {
      const r = await ctx.call(
        'export.loadData',
        { plate: values.plate as string, out, runId: values.run === undefined ? undefined : Number(values.run), overwrite: !!values.force },
        { runId: 'run' },
      );
      ctx.say(`${r.out}: ${r.rows} sites of ${r.plate}; acquired ${r.acquired.join(', ') || 'none'} as FileName_Orig*${r.synthetic.length ? `, run ${r.runId}'s synthetic ${r.synthetic.join(', ')} as FileName_Synth*` : ', no synthetic channels'}`);
      return r;
    }
    const ext = /\.(csv|parquet|sqlite)$/i.exec(out)?.[1].toLowerCase();
    const format = (values.format as string | undefined) ?? ext ?? 'csv';
    const job = await ctx.call(
      'export.start',
      {
        plate: values.plate as string,
        level: values.level as 'well' | undefined,
        format: format as 'csv',
        layout: values.layout as 'cytotable' | undefined,
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
    const left = s.leftOut ? `; ${s.leftOut} cells left out (touching the border${s.layout === 'cytotable' ? ', or without a cytoplasm or nucleus for its join' : ''})` : '';
    if (s.tables) ctx.say(`${s.out}: CellProfiler SQLite, ${s.tables.map((t) => `${t.name} ${t.rows} rows × ${t.columns} columns`).join(', ')}${left}`);
    else ctx.say(`${s.out}: ${s.rows} ${s.level === 'well' ? 'wells' : 'cells'} × ${s.columns} columns (${s.format}${s.layout === 'cytotable' ? ', CytoTable layout' : ''}${left})`);
    return s;
  },
};
