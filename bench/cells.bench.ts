// Per-cell feature storage for a 384-well demo plate (292 cells per well ≈ the 112,275 cells of
// the demo plate): bytes per stored value, write and read throughput, a 10-column read.
// Rows are real cells of 96 demo sites (bench/demoCells.ts, ~28k cells) laid out in turn, so a
// row group (≤ 15k rows) never holds the same cell twice: each page compresses only distinct real
// cells. BENCH_CELLS_ROWS=jitter uses the earlier rows instead (4 measured sites resampled with 5 %
// per-value jitter), to compare.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openParquet, rowGroups } from '../src/main/core/io/parquetRead';
import { cellFeatureSpecs, cellRowGroupRows } from '../src/main/core/features/cellStore';
import type { BenchRow } from './types';
import { measureBaseCells, synthCells } from './cellRows';
import { demoCells } from './demoCells';
import { parquetSink } from '../src/main/core/export/parquet';
import { CELL_METADATA } from '../src/main/core/features/pipeline';
import { wellName } from '../src/shared/channels';
import type { ColumnSpec, ColumnValues } from '../src/main/core/export/table';

const WELLS = Number(process.env.BENCH_CELLS_WELLS ?? 384);
const PER_WELL = 292;

interface Layout {
  label: string;
  features: (names: string[]) => ColumnSpec[];
  codec: 'ZSTD' | 'SNAPPY';
  rowGroup: (columns: number) => number;
}

const LAYOUTS: Layout[] = [
  // the layout before issue 20: nullable float64 features, snappy, the pipeline's 2048-row groups
  { label: 'before: float64, snappy, 2048-row groups', features: (names) => names.map((name) => ({ name, kind: 'double' })), codec: 'SNAPPY', rowGroup: () => 2048 },
  { label: 'after: float32 (positions float64), zstd, BYTE_STREAM_SPLIT', features: cellFeatureSpecs, codec: 'ZSTD', rowGroup: cellRowGroupRows },
];

/** Feature rows: names, and `n` rows for well `w` as float64 columns. */
interface Rows {
  label: string;
  names: string[];
  well: (w: number, n: number) => Float64Array[];
}

function realRows(): Rows {
  const d = demoCells(96, (m) => console.error(m));
  const pool = d.columns[0].length;
  return {
    label: `real cells of ${d.sites.length} demo sites (${pool} cells) laid out in turn`,
    names: d.names,
    well: (w, n) =>
      d.columns.map((c) => {
        const out = new Float64Array(n);
        for (let i = 0; i < n; i++) out[i] = c[(w * n + i) % pool];
        return out;
      }),
  };
}

function jitterRows(): Rows {
  const base = measureBaseCells(4);
  return { label: '4 measured sites resampled with 5 % jitter', names: base.names, well: (w, n) => synthCells(base, n, w + 1) };
}

export default async function (): Promise<BenchRow[]> {
  const base = process.env.BENCH_CELLS_ROWS === 'jitter' ? jitterRows() : realRows();
  const only = process.env.BENCH_CELLS_LAYOUT;
  const rows: BenchRow[] = [];
  for (const layout of LAYOUTS) if (!only || layout.label.startsWith(only)) rows.push(...(await benchLayout(base, layout)));
  return rows;
}

async function benchLayout(base: Rows, layout: Layout): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'stainless-bench-cells-'));
  try {
    const file = join(dir, 'plate.cells.parquet');
    const specs = [...CELL_METADATA, ...layout.features(base.names)];
    const groupRows = layout.rowGroup(specs.length);
    const sink = await parquetSink(file, specs, {}, { codec: layout.codec });
    let writeS = 0;
    // one site per well, buffered into row groups as the pipeline does (float32 columns as float32)
    let pending: ColumnValues[][] = [];
    let pendingRows = 0;
    const flush = async () => {
      const merged = specs.map((_, j) => {
        const parts = pending.map((p) => p[j]);
        const first = parts[0];
        if (first instanceof Float64Array || first instanceof Float32Array || first instanceof Int32Array) {
          const out = new (first.constructor as Float64ArrayConstructor)(pendingRows);
          let o = 0;
          for (const p of parts as Float64Array[]) out.set(p, (o += p.length) - p.length);
          return out;
        }
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
      const feats = base.well(w, n);
      const rep = <T>(v: T) => Array.from({ length: n }, () => v);
      const neg = w % 24 < 2;
      const t = performance.now();
      pending.push([
        rep('BENCH384'),
        rep(wellName(Math.floor(w / 24), w % 24)),
        new Int32Array(n).fill(1),
        Int32Array.from({ length: n }, (_, i) => i + 1),
        ...CELL_METADATA.slice(4, -3).map((c) => (c.kind === 'double' ? rep(neg ? null : 10) : rep(neg ? 'DMSO' : `BRD-K${String(w).padStart(5, '0')}`))),
        rep('acquired'),
        rep(null),
        new Int32Array(n),
        ...feats.map((f, j) => (specs[CELL_METADATA.length + j].kind === 'float32' ? Float32Array.from(f) : f)),
      ]);
      writeS += (performance.now() - t) / 1000;
      pendingRows += n;
      if (pendingRows >= groupRows) await flush();
    }
    if (pendingRows) await flush();
    const t0 = performance.now();
    await sink.finish();
    writeS += (performance.now() - t0) / 1000;
    const bytes = statSync(file).size;
    const cells = WELLS * PER_WELL;
    const values = cells * specs.length;

    // whole file, every column, one row group at a time (as the CSV and --precision double exports read it)
    let t = performance.now();
    const pf = await openParquet(file);
    const openS = (performance.now() - t) / 1000;
    t = performance.now();
    let seen = 0;
    for await (const g of rowGroups(pf)) seen += g.rows * g.columns.size;
    const readAllS = (performance.now() - t) / 1000;
    if (seen !== values) throw new Error(`read ${seen} values, wrote ${values}`);

    // 10 feature columns over the whole plate (a metrics or plate-map style projection)
    const ten = Array.from({ length: 10 }, (_, k) => base.names[Math.floor((k * base.names.length) / 10)]);
    t = performance.now();
    let got = 0;
    for await (const g of rowGroups(await openParquet(file), ten)) got += g.rows * g.columns.size;
    const read10S = (performance.now() - t) / 1000;
    if (got !== 10 * cells) throw new Error(`10-column read gave ${got} values`);

    const stage = `cells ${layout.label.split(':')[0]}`;
    return [
      { stage, figure: 'bytes per stored value', value: bytes / values, unit: 'B', note: `${layout.label}; ${base.label}; ${(bytes / 2 ** 20).toFixed(0)} MiB for ${cells} cells × ${specs.length} columns, ${pf.metadata.row_groups.length} row groups` },
      { stage, figure: 'write throughput', value: cells / writeS, unit: 'cells/s', note: `${(values / writeS / 1e6).toFixed(2)} M values/s; ${writeS.toFixed(1)} s to buffer, encode and write` },
      { stage, figure: 'read throughput, all columns', value: cells / readAllS, unit: 'cells/s', note: `${readAllS.toFixed(1)} s for the plate, by row group (hyparquet)` },
      { stage, figure: 'open: parse the footer', value: openS, unit: 's', note: `once per file (then cached); ${pf.metadata.row_groups.length * specs.length} column chunks` },
      { stage, figure: 'read 10 columns, whole plate', value: read10S, unit: 's', note: `footer already parsed; target < 2 s (with the footer ${(openS + read10S).toFixed(2)} s)` },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
