// Runs every bench/*.bench.ts (or those named on the command line) and prints one table of figures.
// Benchmarks never fail on speed; a benchmark that throws is reported and the rest still run.
import { readdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchRow } from './types';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !only.length || only.some((o) => f.startsWith(o)))
  .sort();

const rows: BenchRow[] = [];
for (const f of files) {
  process.stderr.write(`bench ${f} ...\n`);
  try {
    const mod = (await import(pathToFileURL(join(here, f)).href)) as { default: () => Promise<BenchRow[]> };
    rows.push(...(await mod.default()));
  } catch (e) {
    rows.push({ stage: f.replace('.bench.ts', ''), figure: 'error', value: NaN, unit: '', note: (e as Error).message.split('\n')[0] });
  }
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.versions.node}`;
console.log(`Stainless benchmarks — ${new Date().toISOString().slice(0, 10)} — ${machine}\n`);
const fmt = (v: number) => (Number.isFinite(v) ? (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3)) : 'n/a');
const table = [['stage', 'figure', 'value', 'unit', 'note'], ...rows.map((r) => [r.stage, r.figure, fmt(r.value), r.unit, r.note ?? ''])];
const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
for (const [i, r] of table.entries()) {
  console.log(r.map((c, j) => (j === 2 ? c.padStart(widths[j]) : c.padEnd(widths[j]))).join('  ').trimEnd());
  if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}
