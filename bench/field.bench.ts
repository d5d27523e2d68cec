// The field's per-cell layouts (issue 18): `export --layout cytotable` and `--format sqlite` of a
// per-cell store synthesised from real measurements (bench/cellRows.ts), BENCH_FIELD_WELLS wells of
// 292 cells (default 60: 17,520 cells × ~4,600 columns, two row groups), each export run by the
// CLI in a fresh process: stored values per second (wall time, process start included), output
// bytes per value, and the process's peak RSS.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore } from '../src/main/core/core';
import { parquetSink } from '../src/main/core/export/parquet';
import type { ColumnValues } from '../src/main/core/export/table';
import { cellFeatureSpecs, cellRowGroupRows } from '../src/main/core/features/cellStore';
import { CELL_METADATA } from '../src/main/core/features/pipeline';
import { wellName } from '../src/shared/channels';
import { measureBaseCells, synthCells } from './cellRows';
import type { BenchRow } from './types';

const WELLS = Number(process.env.BENCH_FIELD_WELLS ?? 60);
const PER_WELL = 292;
const root = dirname(dirname(fileURLToPath(import.meta.url)));

/** Wall time and peak RSS (MiB) of one CLI command in a fresh process (bench/rss.ts), with its summary line. */
function inChild(args: string[]): { seconds: number; peakMiB: number; say: string } {
  const t = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench', 'rss.ts'), ...args], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 });
  const kib = Number(/maxrss (\d+)/.exec(r.stderr)?.[1]);
  if (r.status !== 0 || !kib) throw new Error(`${args.slice(0, 4).join(' ')} exited ${r.status}: ${r.stderr.trim().split('\n').slice(-2).join(' ')}`);
  const say = `${r.stdout}\n${r.stderr}`.split('\n').find((l) => / (rows|cells) /.test(l) && l.includes(': ')) ?? '';
  return { seconds: (performance.now() - t) / 1000, peakMiB: kib / 1024, say };
}

/** Concatenates the buffered sites' columns into one row group's. */
function concat(pending: ColumnValues[][], columns: number): ColumnValues[] {
  return Array.from({ length: columns }, (_, j) => {
    const parts = pending.map((p) => p[j]);
    if (Array.isArray(parts[0])) return (parts as Array<Array<string | number | null>>).flat();
    const out = new (parts[0].constructor as Float64ArrayConstructor)(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts as Float64Array[]) out.set(p, (o += p.length) - p.length);
    return out;
  });
}

export default async function (): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'stainless-bench-field-'));
  try {
    const base = measureBaseCells(2);
    const specs = [...CELL_METADATA, ...cellFeatureSpecs(base.names)];
    const store = join(dir, 'plate.cells.parquet');
    const sink = await parquetSink(store, specs);
    const groupRows = cellRowGroupRows(specs.length);
    const ws = join(dir, 'ws');
    mkdirSync(ws);
    const core = createCore({ workspace: ws, transport: 'inprocess' });
    const db = core.db;
    const plateId = (db.prepare(`INSERT INTO plates (barcode, format) VALUES ('BENCH384', 384) RETURNING id`).get() as { id: number }).id;
    let pending: ColumnValues[][] = [];
    let rows = 0;
    for (let w = 0; w < WELLS; w++) {
      const well = wellName(Math.floor(w / 24), w % 24);
      const wid = (db.prepare(`INSERT INTO wells (plate_id, row, col, name) VALUES (?, ?, ?, ?) RETURNING id`).get(plateId, Math.floor(w / 24), w % 24, well) as { id: number }).id;
      db.prepare(`INSERT INTO sites (well_id, field) VALUES (?, 1)`).run(wid);
      const n = PER_WELL;
      const rep = <T>(v: T) => Array.from({ length: n }, () => v);
      const feats = synthCells(base, n, w + 1);
      pending.push([
        rep('BENCH384'),
        rep(well),
        new Int32Array(n).fill(1),
        Int32Array.from({ length: n }, (_, i) => i + 1),
        ...CELL_METADATA.slice(4, -3).map((c) => (c.kind === 'double' ? rep(10) : rep('BRD-K00001'))),
        rep('acquired'),
        rep(null),
        Int32Array.from({ length: n }, (_, i) => (i % 10 === 0 ? 1 : 0)),
        ...feats.map((f, j) => (specs[CELL_METADATA.length + j].kind === 'float32' ? Float32Array.from(f) : f)),
      ]);
      rows += n;
      if (rows >= groupRows || w === WELLS - 1) {
        await sink.write(concat(pending, specs.length));
        pending = [];
        rows = 0;
      }
    }
    await sink.finish();
    db.prepare(`INSERT INTO feature_sets (plate_id, source, run_id, method, status, cells_path) VALUES (?, 'acquired', NULL, 'classical', 'done', ?)`).run(plateId, store);
    core.close();
    const cells = WELLS * PER_WELL;
    const values = cells * specs.length;
    const note = `${cells} cells × ${specs.length} columns (${WELLS} wells, 1 in 10 cells on the border)`;
    const out: BenchRow[] = [];
    for (const [stage, file, flags] of [
      ['field cytotable', 'cytotable.parquet', ['--layout', 'cytotable']],
      ['field sqlite', 'cells.sqlite', ['--format', 'sqlite']],
    ] as const) {
      const target = join(dir, file);
      const r = inChild(['export', '--plate', 'BENCH384', '--source', 'acquired', ...flags, '--out', target, '--workspace', ws]);
      out.push(
        { stage, figure: 'throughput', value: values / r.seconds / 1e6, unit: 'M values/s', note: `${r.seconds.toFixed(1)} s in a fresh CLI process; ${note}` },
        { stage, figure: 'file size', value: statSync(target).size / values, unit: 'B/value', note: r.say.replace(/^.*?: /, '').slice(0, 160) },
        { stage, figure: 'peak RSS', value: r.peakMiB, unit: 'MiB', note: `store row groups of ${groupRows} rows` },
      );
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
