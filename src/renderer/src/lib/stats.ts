/** Small statistics for plate QC in the UI (plain functions, no DOM). */

export function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Sample standard deviation (n − 1). */
export function sd(xs: number[]): number {
  if (xs.length < 2) return NaN;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (!n) return NaN;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** Z'-factor (Zhang et al. 1999): 1 − 3(σp + σn)/|μp − μn|; null when either group has < 2 values. */
export function zPrime(pos: number[], neg: number[]): number | null {
  if (pos.length < 2 || neg.length < 2) return null;
  const d = Math.abs(mean(pos) - mean(neg));
  if (d === 0) return null;
  return 1 - (3 * (sd(pos) + sd(neg))) / d;
}

/**
 * Robust z-scores against reference wells (pycytominer's robustize_mad): (x − median(ref)) / (1.4826·MAD(ref)).
 * null where x is missing, or everywhere when the reference has no spread.
 */
export function robustZ(values: (number | null)[], ref: number[]): (number | null)[] {
  const m = median(ref);
  const mad = median(ref.map((x) => Math.abs(x - m))) * 1.4826;
  if (!ref.length || !(mad > 0)) return values.map(() => null);
  return values.map((v) => (v == null || !Number.isFinite(v) ? null : (v - m) / mad));
}
