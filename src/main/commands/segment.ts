import { resolve } from 'node:path';
import type { Command } from './types';
import { UsageError } from './types';
import { describeIllumination } from '../../shared/illumination';

export const segmentCommand: Command = {
  name: 'segment',
  summary: 'Segment and measure every site of a plate (labels, per-cell Parquet, per-well profiles)',
  usage: 'stainless segment --plate B [--source synthetic|acquired] [--method model|classical (default: model when the run has boundary outputs)] [--run ID] [--workers N] [--precision single|double (per-cell storage; default single: float32, positions float64)] [--illum auto|on|off (CorrectIlluminationCalculate/Apply as JUMP sets them; default auto: acquired images only)] [--illum-from DIR (JUMP\'s <plate>_Illum<Ch>.npy files instead of computing)] [--json]',
  options: {
    plate: { type: 'string' },
    source: { type: 'string' },
    method: { type: 'string' },
    run: { type: 'string' },
    workers: { type: 'string' },
    precision: { type: 'string' },
    illum: { type: 'string' },
    'illum-from': { type: 'string' },
  },
  async run({ values }, ctx) {
    if (!values.plate) throw new UsageError('segment: --plate is required');
    const num = (k: string) => (values[k] === undefined ? undefined : Number(values[k]));
    const job = await ctx.call(
      'segment.start',
      {
        plate: values.plate as string,
        source: values.source as 'synthetic',
        method: values.method as 'model',
        runId: num('run'),
        workers: num('workers'),
        precision: values.precision as 'single',
        illumination: values.illum as 'auto',
        illumFrom: values['illum-from'] === undefined ? undefined : resolve(values['illum-from'] as string),
      },
      { runId: 'run', illumination: 'illum', illumFrom: 'illum-from' },
    );
    const s = await ctx.watch(job, 'features', 'segment');
    ctx.say(`plate ${s.plate} (${s.source}${s.runId ? ` run ${s.runId}` : ''}, ${s.method}): ${s.sites} sites in ${s.wells} wells, ${s.cells} cells, feature set ${s.setId}`);
    ctx.say(`${s.seconds.toFixed(1)} s; per site ${s.secondsPerSite.segment.toFixed(2)} s segmentation + ${s.secondsPerSite.measure.toFixed(2)} s measurements (one core)`);
    ctx.say(`illumination correction: ${describeIllumination(s.illumination)}`);
    if (s.cellsPath) ctx.say(`per-cell rows: ${s.cellsPath}`);
    return s;
  },
};

export const illumCommand: Command = {
  name: 'illum',
  summary: "List a plate's illumination functions (computed by CorrectIlluminationCalculate, or loaded from JUMP's .npy files by segment --illum-from)",
  usage: 'stainless illum --plate BARCODE|ID [--json]',
  options: { plate: { type: 'string' } },
  async run({ values }, ctx) {
    if (typeof values.plate !== 'string') throw new UsageError('illum needs --plate BARCODE (see `stainless plates`)');
    const fns = await ctx.call('illumination.list', { plate: values.plate });
    if (!fns.length) ctx.say(`plate ${values.plate}: no illumination functions yet (\`stainless segment --source acquired\` computes them)`);
    for (const f of fns)
      ctx.say(
        `${f.source}${f.runId ? ` run ${f.runId}` : ''}  ${f.channel.padEnd(4)}  ${f.origin === 'file' ? `from ${f.sourceFile}` : `computed over ${f.nImages} images (${Object.entries(f.settings ?? {}).map(([k, v]) => `${k} ${v}`).join(', ')})`}  ${f.width}×${f.height}  ${f.path}`,
      );
    return fns;
  },
};
