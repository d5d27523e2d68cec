import { PAINT_CHANNELS } from '../../../shared/channels';

/** The papers' Table 2 feature groups, in their order. */
export const FEATURE_GROUPS = ['Count', 'AreaShape', 'Intensity', 'Granularity', 'Texture', 'RadialDistribution', 'Correlation', 'Neighbors'] as const;
export type FeatureGroup = (typeof FEATURE_GROUPS)[number];

export interface ParsedFeature {
  name: string;
  compartment: string | null;
  group: FeatureGroup;
  /** Cell Painting channels the feature measures (two for Correlation, none for shape) */
  channels: string[];
}

/** CellProfiler module names that fall under the papers' groups. */
const MODULE_GROUP: Record<string, FeatureGroup> = {
  Count: 'Count',
  Children: 'Count',
  Parent: 'Count',
  AreaShape: 'AreaShape',
  Location: 'AreaShape',
  Intensity: 'Intensity',
  Granularity: 'Granularity',
  Texture: 'Texture',
  RadialDistribution: 'RadialDistribution',
  Correlation: 'Correlation',
  Neighbors: 'Neighbors',
};

/**
 * Parse a CellProfiler / pycytominer feature column: `Cells_Texture_Contrast_ER_3_00_256` →
 * Cells / Texture / [ER]; `Cells_Correlation_Correlation_DNA_ER` → Correlation / [DNA, ER];
 * `Count_Cells` or `Cells_Count` → Count. Returns null for metadata and unknown modules.
 * Channel tokens are matched whole (so `RNA` is never read as `DNA`), case-sensitively as the
 * channel names are written.
 */
export function parseFeatureName(name: string): ParsedFeature | null {
  if (name.startsWith('Metadata_')) return null;
  const parts = name.split('_');
  if (parts[0] === 'Count' && parts.length >= 2) return { name, compartment: parts[1], group: 'Count', channels: [] };
  if (parts.length < 2) return null;
  const group = MODULE_GROUP[parts[1]];
  if (!group) return null;
  const channels: string[] = [];
  for (const p of parts.slice(2)) if ((PAINT_CHANNELS as readonly string[]).includes(p) && !channels.includes(p)) channels.push(p);
  return { name, compartment: parts[0], group, channels };
}
