import { open, rename, rm, mkdir, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ColumnSpec, ColumnValues, TableSink } from './table';

const quote = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

function cell(v: string | number | null | undefined, kind: ColumnSpec['kind']): string {
  if (v === null || v === undefined) return '';
  if (kind === 'string') return quote(String(v));
  const n = v as number;
  // shortest round-trip decimal; missing values stay empty (pandas reads NaN)
  if (!Number.isFinite(n)) return '';
  return kind === 'float32' ? float32String(n) : String(n);
}

/**
 * The shortest decimal that reads back as the same float32 (≤ 9 significant digits): a stored
 * 0.1f is written 0.1, not its float64 widening 0.10000000149011612.
 */
export function float32String(v: number): string {
  for (let p = 6; p < 9; p++) {
    const s = v.toPrecision(p);
    if (Math.fround(Number(s)) === v) return String(Number(s));
  }
  return String(Number(v.toPrecision(9)));
}

/** CSV (RFC 4180, header row, empty = missing) streamed to `<out>.partial`, renamed on finish. */
export async function csvSink(out: string, columns: ColumnSpec[]): Promise<TableSink> {
  await mkdir(dirname(out), { recursive: true });
  const tmp = `${out}.partial`;
  const fh: FileHandle = await open(tmp, 'w');
  await fh.write(columns.map((c) => quote(c.name)).join(',') + '\n');
  return {
    async write(cols: ColumnValues[]) {
      const n = cols[0]?.length ?? 0;
      const lines: string[] = [];
      for (let r = 0; r < n; r++) lines.push(cols.map((c, j) => cell(c[r] as string | number | null, columns[j].kind)).join(','));
      if (lines.length) await fh.write(lines.join('\n') + '\n');
    },
    async finish() {
      await fh.close();
      await rename(tmp, out);
    },
    async abort() {
      await fh.close().catch(() => {});
      await rm(tmp, { force: true });
    },
  };
}
