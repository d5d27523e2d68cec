/**
 * The profile recipe as pycytominer runs it on per-well profiles (already aggregated: the well
 * medians of the feature pipeline are pycytominer.aggregate's median of the cells CellProfiler
 * keeps), then copairs' phenotypic activity on the result:
 * normalize(method="mad_robustize", samples = negcon wells) → feature_select(operations) → mAP.
 */

import { robustZ } from '../../../shared/stats';
import { averagePrecisions, meanAveragePrecision, type ApRow, type CompoundMap } from './copairs';
import { DEFAULT_SELECT, selectFeatures, type SelectOptions, type Selection } from './select';

/** pycytominer's infer_cp_features: the compartments' columns (Count_*, Image_* and Metadata_* are not profile features). */
export const isProfileFeature = (name: string): boolean => /^(Cells|Nuclei|Cytoplasm)/.test(name);

export interface WellProfileTable {
  wells: string[];
  names: string[];
  /** one column per feature, one value per well (NaN = missing) */
  columns: Float64Array[];
  /** the normalisation reference: negative-control (DMSO) wells */
  negcon: boolean[];
  /** compound key per well for mAP (null: the well takes no part; negcon wells are the negatives) */
  group: Array<string | null>;
}

export interface RecipeOptions {
  select: SelectOptions;
  activity: { nullSize: number; threshold: number; seed: number };
}

export const DEFAULT_RECIPE: RecipeOptions = { select: DEFAULT_SELECT, activity: { nullSize: 10000, threshold: 0.05, seed: 0 } };

export interface RecipeResult {
  /** mad_robustize values of every input feature */
  normalized: Float64Array[];
  selection: Selection;
  aps: ApRow[];
  compounds: CompoundMap[];
}

/** mad_robustize against the negcon wells: (x − median) / (1.4826·MAD + 1e-18), per feature. */
export function madRobustize(columns: Float64Array[], negcon: boolean[]): Float64Array[] {
  if (!negcon.some(Boolean)) throw new Error('mad_robustize needs negative-control (DMSO) wells; the plate map marks none');
  const ref = Uint8Array.from(negcon, (b) => (b ? 1 : 0));
  return columns.map((c) => robustZ(c, ref));
}

export function runRecipe(t: WellProfileTable, opts: RecipeOptions = DEFAULT_RECIPE): RecipeResult {
  const normalized = madRobustize(t.columns, t.negcon);
  const selection = selectFeatures(t.names, normalized, opts.select);
  const d = selection.kept.length;
  // no feature left: no similarity to rank by (every pair would tie and look like a perfect retrieval)
  if (!d) return { normalized, selection, aps: [], compounds: [] };
  const data = new Float64Array(t.wells.length * d);
  selection.kept.forEach((j, k) => normalized[j].forEach((v, i) => (data[i * d + k] = v)));
  const aps = averagePrecisions({ data, features: d, group: t.group, negcon: t.negcon });
  return { normalized, selection, aps, compounds: meanAveragePrecision(aps, opts.activity) };
}
