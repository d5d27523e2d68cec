import { averagePrecisions, meanAveragePrecision, type ActivityWells, type CompoundMap } from '../profiles/copairs';

/**
 * Phenotypic activity as JUMP measures it with copairs (core/profiles/copairs.ts, equal to copairs'
 * own numbers): each compound's replicate wells retrieve each other against the DMSO wells by
 * cosine similarity; mean AP per compound, p-value against copairs' seeded null, BH q-value.
 */
export interface ActivityResult {
  compounds: CompoundMap[];
  /** fraction of compounds with corrected p below the threshold */
  fractionActive: number;
  meanMAP: number;
  nullSize: number;
  threshold: number;
}

export function phenotypicActivity(input: ActivityWells, opts: { nullSize?: number; threshold?: number; seed?: number } = {}): ActivityResult {
  const nullSize = opts.nullSize ?? 10000;
  const threshold = opts.threshold ?? 0.05;
  const compounds = input.negcon.some(Boolean) ? meanAveragePrecision(averagePrecisions(input), { nullSize, threshold, seed: opts.seed ?? 0 }) : [];
  return {
    compounds,
    fractionActive: compounds.length ? compounds.filter((c) => c.active).length / compounds.length : NaN,
    meanMAP: compounds.length ? compounds.reduce((a, c) => a + c.mAP, 0) / compounds.length : NaN,
    nullSize,
    threshold,
  };
}
