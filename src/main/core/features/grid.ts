/**
 * Acquired images scaled to 0–1 hold values k/65535 exactly (8-bit k/255 is the same double as
 * 257k/65535): on that grid order statistics come from 65,536 counts and per-pixel functions from
 * 65,536-entry tables, the same doubles as sorting or computing each pixel.
 */
export const GRID = 65535;

/** The level k of every pixel when all values are k/65535, else null. */
export function gridLevels(u: Float64Array): Uint16Array | null {
  const k = new Uint16Array(u.length);
  for (let i = 0; i < u.length; i++) {
    const l = Math.round(u[i] * GRID);
    if (!(l >= 0 && l <= GRID) || l / GRID !== u[i]) return null;
    k[i] = l;
  }
  return k;
}

/** How many pixels hold each level when all values are k/65535, else null. */
export function gridCounts(u: Float64Array): Int32Array | null {
  const c = new Int32Array(GRID + 1);
  for (let i = 0; i < u.length; i++) {
    const l = Math.round(u[i] * GRID);
    if (!(l >= 0 && l <= GRID) || l / GRID !== u[i]) return null;
    c[l]++;
  }
  return c;
}
