// Per-cell rows for storage benchmarks: a few simulated sites are segmented and measured for real
// (so the column set and each column's value distribution are the pipeline's own), then a plate
// of any size is synthesised by resampling those cells with per-value jitter — measuring a whole
// 384-well plate takes ~15 min of both shared cores, and storage figures need only realistic rows.
import { simulateSite } from '../src/main/core/simulate/site';
import { COMPOUNDS } from '../src/main/core/simulate/library';
import { segmentCellsClassical, segmentNucleiClassical } from '../src/main/core/segment/classical';
import { toUnit } from '../src/main/core/segment/labels';
import { measureSite } from '../src/main/core/features/measure';
import { cellTable, type CellTable } from '../src/main/core/features/cellTable';
import type { Gray } from '../src/main/core/io/tiff';
import { mulberry32 } from '../src/main/core/metrics/rng';

export interface BaseCells {
  names: string[];
  /** column j, base cell k */
  columns: Float64Array[];
  /** columns whose measured values are all whole numbers (areas, counts, bounding boxes) */
  integral: boolean[];
}

/** Real measurements of `sites` simulated 512² sites (A549 and U2OS, DMSO and a compound). */
export function measureBaseCells(sites = 4): BaseCells {
  const tables: CellTable[] = [];
  for (let s = 0; s < sites; s++) {
    const im = simulateSite({ seed: 11 + s, row: 2 + s, col: 3 + s, site: 1, size: 512, cellLine: s % 2 ? 'U2OS' : 'A549', compound: s >= 2 ? COMPOUNDS[s] : null, doseMm: s >= 2 ? 10 : 0 });
    const images: Record<string, Gray> = {};
    for (const ch of ['DNA', 'ER', 'RNA', 'AGP', 'Mito'] as const) images[ch] = { width: 512, height: 512, bitDepth: 16, data: im.channels[ch] };
    const nuclei = segmentNucleiClassical(toUnit(images.DNA), 512, 512);
    const cells = segmentCellsClassical(toUnit(images.ER), nuclei);
    tables.push(cellTable(measureSite(images, nuclei, cells)));
  }
  const names = tables[0].names;
  const columns = names.map((_, j) => {
    const parts = tables.map((t) => t.columns[j]);
    const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) out.set(p, (o += p.length) - p.length);
    return out;
  });
  const integral = columns.map((c) => c.every((v) => !Number.isFinite(v) || Number.isInteger(v)));
  return { names, columns, integral };
}


/**
 * `n` synthetic cells as float64 feature columns: each row copies a random base cell, every value
 * multiplied by (1 + 5% uniform noise) so no two rows repeat bytes (repeats would flatter the
 * compressor); whole-number columns stay whole, missing values stay missing.
 */
export function synthCells(base: BaseCells, n: number, seed: number): Float64Array[] {
  const r = mulberry32(seed);
  const m = base.columns[0].length;
  const pick = Int32Array.from({ length: n }, () => Math.floor(r() * m));
  return base.columns.map((src, j) => {
    const out = new Float64Array(n);
    const whole = base.integral[j];
    for (let i = 0; i < n; i++) {
      const v = src[pick[i]] * (1 + 0.1 * (r() - 0.5));
      out[i] = whole ? Math.round(v) : v;
    }
    return out;
  });
}
