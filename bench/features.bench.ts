// Segmentation + all per-object measurements for one 512×512 five-channel site (~100 cells),
// on one core, against CellProfiler's published ~33 s per site for segmentation alone.
import type { BenchRow } from './types';
import { simulateSite } from '../src/main/core/simulate/site';
import { segmentCellsClassical, segmentNucleiClassical } from '../src/main/core/segment/classical';
import { toUnit } from '../src/main/core/segment/labels';
import { measureSite } from '../src/main/core/features/measure';
import type { Gray } from '../src/main/core/io/tiff';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export default async function (): Promise<BenchRow[]> {
  const s = simulateSite({ seed: 5, row: 4, col: 6, site: 1, size: 512, cellLine: 'U2OS', compound: null, doseMm: 0, density: 0.6 });
  const images: Record<string, Gray> = {};
  for (const ch of ['DNA', 'ER', 'RNA', 'AGP', 'Mito'] as const) images[ch] = { width: 512, height: 512, bitDepth: 16, data: s.channels[ch] };
  const seg: number[] = [];
  const meas: number[] = [];
  // CPU time of this (single) thread as well as wall time: on a shared machine the wall clock
  // counts other processes' turns, CPU time is what one free core would take.
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const segCpu: number[] = [];
  const measCpu: number[] = [];
  let cells = 0;
  let features = 0;
  for (let r = 0; r < 7; r++) {
    const c0 = cpu();
    const t0 = performance.now();
    const nuclei = segmentNucleiClassical(toUnit(images.DNA), 512, 512);
    const body = segmentCellsClassical(toUnit(images.ER), nuclei);
    const t1 = performance.now();
    const c1 = cpu();
    const m = measureSite(images, nuclei, body);
    const t2 = performance.now();
    const c2 = cpu();
    if (r === 0) continue; // warm-up
    seg.push((t1 - t0) / 1000);
    meas.push((t2 - t1) / 1000);
    segCpu.push(c1 - c0);
    measCpu.push(c2 - c1);
    cells = m.Cells.objectNumbers.length;
    features = m.Cells.names.length + m.Nuclei.names.length + m.Cytoplasm.names.length;
  }
  const total = median(seg) + median(meas);
  const totalCpu = median(segCpu) + median(measCpu);
  return [
    { stage: 'features', figure: 'segmentation, CPU time', value: median(segCpu), unit: 'cpu-s/site', note: 'one thread' },
    { stage: 'features', figure: 'measurements, CPU time', value: median(measCpu), unit: 'cpu-s/site', note: 'one thread' },
    { stage: 'features', figure: 'segmentation + measurements, CPU time', value: totalCpu, unit: 'cpu-s/site', note: 'target < 1 s per site per core' },
    { stage: 'features', figure: 'segmentation (classical, nuclei + cells)', value: median(seg), unit: 's/site', note: `512×512, ${cells} cells, 1 core` },
    { stage: 'features', figure: 'measurements (all modules, 3 compartments)', value: median(meas), unit: 's/site', note: `${features} features per cell, 5 channels` },
    { stage: 'features', figure: 'segmentation + measurements', value: total, unit: 's/site', note: 'target < 1 s per site per core' },
    { stage: 'features', figure: 'speed-up vs CellProfiler segmentation alone', value: 33 / totalCpu, unit: '×', note: 'CellProfiler ~33 s/site (published), by CPU time' },
  ];
}
