import { PAINT_CHANNELS } from '../../../shared/channels';

/** One held-out evaluation as a table row: per-channel SSIM, segmentation F1 and (app metrics) feature r. */
export interface HeldOutRow {
  label: string;
  source: 'PyTorch' | 'Stainless';
  sites: number | null;
  ssim: Record<string, number | null>;
  meanSsim: number | null;
  nucleiF1: number | null;
  cellsF1: number | null;
  featureR: number | null;
}

export type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * Rows from a manifest's heldOutMetrics: train.py's entries (one per held-out plate, keyed by cell
 * line, with channels.{ch}.ssim) and training/evaluate_app.ts's `app` entry (plates[]). Anything
 * else is returned as `other` to be shown as it is.
 */
export function heldOutRows(held: Obj): { rows: HeldOutRow[]; other: Array<[string, unknown]> } {
  const rows: HeldOutRow[] = [];
  const other: Array<[string, unknown]> = [];
  for (const [key, v] of Object.entries(held)) {
    if (key === 'app' && isObj(v) && Array.isArray(v.plates)) {
      for (const p of v.plates.filter(isObj)) {
        const ssim = isObj(p.ssim) ? p.ssim : {};
        rows.push({
          label: `${p.cellLine ?? p.plate ?? '?'}${num(v.steps) ? ` (${v.steps} sampling steps)` : ''}`,
          source: 'Stainless',
          sites: num(p.sites),
          ssim: Object.fromEntries(PAINT_CHANNELS.map((c) => [c, num(ssim[c])])),
          meanSsim: num(p.meanSsim),
          nucleiF1: num(p.nucleiF1),
          cellsF1: num(p.cellsF1),
          featureR: isObj(p.features) ? num(p.features.meanR) : null,
        });
      }
    } else if (isObj(v) && isObj(v.channels)) {
      const ch = v.channels;
      rows.push({
        label: key,
        source: 'PyTorch',
        sites: num(v.sites),
        ssim: Object.fromEntries(PAINT_CHANNELS.map((c) => [c, isObj(ch[c]) ? num(ch[c].ssim) : null])),
        meanSsim: num(v.meanSsim),
        nucleiF1: num(v.nucleiF1),
        cellsF1: num(v.cellsF1),
        featureR: null,
      });
    } else other.push([key, v]);
  }
  return { rows, other };
}
