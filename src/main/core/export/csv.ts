import { open, rename, rm, mkdir, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeAll, writeError } from '../io/output';
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
  const tmp = `${out}.partial`;
  let fh: FileHandle;
  try {
    await mkdir(dirname(out), { recursive: true });
    fh = await open(tmp, 'w');
  } catch (e) {
    throw writeError(out, e);
  }
  const put = (text: string) => writeAll(fh, text, out).catch((e) => Promise.reject(writeError(out, e)));
  await put(columns.map((c) => quote(c.name)).join(',') + '\n').catch(async (e) => {
    await fh.close().catch(() => {});
    await rm(tmp, { force: true });
    throw e;
  });
  return {
    async write(cols: ColumnValues[]) {
      const n = cols[0]?.length ?? 0;
      const lines: string[] = [];
      for (let r = 0; r < n; r++) lines.push(cols.map((c, j) => cell(c[r] as string | number | null, columns[j].kind)).join(','));
      if (lines.length) await put(lines.join('\n') + '\n');
    },
    async finish() {
      try {
        // flushed before the rename: a full disk shows here, not as a short file later
        await fh.sync();
        await fh.close();
        await rename(tmp, out);
      } catch (e) {
        throw writeError(out, e);
      }
    },
    async abort() {
      await fh.close().catch(() => {});
      await rm(tmp, { force: true });
    },
  };
}
