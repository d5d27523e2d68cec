// Per-cell feature storage for a 384-well demo-like plate (292 cells per well ≈ the 112,275 cells
// of the demo plate): bytes per stored value, write and read throughput, a 10-column read.
// Rows are synthesised from real measurements of simulated sites (bench/cellRows.ts).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead } from 'hyparquet';
import type { BenchRow } from './types';
import { measureBaseCells, synthCells } from './cellRows';
import { parquetSink } from '../src/main/core/export/parquet';
import { CELL_METADATA } from '../src/main/core/features/pipeline';
import { wellName } from '../src/shared/channels';
import type { ColumnValues } from '../src/main/core/export/table';

const WELLS = Number(process.env.BENCH_CELLS_WELLS ?? 384);
const PER_WELL = 292;

export default async function (): Promise<BenchRow[]> {
  const base = measureBaseCells(4);
  const dir = mkdtempSync(join(tmpdir(), 'stainless-bench-cells-'));
  try {
    const file = join(dir, 'plate.cells.parquet');
    const specs = [...CELL_METADATA, ...base.names.map((name) => ({ name, kind: 'double' as const }))];
    const sink = await parquetSink(file, specs);
    let writeS = 0;
    // one site per well, written in 2048-row groups as the pipeline does
    let pending: ColumnValues[][] = [];
    let pendingRows = 0;
    const flush = async () => {
      const merged = specs.map((_, j) => {
        const parts = pending.map((p) => p[j]);
        if (parts[0] instanceof Float64Array) {
          const out = new Float64Array(pendingRows);
          let o = 0;
          for (const p of parts as Float64Array[]) out.set(p, (o += p.length) - p.length);
          return out;
        }
        if (parts[0] instanceof Int32Array) return Int32Array.from((parts as Int32Array[]).flatMap((p) => Array.from(p)));
        return (parts as Array<Array<string | number | null>>).flat();
      });
      const t = performance.now();
      await sink.write(merged);
      writeS += (performance.now() - t) / 1000;
      pending = [];
      pendingRows = 0;
    };
    for (let w = 0; w < WELLS; w++) {
      const n = PER_WELL;
      const feats = synthCells(base, n, w + 1);
      const rep = <T>(v: T) => Array.from({ length: n }, () => v);
      const neg = w % 24 < 2;
      pending.push([
        rep('BENCH384'),
        rep(wellName(Math.floor(w / 24), w % 24)),
        new Int32Array(n).fill(1),
        Int32Array.from({ length: n }, (_, i) => i + 1),
        ...CELL_METADATA.slice(4, -3).map((c) => (c.kind === 'double' ? rep(neg ? null : 10) : rep(neg ? 'DMSO' : `BRD-K${String(w).padStart(5, '0')}`))),
        rep('acquired'),
        rep(null),
        new Int32Array(n),
        ...feats,
      ]);
      pendingRows += n;
      if (pendingRows >= 2048) await flush();
    }
    if (pendingRows) await flush();
    const t0 = performance.now();
    await sink.finish();
    writeS += (performance.now() - t0) / 1000;
    const bytes = statSync(file).size;
    const cells = WELLS * PER_WELL;
    const values = cells * specs.length;

    // whole file, every column, one row group at a time (as the CSV export reads it)
    const buf = await asyncBufferFromFile(file);
    const md = await parquetMetadataAsync(buf);
    let t = performance.now();
    let start = 0;
    let seen = 0;
    for (const rg of md.row_groups) {
      const end = start + Number(rg.num_rows);
      await parquetRead({ file: buf, metadata: md, rowStart: start, rowEnd: end, onChunk: (c) => (seen += c.rowEnd - c.rowStart) });
      start = end;
    }
    const readAllS = (performance.now() - t) / 1000;
    if (seen !== values) throw new Error(`read ${seen} values, wrote ${values}`);

    // 10 feature columns over the whole plate (a metrics or plate-map style projection)
    const ten = Array.from({ length: 10 }, (_, k) => base.names[Math.floor((k * base.names.length) / 10)]);
    t = performance.now();
    let got = 0;
    await parquetRead({ file: buf, metadata: md, columns: ten, onChunk: (c) => (got += c.rowEnd - c.rowStart) });
    const read10S = (performance.now() - t) / 1000;
    if (got !== 10 * cells) throw new Error(`10-column read gave ${got} values`);

    const layout = 'float64, snappy, 2048-row groups';
    return [
      { stage: 'cells', figure: 'bytes per stored value', value: bytes / values, unit: 'B', note: `${layout}; ${(bytes / 2 ** 20).toFixed(0)} MiB for ${cells} cells × ${specs.length} columns` },
      { stage: 'cells', figure: 'write throughput', value: cells / writeS, unit: 'cells/s', note: `${((values / writeS) / 1e6).toFixed(2)} M values/s; ${writeS.toFixed(1)} s encode+write` },
      { stage: 'cells', figure: 'read throughput, all columns', value: cells / readAllS, unit: 'cells/s', note: `${readAllS.toFixed(1)} s for the plate, by row group (hyparquet)` },
      { stage: 'cells', figure: 'read 10 columns, whole plate', value: read10S, unit: 's', note: 'target < 2 s' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
