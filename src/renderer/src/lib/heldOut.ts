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
  /** app metrics: mean SSIM of the constant baseline, and the skill over it */
  baselineSsim: number | null;
  skillSsim: number | null;
  /** app metrics per channel (the `honest` figures), in the manifest's order; empty when it has none */
  channels: HeldOutChannel[];
}

/** One channel's held-out figures by Stainless' metrics: beside the constant baseline, and inside objects. */
export interface HeldOutChannel {
  channel: string;
  ssim: number | null;
  baselineSsim: number | null;
  skillSsim: number | null;
  r: number | null;
  nucleiSsim: number | null;
  cellsSsim: number | null;
}

/** heldOutMetrics.targets (training/restate_targets.ts): the targets judged on the app's figures. */
export interface HeldOutTargets {
  judgedOn: string;
  met: string[];
  missed: string[];
}

export type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * Rows from a manifest's heldOutMetrics: train.py's entries (one per held-out plate, keyed by cell
 * line, with channels.{ch}.ssim) and training/evaluate_app.ts's `app` entry (plates[]). Anything
 * else is returned as `other` to be shown as it is.
 */
export function heldOutRows(held: Obj): { rows: HeldOutRow[]; other: Array<[string, unknown]>; targets: HeldOutTargets | null } {
  const rows: HeldOutRow[] = [];
  const other: Array<[string, unknown]> = [];
  let targets: HeldOutTargets | null = null;
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  for (const [key, v] of Object.entries(held)) {
    if (key === 'targets' && isObj(v)) targets = { judgedOn: String(v.judgedOn ?? ''), met: strings(v.met), missed: strings(v.missed) };
    else if (key === 'app' && isObj(v) && Array.isArray(v.plates)) {
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
          baselineSsim: num(p.meanBaselineSsim),
          skillSsim: num(p.meanSsim) !== null && num(p.meanBaselineSsim) !== null && num(p.meanBaselineSsim) !== 1 ? (num(p.meanSsim)! - num(p.meanBaselineSsim)!) / (1 - num(p.meanBaselineSsim)!) : null,
          channels: isObj(p.honest) ? honestChannels(p.honest) : [],
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
        baselineSsim: null,
        skillSsim: null,
        channels: [],
      });
    } else other.push([key, v]);
  }
  return { rows, other, targets };
}

/** The per-channel figures the app's metrics wrote (evaluate_app.ts, the train job): skill is stated there, not re-derived. */
function honestChannels(honest: Obj): HeldOutChannel[] {
  return Object.entries(honest)
    .filter((e): e is [string, Obj] => isObj(e[1]))
    .map(([channel, f]) => ({
      channel,
      ssim: num(f.ssim),
      baselineSsim: num(f.baselineSsim),
      skillSsim: num(f.skillSsim),
      r: num(f.r),
      nucleiSsim: num(f.nucleiSsim),
      cellsSsim: num(f.cellsSsim),
    }));
}
