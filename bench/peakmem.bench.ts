// Peak memory of `metrics run` and `export --level cell` when a plate's per-cell table holds 1M
// cells (the full measured column set, the pipeline's storage layout): each command runs in its own
// process (bench/rss.ts) against a real workspace whose feature sets point at that table.
// BENCH_PEAKMEM_CELLS sets the number of cells (default 1,000,000), BENCH_PEAKMEM_FEATURES the
// feature columns (default 1,024, evenly spaced over the measured set): at ≥ 1,024 columns a row
// group holds its full 2^26 values, so the streamed readers hold as much data as with all ~4,500
// columns, while writing and rewriting the table takes a quarter of the time on two shared cores.
// The footer, which grows with groups × columns, is measured apart for the full column set.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './types';
import { measureBaseCells, synthCells } from './cellRows';
import { createCore } from '../src/main/core/core';
import { openFeatureSet, saveWellProfiles } from '../src/main/core/features/store';
import { CELL_METADATA } from '../src/main/core/features/pipeline';
import { cellFeatureSpecs, cellRowGroupRows } from '../src/main/core/features/cellStore';
import { parquetSink } from '../src/main/core/export/parquet';
import { wellName } from '../src/shared/channels';

const CELLS = Number(process.env.BENCH_PEAKMEM_CELLS ?? 1_000_000);
const FEATURES = Number(process.env.BENCH_PEAKMEM_FEATURES ?? 1024);
const root = dirname(dirname(fileURLToPath(import.meta.url)));

/** Peak RSS (MiB) and wall time of one CLI command in a fresh process. */
function measure(args: string[]): { mib: number; seconds: number } {
  const t = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench', 'rss.ts'), ...args], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const kib = Number(/maxrss (\d+)/.exec(r.stderr)?.[1]);
  if (r.status !== 0 || !kib) throw new Error(`${args.slice(0, 2).join(' ')} exited ${r.status}: ${r.stderr.trim().split('\n').slice(-2).join(' ')}`);
  return { mib: kib / 1024, seconds: (performance.now() - t) / 1000 };
}

/** Heap held by a parsed footer (fresh process, after GC). */
function footerMemory(file: string): { mib: number; bytes: number } {
  const code = `import { openParquet } from ${JSON.stringify(join(root, 'src/main/core/io/parquetRead.ts'))};
    globalThis.gc(); const h0 = process.memoryUsage().heapUsed;
    const pf = await openParquet(${JSON.stringify(file)});
    globalThis.gc(); console.log(JSON.stringify({ heap: process.memoryUsage().heapUsed - h0, bytes: pf.metadata.metadata_length }));`;
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`footer parse: ${r.stderr.slice(-300)}`);
  const o = JSON.parse(r.stdout.trim()) as { heap: number; bytes: number };
  return { mib: o.heap / 2 ** 20, bytes: o.bytes };
}

