/** Illumination correction of a segmentation: 'auto' divides acquired images only; 'on' also synthetic ones. */
export type IllumMode = 'auto' | 'on' | 'off';

/** What a feature set's segmentation divided each channel by (the catalog's feature_sets.illumination). */
export type AppliedIllumination = Record<
  string,
  {
    origin: 'computed' | 'file';
    /** the function's .npy file in the workspace */
    path: string;
    /** a loaded function: the file it came from */
    sourceFile: string | null;
    /** a computed function: CorrectIlluminationCalculate's settings */
    settings: Record<string, string | number> | null;
    /** a computed function: how many images it averages */
    nImages: number | null;
    sha256: string;
  }
>;

/** One line for a person: what each channel was divided by (the CLI's summary and the plate page). */
export function describeIllumination(a: AppliedIllumination | null): string {
  if (!a || !Object.keys(a).length) return 'none';
  // computed channels grouped by how many images they average; a loaded file named per channel
  const computed = new Map<number | null, string[]>();
  const parts: string[] = [];
  for (const [ch, f] of Object.entries(a)) {
    if (f.origin === 'file') parts.push(`${ch} from ${f.sourceFile}`);
    else computed.set(f.nImages, [...(computed.get(f.nImages) ?? []), ch]);
  }
  for (const [n, chs] of computed) parts.unshift(`${chs.join(', ')} computed (CorrectIlluminationCalculate, ${n} images)`);
  return parts.join('; ');
}

/** A plate's current illumination function of one channel and source, as the catalog records it. */
export interface IllumFunctionInfo {
  channel: string;
  source: 'acquired' | 'synthetic';
  runId: number | null;
  origin: 'computed' | 'file';
  path: string;
  sourceFile: string | null;
  settings: Record<string, string | number> | null;
  nImages: number | null;
  width: number;
  height: number;
  sha256: string;
  createdAt: string;
}
