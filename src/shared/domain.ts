import { z } from 'zod';

/**
 * Domain checks (DESIGN.md §5, issue 17): what a model was trained on, measured the same way as a
 * plate is measured at infer, and the verdict of comparing the two. Shared by the manifest, the
 * catalog's runs and the UI.
 */

/** Per input plane, measured on what the model sees (clipped, scaled, resampled to its pixel size). */
export const PLANE_STATS = ['intensity', 'contrast', 'q10', 'q50', 'q90', 'focus', 'texture'] as const;
export type PlaneStat = (typeof PLANE_STATS)[number];
/** Across the input planes of a site (z-stack structure): `r(A,B)`, Pearson r of planes A and B. */

export const STAT_LABELS: Record<string, string> = {
  intensity: 'raw median intensity (fraction of full scale)',
  contrast: 'raw contrast (p99.5 − p0.5)/(p99.5 + p0.5)',
  q10: 'normalised 10th percentile',
  q50: 'normalised median',
  q90: 'normalised 90th percentile',
  focus: 'focus (variance of the Laplacian)',
  texture: 'texture (mean gradient magnitude)',
};

export const statLabel = (k: string) => STAT_LABELS[k] ?? (/^r\((.+),(.+)\)$/.exec(k) ? k.replace(/^r\((.+),(.+)\)$/, 'correlation of the $1 and $2 planes') : k);

export const StatRange = z.object({ lo: z.number(), hi: z.number(), mean: z.number(), sd: z.number().min(0) }).strict();
export type StatRange = z.infer<typeof StatRange>;

export const TrainingConditions = z
  .object({
    /** imaging modality of the input planes, e.g. "brightfield" */
    modality: z.string(),
    /** what each input plane is (same order as the manifest's inputs) */
    planes: z.array(z.string()),
    pixelSizeUm: z.number().positive().nullable(),
    magnification: z.string().nullable(),
    cellLines: z.array(z.string()),
    /** sites the statistics come from */
    sites: z.number().int().min(1),
    /** channel → statistic → range over the training sites; key "stack" holds the plane correlations */
    stats: z.record(z.string(), z.record(z.string(), StatRange)),
    /** how the statistics were computed (command) */
    source: z.string(),
  })
  .strict();
export type TrainingConditions = z.infer<typeof TrainingConditions>;

export type DomainVerdict = 'in range' | 'shifted' | 'out of range';

export interface DomainReason {
  severity: 'shifted' | 'out of range';
  text: string;
}

export interface DomainCheck {
  verdict: DomainVerdict;
  /** what drives the verdict, worst first */
  reasons: DomainReason[];
  /** facts that do not change the verdict (e.g. pixel size unknown) */
  notes: string[];
  /** sites sampled from the plate */
  sites: number;
  /** the plate's medians over the sampled sites: channel → statistic → value */
  plate: Record<string, Record<string, number>>;
}

export const verdictColor = (v: DomainVerdict | null | undefined) => (v === 'in range' ? 'teal' : v === 'shifted' ? 'yellow' : v === 'out of range' ? 'red' : 'gray');

/** The check as text lines (CLI output, tooltips): the verdict, then up to `max` reasons, then notes. */
export function domainLines(d: DomainCheck, max = 6): string[] {
  const lines = [`domain check: ${d.verdict.toUpperCase()} (${d.sites} site${d.sites === 1 ? '' : 's'} sampled, compared with the model's training conditions)`];
  for (const r of d.reasons.slice(0, max)) lines.push(`  ${r.severity}: ${r.text}`);
  if (d.reasons.length > max) lines.push(`  … and ${d.reasons.length - max} more (stainless runs --json)`);
  for (const n of d.notes) lines.push(`  note: ${n}`);
  return lines;
}