export default async function (): Promise<BenchRow[]> {
  const all = measureBaseCells(2);
  const pick = Array.from({ length: Math.min(FEATURES, all.names.length) }, (_, k) => Math.floor((k * all.names.length) / Math.min(FEATURES, all.names.length)));
  const base = { names: pick.map((j) => all.names[j]), columns: pick.map((j) => all.columns[j]), integral: pick.map((j) => all.integral[j]) };
  const ws = mkdtempSync(join(tmpdir(), 'stainless-bench-cellmem-'));
  try {
    const core = createCore({ workspace: ws, transport: 'inprocess' });
    const db = core.db;
    const plateId = (db.prepare(`INSERT INTO plates (barcode, format) VALUES ('MEM384', 384) RETURNING id`).get() as { id: number }).id;
    const runId = (db.prepare(`INSERT INTO runs (plate_id, model_name, provider, status) VALUES (?, 'bench-model', 'cpu', 'done') RETURNING id`).get(plateId) as { id: number }).id;
    const insCpd = db.prepare(`INSERT INTO compounds (broad_sample, moa, control_type) VALUES (?, ?, ?) RETURNING id`);
    const dmso = (insCpd.get('DMSO', null, 'negcon') as { id: number }).id;
    const cpds = Array.from({ length: 22 }, (_, k) => (insCpd.get(`BRD-${k}`, `moa${k % 4}`, null) as { id: number }).id);
    const insWell = db.prepare(`INSERT INTO wells (plate_id, row, col, name, control_type, compound_id) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`);
    const wells = Array.from({ length: 384 }, (_, w) => {
      const row = Math.floor(w / 24);
      const col = w % 24;
      const neg = col < 2;
      return { name: wellName(row, col), id: (insWell.get(plateId, row, col, wellName(row, col), neg ? 'negcon' : 'trt', neg ? dmso : cpds[col - 2]) as { id: number }).id };
    });

    // the per-cell table: ~2,600 cells per well, written in the pipeline's row groups
    const file = join(ws, 'features', 'MEM384', 'acquired.cells.parquet');
    const specs = [...CELL_METADATA, ...cellFeatureSpecs(base.names)];
    const sink = await parquetSink(file, specs, { 'stainless.plate': 'MEM384' });
    const group = cellRowGroupRows(specs.length);
    const perWell = Math.ceil(CELLS / wells.length);
    for (let start = 0, g = 0; start < CELLS; start += group, g++) {
      const n = Math.min(group, CELLS - start);
      const feats = synthCells(base, n, g + 1);
      const well = (i: number) => wells[Math.min(wells.length - 1, Math.floor((start + i) / perWell))];
      const rep = <T>(v: T) => Array.from({ length: n }, () => v);
      await sink.write([
        rep('MEM384'),
        Array.from({ length: n }, (_, i) => well(i).name),
        new Int32Array(n).fill(1),
        Int32Array.from({ length: n }, (_, i) => ((start + i) % perWell) + 1),
        ...CELL_METADATA.slice(4, -3).map((c) => (c.kind === 'double' ? rep(null) : rep(null))),
        rep('acquired'),
        rep(null),
        new Int32Array(n),
        ...feats.map((f, j) => (specs[CELL_METADATA.length + j].kind === 'float32' ? Float32Array.from(f) : f)),
      ]);
    }
    await sink.finish();
    const bytes = statSync(file).size;

    // per-well profiles for both sets (medians of resampled cells), both pointing at the table
    const profiles = synthCells(base, wells.length, 99);
    const names = ['Count_Cells', 'Count_Nuclei', ...base.names];
    const columns = [new Float64Array(wells.length).fill(perWell), new Float64Array(wells.length).fill(perWell), ...profiles];
    for (const [source, run] of [['acquired', null], ['synthetic', runId]] as const)
      saveWellProfiles(db, openFeatureSet(db, { plateId, source, runId: run, method: 'classical', modelName: run ? 'bench-model' : null }), {
        wellIds: Int32Array.from(wells, (w) => w.id),
        negcon: Uint8Array.from(wells, (_, w) => (w % 24 < 2 ? 1 : 0)),
        names,
        columns: columns.map((c, j) => (j < 2 ? c : c.map((v, w) => v * (1 + 0.01 * (source === 'synthetic' ? (w % 7) - 3 : 0))))),
        nSites: wells.length,
        nCells: CELLS,
        cellsPath: file,
        seconds: 1,
      });
    core.close();

    // the footer grows with row groups × columns: parse the footer a 1M-cell table of the full
    // measured column set would have (same groups and columns, 16 rows a group) in its own process
    const fullSpecs = [...CELL_METADATA, ...cellFeatureSpecs(all.names)];
    const fullGroups = Math.ceil(1_000_000 / cellRowGroupRows(fullSpecs.length));
    const footerFile = join(ws, 'footer.parquet');
    const fsink = await parquetSink(footerFile, fullSpecs);
    const few = synthCells(all, 16, 5);
    for (let g = 0; g < fullGroups; g++)
      await fsink.write([
        ...CELL_METADATA.map((c) => (c.kind === 'int' ? new Int32Array(16) : Array.from({ length: 16 }, () => (c.kind === 'string' ? 'A01' : null)))),
        ...few,
      ]);
    await fsink.finish();
    const footer = footerMemory(footerFile);

    const wsArgs = ['--workspace', ws];
    mkdirSync(join(ws, 'out'));
    const metrics = measure(['metrics', 'run', '--run', String(runId), ...wsArgs]);
    const exp = measure(['export', '--plate', 'MEM384', '--level', 'cell', '--format', 'parquet', '--precision', 'double', '--source', 'acquired', '--out', join(ws, 'out', 'cells.parquet'), ...wsArgs]);
    // CSV is text (~20 GB for 1M cells × 1,900 columns): opt in with BENCH_PEAKMEM_CSV=1
    const csv = process.env.BENCH_PEAKMEM_CSV
      ? measure(['export', '--plate', 'MEM384', '--level', 'cell', '--format', 'csv', '--source', 'acquired', '--out', join(ws, 'out', 'cells.csv'), ...wsArgs])
      : null;
    const table = `${CELLS} cells × ${specs.length} columns (${base.names.length} features), ${Math.ceil(CELLS / group)} row groups of ${group}, ${(bytes / 2 ** 30).toFixed(2)} GiB`;
    return [
      { stage: 'cells 1M', figure: 'peak memory, metrics run', value: metrics.mib, unit: 'MiB', note: `${table}; ${metrics.seconds.toFixed(0)} s; target < 1 GB` },
      { stage: 'cells 1M', figure: 'footer of a full-column 1M-cell table, parsed', value: footer.mib, unit: 'MiB', note: `${fullGroups} row groups × ${fullSpecs.length} columns; ${(footer.bytes / 2 ** 20).toFixed(1)} MiB of footer; heap it holds once parsed` },
      { stage: 'cells 1M', figure: 'peak memory, export --level cell --precision double', value: exp.mib, unit: 'MiB', note: `Parquet rewrite, every column streamed by row group; ${exp.seconds.toFixed(0)} s; target < 1 GB` },
      ...(csv ? [{ stage: 'cells 1M', figure: 'peak memory, export --level cell --format csv', value: csv.mib, unit: 'MiB', note: `${CELLS} cells; ${csv.seconds.toFixed(0)} s; target < 1 GB` }] : []),
    ];
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}
