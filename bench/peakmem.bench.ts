// Peak memory of `metrics run` and `export --level cell` when a plate's per-cell table holds 1M
// cells of the full measured column set in the pipeline's storage layout: each command runs in its
// own process (bench/rss.ts) against a real workspace whose feature sets point at that table.
// The table is real demo-plate cells (bench/demoCells.ts) written by the pipeline's sink into two
// distinct row groups, then repeated group by group to 1M cells (bench/parquetRepeat.ts): the same
// groups, columns, page sizes and footer as a written plate, in minutes instead of ~1.5 h.
// BENCH_PEAKMEM_CELLS sets the cells (default 1,000,000); BENCH_PEAKMEM_EXPORT_S stops an export
// after that many seconds (default 300; 0 = run to the end, ~20 min for --precision double here):
// the readers stream one group at a time, so the peak is reached within the first groups; the
// writer's footer, which grows to the end, is measured apart (BENCH_PEAKMEM_FOOTER_ONLY=1 runs
// only that).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './types';
import { demoCells } from './demoCells';
import { repeatRowGroups } from './parquetRepeat';
import { synthCells } from './cellRows';
import { createCore } from '../src/main/core/core';
import { openFeatureSet, saveWellProfiles } from '../src/main/core/features/store';
import { CELL_METADATA } from '../src/main/core/features/pipeline';
import { cellFeatureSpecs, cellRowGroupRows } from '../src/main/core/features/cellStore';
import { parquetSink } from '../src/main/core/export/parquet';
import { wellName } from '../src/shared/channels';

const CELLS = Number(process.env.BENCH_PEAKMEM_CELLS ?? 1_000_000);
const EXPORT_S = Number(process.env.BENCH_PEAKMEM_EXPORT_S ?? 300);
const root = dirname(dirname(fileURLToPath(import.meta.url)));

