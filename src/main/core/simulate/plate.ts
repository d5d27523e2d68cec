/**
 * A whole demo plate: metadata in JUMP's layout, then every site rendered and written by a small
 * pool of worker threads (falling back to this thread when workers cannot start). Sites are
 * independent and individually seeded, so the bytes do not depend on scheduling.
 */
import { statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { PLATE_FORMATS, parseWellName, wellName, type PlateFormat } from '../../../shared/channels';
import { WorkerPool, WorkerStartError } from '../jobs/pool';
import { CELL_LINES, type CellLine } from './cellLines';
import { isEdge, plateLayout, platemapName, type WellPlan } from './layout';
import { readmeText, writeMetadata } from './metadata';
import { renderSiteFiles, type SiteDone, type SiteTask } from './siteFiles';

export interface SimulateOptions {
  out: string;
  format?: PlateFormat;
  sites?: number;
  size?: number;
  cellLine?: CellLine;
  seed?: number;
  /** well names (A01, B2 ...) or all wells when absent */
  wells?: string[] | null;
  barcode?: string | null;
  /** edge wells hold no cells and are left out of the plate map */
  emptyEdges?: boolean;
  /** worker threads; 0 renders in this thread; default: one per CPU (at most 4) */
  workers?: number;
  onProgress?: (p: { done: number; total: number; cells: number }) => void;
  /** stop early (e.g. job cancel): checked between sites */
  signal?: AbortSignal;
}

export interface SimulateResult {
  out: string;
  barcode: string;
  platemapName: string;
  format: PlateFormat;
  cellLine: CellLine;
  seed: number;
  size: number;
  wells: number;
  sites: number;
  cells: number;
  filesWritten: number;
  seconds: number;
  workers: number;
}

export class SimulateError extends Error {}

export function defaultBarcode(cellLine: CellLine, format: PlateFormat, seed: number): string {
  return `SIM-${cellLine}-${format}-${seed}`;
}

function validate(o: SimulateOptions) {
  const format = o.format ?? 384;
  if (!(format in PLATE_FORMATS)) throw new SimulateError(`format ${format} is not 96, 384 or 1536`);
  const sites = o.sites ?? 2;
  if (!Number.isInteger(sites) || sites < 1 || sites > 99) throw new SimulateError(`sites must be an integer from 1 to 99 (got ${sites})`);
  const size = o.size ?? 512;
  if (!Number.isInteger(size) || size < 64 || size > 4096) throw new SimulateError(`size must be an integer from 64 to 4096 px (got ${size})`);
  const cellLine = o.cellLine ?? 'A549';
  if (!CELL_LINES.includes(cellLine)) throw new SimulateError(`cell line "${cellLine}" is not one of ${CELL_LINES.join(', ')}`);
  const seed = o.seed ?? 1;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new SimulateError(`seed must be a non-negative 32-bit integer (got ${seed})`);
  const barcode = o.barcode ?? defaultBarcode(cellLine, format, seed);
  if (!/^[A-Za-z0-9._-]+$/.test(barcode)) throw new SimulateError(`barcode "${barcode}" may only use letters, digits, '.', '_' and '-'`);
  return { format, sites, size, cellLine, seed, barcode };
}

/** Which wells to image: all, or the named ones (validated against the format). */
function chooseWells(plans: WellPlan[], format: PlateFormat, names: string[] | null | undefined): WellPlan[] {
  if (!names || names.length === 0) return plans;
  const { rows, cols } = PLATE_FORMATS[format];
  const want = new Set<string>();
  for (const n of names) {
    const w = parseWellName(n);
    if (!w || w.row >= rows || w.col >= cols) throw new SimulateError(`well "${n}" is not a well of a ${format}-well plate`);
    want.add(wellName(w.row, w.col));
  }
  return plans.filter((p) => want.has(p.well));
}

export async function simulatePlate(opts: SimulateOptions): Promise<SimulateResult> {
  const t0 = performance.now();
  const { format, sites, size, cellLine, seed, barcode } = validate(opts);
  const out = resolve(opts.out);
  const st = statSync(out, { throwIfNoEntry: false });
  if (st && !st.isDirectory()) throw new SimulateError(`output ${out} exists and is not a folder`);
  const mapName = platemapName(format);
  const layout = plateLayout(format);
  const emptyEdges = !!opts.emptyEdges;
  const mapped = emptyEdges ? layout.filter((p) => !isEdge(format, p.row, p.col)) : layout;
  const imaged = chooseWells(layout, format, opts.wells);
  await mkdir(join(out, 'Images'), { recursive: true });
  await mkdir(join(out, 'groundtruth'), { recursive: true });
  const metaFiles = await writeMetadata(out, barcode, mapName, mapped);
  await writeFile(join(out, 'README.txt'), readmeText({ barcode, mapName, format, sites, size, cellLine, seed, wells: imaged.length, emptyEdges }));

  const tasks: SiteTask[] = [];
  for (const p of imaged) {
    const edge = isEdge(format, p.row, p.col);
    for (let site = 1; site <= sites; site++)
      tasks.push({
        out,
        seed,
        row: p.row,
        col: p.col,
        site,
        size,
        cellLine,
        broadSample: p.broadSample,
        doseMm: p.doseMm,
        // edge wells: evaporation leaves fewer, dimmer cells; or none when the edges are skipped
        density: edge ? (emptyEdges ? 0 : 0.85) : 1,
        brightness: edge && !emptyEdges ? 0.92 : 1,
      });
  }
  const want = opts.workers ?? Math.min(4, cpus().length);
  const nWorkers = Math.max(0, Math.min(want, tasks.length > 2 ? want : 0));
  let done = 0;
  let cells = 0;
  let files = metaFiles.length + 1;
  const record = (d: SiteDone) => {
    done++;
    cells += d.cells;
    files += d.files;
    opts.onProgress?.({ done, total: tasks.length, cells });
  };
  const usedWorkers = await runTasks(tasks, nWorkers, record, opts.signal);
  return {
    out,
    barcode,
    platemapName: mapName,
    format,
    cellLine,
    seed,
    size,
    wells: imaged.length,
    sites: tasks.length,
    cells,
    filesWritten: files,
    seconds: (performance.now() - t0) / 1000,
    workers: usedWorkers,
  };
}

/** Run tasks on a worker pool; any task a worker could not take runs in this thread. Returns workers used. */
async function runTasks(tasks: SiteTask[], nWorkers: number, onDone: (d: SiteDone) => void, signal?: AbortSignal): Promise<number> {
  let next = 0;
  // a progress callback may throw (a cancelled job does): stop handing out sites and rethrow it at the end
  let failure: unknown = null;
  const record = (d: SiteDone) => {
    if (failure) return;
    try {
      onDone(d);
    } catch (e) {
      failure = e;
    }
  };
  const take = () => (failure || signal?.aborted ? undefined : tasks[next++]);
  const pool = nWorkers > 0 ? new WorkerPool<SiteTask, SiteDone>(new URL('./site.worker.ts', import.meta.url), nWorkers) : null;
  const left: SiteTask[] = [];
  // one feeder per worker; a site whose worker never started comes back here, a site that fails is an error
  const feed = async () => {
    for (let t = take(); t; t = take()) {
      try {
        record(await pool!.run(t));
      } catch (e) {
        if (!(e instanceof WorkerStartError)) throw new SimulateError(`site ${t.row},${t.col} f${t.site}: ${(e as Error).message}`);
        left.push(t);
        return;
      }
    }
  };
  try {
    if (pool) await Promise.all(Array.from({ length: nWorkers }, feed));
    const used = pool?.size ?? 0;
    // whatever is left (no workers, or workers that failed to start) runs here
    for (const t of left) record(await renderSiteFiles(t));
    for (let t = take(); t; t = take()) record(await renderSiteFiles(t));
    if (failure) throw failure;
    if (signal?.aborted) throw new SimulateError('cancelled');
    return used;
  } finally {
    await pool?.close();
  }
}
