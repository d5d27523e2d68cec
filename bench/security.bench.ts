// What the issue-15 hardening costs and buys: a catastrophic user pattern (RegExp backtracks,
// RE2 does not) and a scan of a huge folder (/usr) that must not stall the event loop.
import type { BenchRow } from './types';
import { patternNaming } from '../src/main/core/io/naming';
import { previewImport } from '../src/main/core/catalog/importPlate';
import type { ImportOptions } from '../src/shared/contract/catalog';

const PATTERN = '^(?<well>(a|a)*)(?<channel>!)';

export default async function (): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  // RegExp grows 2× per character: 22 characters keeps the bench short (25 took 6.6 s)
  const name = 'a'.repeat(21) + 'x';
  let t = performance.now();
  new RegExp(PATTERN).exec(name);
  rows.push({ stage: 'security', figure: 'RegExp, catastrophic pattern, one 22-char name', value: performance.now() - t, unit: 'ms' });
  const re2 = patternNaming(PATTERN);
  t = performance.now();
  for (let i = 0; i < 1000; i++) re2.parse('a'.repeat(24) + 'x');
  rows.push({ stage: 'security', figure: 'RE2, same pattern, per 25-char name', value: (performance.now() - t) / 1000, unit: 'ms' });

  // the event loop keeps answering while a preview walks /usr
  let worst = 0;
  let last = performance.now();
  const tick = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - 10);
    last = now;
  }, 10);
  t = performance.now();
  await previewImport({ dir: '/usr' } as ImportOptions);
  const total = performance.now() - t;
  clearInterval(tick);
  rows.push({ stage: 'security', figure: 'import preview of /usr (not a plate)', value: total, unit: 'ms' });
  rows.push({ stage: 'security', figure: 'longest event-loop stall during it', value: worst, unit: 'ms', note: 'was the whole scan (2.6 s) when synchronous' });
  return rows;
}