const vmHwmKib = (pid: number): number => {
  try {
    return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
};

/**
 * Peak RSS (MiB, the process's own VmHWM) and wall time of one CLI command in a fresh process;
 * with `limitS` the command is stopped after that long (peak sampled every 0.2 s until then).
 */
function measure(args: string[], limitS = 0): Promise<{ mib: number; seconds: number; stopped: boolean }> {
  const t = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench', 'rss.ts'), ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let peak = 0;
  let stopped = false;
  child.stderr.on('data', (d: Buffer) => void (stderr = (stderr + d.toString()).slice(-20000)));
  const poll = setInterval(() => {
    peak = Math.max(peak, vmHwmKib(child.pid!));
    if (limitS > 0 && !stopped && performance.now() - t > limitS * 1000) {
      stopped = true;
      child.kill('SIGTERM');
    }
  }, 200);
  return new Promise((resolve, reject) =>
    child.on('close', (code) => {
      clearInterval(poll);
      const own = Number(/maxrss (\d+)/.exec(stderr)?.[1] ?? 0);
      const kib = Math.max(peak, own);
      if ((!stopped && code !== 0) || !kib) return reject(new Error(`${args.slice(0, 2).join(' ')} exited ${code}: ${stderr.trim().split('\n').slice(-2).join(' ')}`));
      resolve({ mib: kib / 1024, seconds: (performance.now() - t) / 1000, stopped });
    }),
  );
}

/** Memory an opened (indexed) footer holds, heap and buffers (fresh process, after GC). */
function footerMemory(file: string): Promise<{ mib: number; bytes: number; seconds: number }> {
  const code = `import { openParquet } from ${JSON.stringify(join(root, 'src/main/core/io/parquetRead.ts'))};
    const used = () => { globalThis.gc(); const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };
    const m0 = used(); const t = performance.now();
    const pf = await openParquet(${JSON.stringify(file)});
    const s = (performance.now() - t) / 1000;
    console.log(JSON.stringify({ used: used() - m0, bytes: pf.footer.bytes.length, seconds: s, groups: pf.metadata.row_groups.length }));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', code], { cwd: root });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => void (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => void (err += d.toString()));
    child.on('close', (c) => {
      if (c !== 0) return reject(new Error(`footer open: ${err.slice(-300)}`));
      const o = JSON.parse(out.trim()) as { used: number; bytes: number; seconds: number };
      resolve({ mib: o.used / 2 ** 20, bytes: o.bytes, seconds: o.seconds });
    });
  });
}

/**
 * Bytes the export's writer holds at its end, beyond what it holds from the first group on: its
 * footer, kept as thrift bytes. Measured as the footer of a file with the export's row groups
 * and columns, one row a group (a chunk's footer entry does not depend on its rows).
 */
async function outputFooterBytes(dir: string, names: string[], groups: number): Promise<number> {
  const specs = [...CELL_METADATA, ...cellFeatureSpecs(names, 'double')];
  const file = join(dir, 'footer-only.parquet');
  const sink = await parquetSink(file, specs, { 'stainless.plate': 'MEM384' });
  const row = specs.map((c) => (c.kind === 'int' ? Int32Array.of(1) : c.kind === 'float64' || c.kind === 'float32' ? Float64Array.of(0.123456789) : [c.kind === 'string' ? 'A01' : null]));
  for (let g = 0; g < groups; g++) await sink.write(row);
  await sink.finish();
  const buf = readFileSync(file);
  rmSync(file);
  return buf.readUInt32LE(buf.length - 8);
}

export default async function (): Promise<BenchRow[]> {
  const base = demoCells(96, (m) => console.error(m));
  if (process.env.BENCH_PEAKMEM_FOOTER_ONLY) {
    const specsN = CELL_METADATA.length + base.names.length;
    const groupRows = cellRowGroupRows(specsN);
    const inGroups = Math.ceil(CELLS / groupRows);
    const dir = mkdtempSync(join(tmpdir(), 'stainless-bench-footer-'));
    try {
      const t = performance.now();
      const bytes = await outputFooterBytes(dir, base.names, inGroups);
      return [{ stage: 'cells 1M', figure: 'export --precision double: output footer at the end', value: bytes / 2 ** 20, unit: 'MiB', note: `${inGroups} groups (the rewrite keeps the stored ones) × ${specsN} columns = ${inGroups * specsN} chunks, ${(bytes / (inGroups * specsN)).toFixed(0)} B each; ${((performance.now() - t) / 1000).toFixed(0)} s` }];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const pool = base.columns[0].length;
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

    // two distinct row groups of real cells (consecutive windows of the pool, so no cell repeats inside a group), written by
    // the pipeline's sink in its row-group size, then repeated to CELLS rows
    const specs = [...CELL_METADATA, ...cellFeatureSpecs(base.names)];
    const group = cellRowGroupRows(specs.length);
    const groups = Math.ceil(CELLS / group);
    const perWell = Math.ceil((groups * group) / wells.length);
    const seed = join(ws, 'two-groups.parquet');
    const sink = await parquetSink(seed, specs, { 'stainless.plate': 'MEM384' });
    let t = performance.now();
    for (let g = 0; g < Math.min(2, groups); g++) {
      const start = g * group;
      const row = (i: number) => (start + i) % pool;
      const well = (i: number) => wells[Math.min(wells.length - 1, Math.floor((start + i) / perWell))];
      const rep = <T>(v: T) => Array.from({ length: group }, () => v);
      await sink.write([
        rep('MEM384'),
        Array.from({ length: group }, (_, i) => well(i).name),
        new Int32Array(group).fill(1),
        Int32Array.from({ length: group }, (_, i) => ((start + i) % perWell) + 1),
        ...CELL_METADATA.slice(4, -3).map(() => rep(null)),
        rep('acquired'),
        rep(null),
        new Int32Array(group),
        ...base.columns.map((c, j) => {
          const out = specs[CELL_METADATA.length + j].kind === 'float32' ? new Float32Array(group) : new Float64Array(group);
          for (let i = 0; i < group; i++) out[i] = c[row(i)];
          return out;
        }),
      ]);
    }
    await sink.finish();
    const writeS = (performance.now() - t) / 1000;
    const file = join(ws, 'features', 'MEM384', 'acquired.cells.parquet');
    mkdirSync(dirname(file), { recursive: true });
    t = performance.now();
    const cells = repeatRowGroups(seed, file, groups);
    const repeatS = (performance.now() - t) / 1000;
    rmSync(seed);
    const bytes = statSync(file).size;

    // per-well profiles for both sets (medians of resampled cells), both pointing at the table
    const names = ['Count_Cells', 'Count_Nuclei', ...base.names];
    const profiles = synthCells({ names: base.names, columns: base.columns, integral: base.columns.map(() => false) }, wells.length, 99);
    const columns = [new Float64Array(wells.length).fill(perWell), new Float64Array(wells.length).fill(perWell), ...profiles];
    for (const [source, run] of [['acquired', null], ['synthetic', runId]] as const)
      saveWellProfiles(db, openFeatureSet(db, { plateId, source, runId: run, method: 'classical', modelName: run ? 'bench-model' : null }), {
        wellIds: Int32Array.from(wells, (w) => w.id),
        negcon: Uint8Array.from(wells, (_, w) => (w % 24 < 2 ? 1 : 0)),
        names,
        columns: columns.map((c, j) => (j < 2 ? c : c.map((v, w) => v * (1 + 0.01 * (source === 'synthetic' ? (w % 7) - 3 : 0))))),
        nSites: wells.length,
        nCells: cells,
        cellsPath: file,
        seconds: 1,
      });
    core.close();

    const footer = await footerMemory(file);
    const wsArgs = ['--workspace', ws];
    mkdirSync(join(ws, 'out'));
    const metrics = await measure(['metrics', 'run', '--run', String(runId), ...wsArgs]);
    const exp = await measure(['export', '--plate', 'MEM384', '--level', 'cell', '--format', 'parquet', '--precision', 'double', '--source', 'acquired', '--out', join(ws, 'out', 'cells.parquet'), ...wsArgs], EXPORT_S);
    const expOut = (() => {
      try {
        return statSync(join(ws, 'out', exp.stopped ? 'cells.parquet.partial' : 'cells.parquet')).size;
      } catch {
        return 0;
      }
    })();
    rmSync(join(ws, 'out'), { recursive: true, force: true });
    mkdirSync(join(ws, 'out'));
    // CSV is text (~50 GB for 1M cells × 4,500 columns): opt in with BENCH_PEAKMEM_CSV=1
    const csv = process.env.BENCH_PEAKMEM_CSV
      ? await measure(['export', '--plate', 'MEM384', '--level', 'cell', '--format', 'csv', '--source', 'acquired', '--out', join(ws, 'out', 'cells.csv'), ...wsArgs], EXPORT_S)
      : null;
    const table = `${cells} cells × ${specs.length} columns, ${groups} row groups of ${group}, ${(bytes / 2 ** 30).toFixed(2)} GiB (2 distinct groups of ${pool} real demo cells written in ${writeS.toFixed(0)} s, repeated in ${repeatS.toFixed(0)} s)`;
    const partial = (r: { stopped: boolean; seconds: number }, out: number) => (r.stopped ? `stopped after ${r.seconds.toFixed(0)} s with ${(out / 2 ** 30).toFixed(2)} GiB written (streamed: the peak comes in the first groups)` : `${r.seconds.toFixed(0)} s`);
    return [
      { stage: 'cells 1M', figure: 'peak memory, metrics run', value: metrics.mib, unit: 'MiB', note: `${table}; ${metrics.seconds.toFixed(0)} s; target < 1 GB` },
      { stage: 'cells 1M', figure: 'footer indexed (heap + buffers)', value: footer.mib, unit: 'MiB', note: `${groups * specs.length} column chunks, ${(footer.bytes / 2 ** 20).toFixed(1)} MiB of footer, opened in ${footer.seconds.toFixed(2)} s` },
      { stage: 'cells 1M', figure: 'peak memory, export --level cell --precision double', value: exp.mib, unit: 'MiB', note: `Parquet rewrite, each row group column batch by column batch; ${partial(exp, expOut)}; target < 1 GB` },
      ...(csv ? [{ stage: 'cells 1M', figure: 'peak memory, export --level cell --format csv', value: csv.mib, unit: 'MiB', note: `${partial(csv, 0)}; target < 1 GB` }] : []),
    ];
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}
