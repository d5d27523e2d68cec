import type { RawImage } from './types';

/** 0.5th/99.5th percentile window from a histogram (exact for integer pixels). */
export function autoWindow(img: RawImage, lowPct = 0.5, highPct = 99.5): [number, number] {
  const bins = img.bitDepth === 16 ? 65536 : 256;
  const hist = new Uint32Array(bins);
  const d = img.data;
  for (let i = 0; i < d.length; i++) hist[d[i]]++;
  const n = d.length;
  const loRank = Math.floor((lowPct / 100) * (n - 1));
  const hiRank = Math.floor((highPct / 100) * (n - 1));
  let seen = 0;
  let lo = -1;
  let hi = bins - 1;
  for (let v = 0; v < bins; v++) {
    seen += hist[v];
    if (lo < 0 && seen > loRank) lo = v;
    if (seen > hiRank) {
      hi = v;
      break;
    }
  }
  lo = Math.max(0, lo);
  if (hi - lo >= 2) return [lo, hi];
  // Percentiles collapse on near-constant images (e.g. an untrained model's output): show the
  // full min..max instead of saturating everything.
  let min = bins - 1;
  let max = 0;
  for (let v = 0; v < bins; v++) if (hist[v]) { min = Math.min(min, v); max = v; }
  return [min, Math.max(max, min + 1)];
}
