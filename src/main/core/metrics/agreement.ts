import { PAINT_CHANNELS } from '../../../shared/channels';
import { FEATURE_GROUPS, parseFeatureName, type FeatureGroup } from './featureNames';
import { pearson, median } from '../../../shared/stats';

/** Per-well profiles: one row per well, one column per feature, row-major. */
export interface WellProfiles {
  wells: string[];
  features: string[];
  data: Float64Array;
}

export interface FeatureCorrelation {
  feature: string;
  group: FeatureGroup;
  channels: string[];
  r: number;
}

/** One cell of the group × channel table; channel '' holds features measuring no channel (shape, count). */
export interface GroupChannelCell {
  group: FeatureGroup;
  channel: string;
  /** features with a defined r (non-constant on both sides) */
  n: number;
  meanR: number;
  medianR: number;
}

export interface AgreementResult {
  wells: number;
  features: FeatureCorrelation[];
  table: GroupChannelCell[];
  /** features that could not be correlated (constant in one source, or not a known CellProfiler name) */
  skipped: number;
}

export function column(p: WellProfiles, feature: string, wellOrder: string[]): Float64Array {
  const c = p.features.indexOf(feature);
  const rowOf = new Map(p.wells.map((w, i) => [w, i]));
  return Float64Array.from(wellOrder, (w) => p.data[rowOf.get(w)! * p.features.length + c]);
}

/**
 * Per-feature Pearson r across wells between acquired and synthetic profiles (wells and features
 * present in both), summarised as the papers' feature-group × channel table (mean and median r).
 * A Correlation feature counts under both of its channels.
 */
export function featureAgreement(acquired: WellProfiles, synthetic: WellProfiles): AgreementResult {
  const synWells = new Set(synthetic.wells);
  const wells = acquired.wells.filter((w) => synWells.has(w));
  const synFeat = new Set(synthetic.features);
  const out: FeatureCorrelation[] = [];
  let skipped = 0;
  for (const f of acquired.features) {
    if (!synFeat.has(f)) continue;
    const parsed = parseFeatureName(f);
    if (!parsed) {
      skipped++;
      continue;
    }
    // pairwise complete: a well where either side has no value for this feature is left out
    const a = column(acquired, f, wells);
    const b = column(synthetic, f, wells);
    const both = wells.map((_, i) => i).filter((i) => Number.isFinite(a[i]) && Number.isFinite(b[i]));
    const r = both.length === wells.length ? pearson(a, b) : pearson(both.map((i) => a[i]), both.map((i) => b[i]));
    if (Number.isNaN(r)) skipped++;
    out.push({ feature: f, group: parsed.group, channels: parsed.channels, r });
  }
  const table: GroupChannelCell[] = [];
  for (const group of FEATURE_GROUPS) {
    for (const channel of ['', ...PAINT_CHANNELS]) {
      const rs = out
        .filter((x) => x.group === group && !Number.isNaN(x.r) && (channel === '' ? x.channels.length === 0 : x.channels.includes(channel)))
        .map((x) => x.r);
      if (!rs.length) continue;
      table.push({ group, channel, n: rs.length, meanR: rs.reduce((a, b) => a + b, 0) / rs.length, medianR: median(rs) });
    }
  }
  return { wells: wells.length, features: out, table, skipped };
}
