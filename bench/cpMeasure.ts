// cp_measure's CPU time for the site features.bench.ts measures (bench/cp_measure_time.py, same
// images, labels and channels), set beside Stainless' figures of the same per-object modules.
// cp_measure is found through STAINLESS_CP_MEASURE_PYTHONPATH (see cp_measure_time.py's header).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchRow } from './types';
import { writeTiff, type Gray } from '../src/main/core/io/tiff';

/** Stainless' modules (measureSite's `cpu` keys) with no cp_measure counterpart, and what each is */
const LACKING: Record<string, string> = {
  image: 'the Image_ set',
  tubeness: 'EnhanceOrSuppressFeatures (tubeness)',
  centredRadial: 'radial distribution of mito_tubeness around the nuclei',
};

/** Which per-object module makes a column (unprefixed name); undefined for those cp_measure lacks or never times. */
function moduleOf(name: string): string | undefined {
  if (name.startsWith('AreaShape_')) return 'areaShape';
  if (name.startsWith('Neighbors_')) return 'neighbors';
  if (name.startsWith('Intensity_') || /^Location_(CenterMassIntensity|MaxIntensity)_/.test(name)) return 'intensity';
  if (name.startsWith('Granularity_')) return 'granularity';
  if (name.startsWith('Texture_')) return 'texture';
  if (name.startsWith('RadialDistribution_')) return name.includes('_mito_tubeness') ? undefined : 'radial';
  if (name.startsWith('Correlation_')) return 'colocalization';
  return undefined;
}

interface CpMeasureRun {
  cpu_seconds: number;
  modules: Record<string, number>;
  columns: Record<string, number>;
  objects: Record<string, number>;
  numba: boolean;
}

// the same statistic as features.bench.ts: the least-disturbed run
const least = (xs: number[]) => Math.min(...xs);

/**
 * Runs cp_measure on the site and returns its rows. measCpu: Stainless' measurement CPU-s per rep;
 * modCpu: per module, CPU-s per rep (same reps); names: the column names of each compartment.
 */
export async function cpMeasureRows(
  pythonPath: string,
  images: Record<string, Gray>,
  labels: { nuclei: Gray; cells: Gray },
  measCpu: number[],
  modCpu: Record<string, number[]>,
  names: string[][],
): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'stainless-bench-cpm-'));
  let res: CpMeasureRun;
  try {
    for (const [ch, g] of Object.entries(images)) await writeTiff(join(dir, `${ch}.tiff`), g);
    await writeTiff(join(dir, 'nuclei.tiff'), labels.nuclei);
    await writeTiff(join(dir, 'cells.tiff'), labels.cells);
    const script = new URL('./cp_measure_time.py', import.meta.url).pathname;
    const out = execFileSync('/usr/bin/python3', ['-W', 'ignore', script, dir, ...Object.keys(images)], { env: { ...process.env, PYTHONPATH: pythonPath }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    res = JSON.parse(out) as CpMeasureRun;
  } catch (e) {
    // Stainless' own rows stand without it; say why cp_measure's are missing
    const why = String((e as { stderr?: string }).stderr || (e as Error).message).trim().split('\n').pop();
    return [{ stage: 'features', figure: 'cp_measure, same site, labels and per-object modules, CPU time', value: NaN, unit: 'cpu-s/site', note: `cp_measure_time.py failed: ${why}` }];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // Stainless' side of the like-for-like figure: every rep's measurement time less the modules
  // cp_measure lacks (scaling, object indexing and table assembly stay in: the shared modules need them)
  const same = measCpu.map((t, r) => t - Object.keys(LACKING).reduce((a, k) => a + (modCpu[k]?.[r] ?? 0), 0));
  const ours: Record<string, number> = {};
  for (const n of names.flat()) {
    const k = moduleOf(n);
    if (k) ours[k] = (ours[k] ?? 0) + 1;
  }
  const objects = Object.entries(res.objects).map(([c, n]) => `${n} ${c}`).join(', ');
  const lacking = Object.keys(LACKING).filter((k) => modCpu[k]);
  const rows: BenchRow[] = [
    { stage: 'features', figure: 'cp_measure, same site, labels and per-object modules, CPU time', value: res.cpu_seconds, unit: 'cpu-s/site', note: `cp_measure 0.2.0 (${res.numba ? 'numba' : 'numpy'} path), one thread, one run; ${objects}` },
    { stage: 'features', figure: 'Stainless, the same per-object modules, CPU time', value: least(same), unit: 'cpu-s/site', note: `the set less ${lacking.map((k) => `${k} ${least(modCpu[k]).toFixed(2)}`).join(', ')} (cp_measure lacks ${lacking.map((k) => LACKING[k]).join('; ')})` },
    { stage: 'features', figure: 'cp_measure / Stainless, same per-object modules', value: res.cpu_seconds / least(same), unit: '×', note: 'ratio of CPU times' },
    { stage: 'features', figure: 'cp_measure / Stainless, whole JUMP set', value: res.cpu_seconds / least(measCpu), unit: '×', note: 'a lower bound: cp_measure does not measure the modules above' },
  ];
  for (const k of Object.keys(res.modules)) {
    const s = modCpu[k];
    rows.push({
      stage: 'features',
      figure: `  module ${k}, cp_measure / Stainless`,
      value: s ? res.modules[k] / least(s) : NaN,
      unit: '×',
      note: `cp_measure ${res.modules[k].toFixed(2)} cpu-s; columns: cp_measure ${res.columns[k]}, Stainless ${ours[k] ?? 0}`,
    });
  }
  return rows;
}
