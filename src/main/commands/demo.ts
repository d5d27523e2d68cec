import type { Command } from './types';
import { UsageError } from './types';
import { CELL_LINES, simulatePlate, SimulateError, type CellLine } from '../core/simulate';

const int = (v: unknown, flag: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new UsageError(`--${flag}: "${v}" is not an integer`);
  return n;
};

export const demoCommand: Command = {
  name: 'demo',
  summary: 'Write a simulated Cell Painting plate (8 channels, ground-truth labels, JUMP metadata) to a folder',
  usage:
    'stainless demo --out DIR [--format 96|384|1536] [--sites N] [--size PX] [--cell-line A549|U2OS] [--seed N]\n' +
    '               [--wells all|A01,B02,...] [--barcode B] [--empty-edges] [--workers N] [--json]\n' +
    '  Defaults: 384 wells, 2 sites, 512 px, A549, seed 1. Same seed and options → byte-identical files.',
  options: {
    out: { type: 'string' },
    format: { type: 'string' },
    sites: { type: 'string' },
    size: { type: 'string' },
    'cell-line': { type: 'string' },
    seed: { type: 'string' },
    wells: { type: 'string' },
    barcode: { type: 'string' },
    'empty-edges': { type: 'boolean' },
    workers: { type: 'string' },
  },
  async run({ values, positionals }, ctx) {
    if (positionals.length) throw new UsageError(`demo takes no positional arguments (got "${positionals[0]}"); use --out DIR`);
    if (typeof values.out !== 'string' || !values.out) throw new UsageError('demo needs --out DIR');
    const format = int(values.format, 'format');
    if (format !== undefined && ![96, 384, 1536].includes(format)) throw new UsageError(`--format: "${values.format}" is not 96, 384 or 1536`);
    const cellLine = values['cell-line'] as string | undefined;
    if (cellLine !== undefined && !CELL_LINES.includes(cellLine as CellLine)) throw new UsageError(`--cell-line: "${cellLine}" is not one of ${CELL_LINES.join(', ')}`);
    const wellsArg = values.wells as string | undefined;
    const wells = !wellsArg || wellsArg === 'all' ? null : wellsArg.split(',').map((s) => s.trim()).filter(Boolean);
    let last = 0;
    try {
      const r = await simulatePlate({
        out: values.out,
        format: format as 96 | 384 | 1536 | undefined,
        sites: int(values.sites, 'sites'),
        size: int(values.size, 'size'),
        cellLine: cellLine as CellLine | undefined,
        seed: int(values.seed, 'seed'),
        wells,
        barcode: (values.barcode as string | undefined) ?? null,
        emptyEdges: !!values['empty-edges'],
        workers: int(values.workers, 'workers'),
        onProgress: ({ done, total }) => {
          const now = Date.now();
          if (done === total || now - last > 1000) {
            last = now;
            ctx.note(`sites ${done}/${total}`);
          }
        },
      });
      ctx.say(`wrote ${r.barcode} (${r.format}-well, ${r.cellLine}, seed ${r.seed}) to ${r.out}`);
      ctx.say(`  ${r.wells} wells, ${r.sites} sites, ${r.cells} cells, ${r.filesWritten} files in ${r.seconds.toFixed(1)} s (${(r.sites / r.seconds).toFixed(1)} sites/s, ${r.workers} workers)`);
      ctx.say(`  import it with: stainless import ${r.out}`);
      return r;
    } catch (e) {
      if (e instanceof SimulateError) throw new UsageError(e.message);
      throw e;
    }
  },
};
