// Real cells of the 384-well demo plate (A549, seed 1, one 512² site a well, as `stainless demo`
// renders it) for the storage benchmarks: sites spread over the plate map are simulated, segmented
// and measured by the pipeline's own code, once, and cached under .cache/bench-demo-cells/<key>/
// (the key hashes the code that makes them, so a change to the simulator, segmentation or a
// measurement re-measures). Measuring is ~10 cpu-s a site; fill the cache ahead with
// `npx tsx bench/demoCells.ts [sites]`.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simulateSite } from '../src/main/core/simulate/site';
import { isEdge, plateLayout } from '../src/main/core/simulate/layout';
import { segmentCellsClassical, segmentNucleiClassical } from '../src/main/core/segment/classical';
import { toUnit } from '../src/main/core/segment/labels';
import { measureSite } from '../src/main/core/features/measure';
import { cellTable } from '../src/main/core/features/cellTable';
import type { Gray } from '../src/main/core/io/tiff';

const root = dirname(dirname(fileURLToPath(import.meta.url)));

export interface DemoCells {
  names: string[];
  /** column j over every cell of the measured sites, site after site (the pipeline's row order) */
  columns: Float64Array[];
  /** the sites' wells and cell counts, in row order */
  sites: Array<{ well: string; cells: number }>;
}

/** features/ modules that store, look up or schedule cells: they do not change a value */
const NOT_MEASUREMENT = new Set(['cellStore.ts', 'cellRow.ts', 'cellAt.ts', 'store.ts', 'pipeline.ts', 'job.ts', 'pool.ts', 'plateSites.ts', 'profiles.ts', 'siteTask.ts', 'features.worker.ts']);

/** sha1 of every source file that decides the cells and their values */
function codeKey(): string {
  const h = createHash('sha1');
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !NOT_MEASUREMENT.has(e.name)) h.update(e.name).update(readFileSync(p));
    }
  };
  for (const d of ['simulate', 'segment', 'features']) walk(join(root, 'src/main/core', d));
  return h.digest('hex').slice(0, 12);
}

/** `count` wells spread evenly over the demo plate map (controls, compounds and edges alike) */
function demoWells(count: number) {
  const layout = plateLayout(384);
  const n = Math.min(count, layout.length);
  return Array.from({ length: n }, (_, k) => layout[Math.floor((k * layout.length) / n)]);
}

/** One site, as the demo plate and the classical segmentation pipeline make it. */
function measureWell(p: ReturnType<typeof demoWells>[number]) {
  const edge = isEdge(384, p.row, p.col);
  const im = simulateSite({ seed: 1, row: p.row, col: p.col, site: 1, size: 512, cellLine: 'A549', compound: p.compound, doseMm: p.doseMm, density: edge ? 0.85 : 1, brightness: edge ? 0.92 : 1 });
  const images: Record<string, Gray> = {};
  for (const ch of ['DNA', 'ER', 'RNA', 'AGP', 'Mito'] as const) images[ch] = { width: 512, height: 512, bitDepth: 16, data: im.channels[ch] };
  const nuclei = segmentNucleiClassical(toUnit(images.DNA), 512, 512);
  const cells = segmentCellsClassical(toUnit(images.ER), nuclei);
  return cellTable(measureSite(images, nuclei, cells));
}

/**
 * Real cells of `count` demo sites, measured on first use and read from the cache after.
 * Cache file per site: names (JSON line) then the columns as float64, column-major.
 */
export function demoCells(count: number, log: (s: string) => void = () => {}): DemoCells {
  const dir = join(root, '.cache', 'bench-demo-cells', codeKey());
  mkdirSync(dir, { recursive: true });
  let names: string[] | null = null;
  const parts: Float64Array[][] = [];
  const sites: DemoCells['sites'] = [];
  const wells = demoWells(count);
  wells.forEach((p, k) => {
    const file = join(dir, `${p.well}.bin`);
    let siteNames: string[];
    let cols: Float64Array[];
    if (existsSync(file)) {
      const buf = readFileSync(file);
      const nl = buf.indexOf(10);
      siteNames = JSON.parse(buf.subarray(0, nl).toString('utf8')) as string[];
      const body = buf.subarray(nl + 1);
      const all = new Float64Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
      const n = all.length / siteNames.length;
      cols = siteNames.map((_, j) => all.subarray(j * n, (j + 1) * n));
    } else {
      const t = performance.now();
      const tab = measureWell(p);
      siteNames = tab.names;
      cols = tab.columns;
      const n = cols[0]?.length ?? 0;
      const all = new Float64Array(n * cols.length);
      cols.forEach((c, j) => all.set(c, j * n));
      writeFileSync(`${file}.partial`, Buffer.concat([Buffer.from(JSON.stringify(siteNames) + '\n'), Buffer.from(all.buffer)]));
      renameSync(`${file}.partial`, file);
      log(`measured demo site ${p.well} (${k + 1}/${wells.length}): ${n} cells, ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
    if (names && names.join('\t') !== siteNames.join('\t')) throw new Error(`${file}: columns differ from the other sites'`);
    names = siteNames;
    parts.push(cols);
    sites.push({ well: p.well, cells: cols[0]?.length ?? 0 });
  });
  const total = sites.reduce((s, x) => s + x.cells, 0);
  const columns = (names ?? []).map((_, j) => {
    const out = new Float64Array(total);
    let o = 0;
    for (const cols of parts) out.set(cols[j], (o += cols[j].length) - cols[j].length);
    return out;
  });
  return { names: names ?? [], columns, sites };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const d = demoCells(Number(process.argv[2] ?? 48), (s) => console.error(s));
  console.error(`${d.sites.length} demo sites, ${d.columns[0]?.length ?? 0} cells × ${d.names.length} columns cached`);
}
