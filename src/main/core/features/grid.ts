/**
 * Acquired images scaled to 0–1 hold values k/65535 exactly (8-bit k/255 is the same double as
 * 257k/65535): on that grid order statistics come from 65,536 counts and per-pixel functions from
 * 65,536-entry tables, the same doubles as sorting or computing each pixel.
 */
export const GRID = 65535;

/** The level k of every pixel when all values are k/65535 (−0 is not: the level gives +0), else null. */
export function gridLevels(u: Float64Array): Uint16Array | null {
  const k = new Uint16Array(u.length);
  for (let i = 0; i < u.length; i++) {
    const l = Math.round(u[i] * GRID);
    if (!(l >= 0 && l <= GRID) || l / GRID !== u[i] || (l === 0 && 1 / u[i] < 0)) return null;
    k[i] = l;
  }
  return k;
}

/** How many pixels hold each level */
export function levelCounts(levels: Uint16Array): Int32Array {
  const c = new Int32Array(GRID + 1);
  for (let i = 0; i < levels.length; i++) c[levels[i]]++;
  return c;
}

/** An image on the grid: each pixel's level and how many pixels hold each level, found once per image for all its measurements */
export interface Grid {
  levels: Uint16Array;
  counts: Int32Array;
}

/** u's Grid, or null off the grid */
export function onGrid(u: Float64Array): Grid | null {
  const levels = gridLevels(u);
  return levels && { levels, counts: levelCounts(levels) };
}

/**
 * The Grid of a 16-bit image's unitImage (k/65535 for each value k) from its values themselves,
 * with no test of each pixel (onGrid's rounding and division); null for other images.
 */
export function grayGrid(g: { bitDepth: number; data: ArrayLike<number> }): Grid | null {
  if (g.bitDepth !== 16 || !(g.data instanceof Uint16Array)) return null;
  const levels = new Uint16Array(g.data);
  return { levels, counts: levelCounts(levels) };
}

/** The lowest and highest level present (the sample's extremes, k/65535), counts not all 0 */
export function levelRange(c: Int32Array): [number, number] {
  let lo = 0, hi = GRID;
  while (!c[lo]) lo++;
  while (!c[hi]) hi--;
  return [lo, hi];
}

/** The image's minimum and maximum: from the level counts on the grid (no −0 there), else by a scan */
export function extremes(u: Float64Array, grid: Grid | null = null): [number, number] {
  if (grid && u.length) {
    const [lo, hi] = levelRange(grid.counts);
    return [lo / GRID, hi / GRID];
  }
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < u.length; i++) {
    if (u[i] < min) min = u[i];
    if (u[i] > max) max = u[i];
  }
  return [min, max];
}

/**
 * |k/65535 − m| at ranks i … i + want − 1 (0-based, ascending) of the sample the counts describe:
 * below m the deviations grow as k falls, above m as k rises (rounding is monotonic), so merging
 * the two runs walks the deviations in sorted order.
 */
export function deviationRanks(c: Int32Array, m: number, i: number, want: number): number[] {
  const got: number[] = [];
  let lo = Math.min(GRID, Math.floor(m * GRID) + 1);
  while (lo >= 0 && lo / GRID > m) lo--;
  let hi = lo + 1;
  let seen = 0;
  while (got.length < want) {
    while (lo >= 0 && !c[lo]) lo--;
    while (hi <= GRID && !c[hi]) hi++;
    const dl = lo >= 0 ? Math.abs(lo / GRID - m) : Infinity;
    const dh = hi <= GRID ? Math.abs(hi / GRID - m) : Infinity;
    const takeLo = dl <= dh;
    const cnt = takeLo ? c[lo] : c[hi];
    const d = takeLo ? dl : dh;
    // ranks seen … seen + cnt − 1 have deviation d
    while (got.length < want && seen + cnt > i + got.length) got.push(d);
    seen += cnt;
    if (takeLo) lo--;
    else hi++;
  }
  return got;
}
