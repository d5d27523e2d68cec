// Demo-plate simulator: sites per second for a 384-well, 1-site, 512-px plate written to disk
// (eight 16-bit channels + two label images per site, worker threads), and single-thread render
// cost per site for each cell line.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchRow } from './types';
import { simulatePlate, simulateSite, type CellLine } from '../src/main/core/simulate';

export default async function (): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const cellLine of ['A549', 'U2OS'] as CellLine[]) {
    simulateSite({ seed: 1, row: 0, col: 0, site: 1, size: 512, cellLine, compound: null, doseMm: 0 }); // warm up (textures, JIT)
    const n = 8;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) simulateSite({ seed: 1, row: 1 + i, col: 1, site: 1, size: 512, cellLine, compound: null, doseMm: 0 });
    const c = process.cpuUsage(c0);
    rows.push({ stage: 'simulate', figure: `render one 512-px site, ${cellLine}`, value: (performance.now() - t0) / n, unit: 'ms', note: `CPU ${((c.user + c.system) / 1000 / n).toFixed(0)} ms, one thread, no I/O` });
  }
  const out = mkdtempSync(join(tmpdir(), 'stainless-bench-sim-'));
  try {
    const c0 = process.cpuUsage(); // covers worker threads too
    const r = await simulatePlate({ out, format: 384, sites: 1, size: 512 });
    const cpu = process.cpuUsage(c0);
    const cpuPerSite = (cpu.user + cpu.system) / 1e6 / r.sites;
    rows.push({
      stage: 'simulate',
      figure: '384-well plate, 1 site, 512 px, written',
      value: r.sites / r.seconds,
      unit: 'sites/s',
      note: `${r.sites} sites, ${r.filesWritten} files, ${r.seconds.toFixed(1)} s, ${r.workers} workers on ${cpus().length} CPUs`,
    });
    rows.push({
      stage: 'simulate',
      figure: '384-well plate: CPU per site (all threads)',
      value: cpuPerSite * 1000,
      unit: 'ms',
      note: `≈ ${(Math.min(r.workers || 1, cpus().length) / cpuPerSite).toFixed(1)} sites/s when the CPUs are not shared`,
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  return rows;
}
