import { z } from 'zod';
import { request } from './define';
import type { JobInfo } from './jobs';

/** Summary statistics of one metric over sites (null where undefined, e.g. PSNR of identical images). */
export interface Distribution {
  n: number;
  mean: number | null;
  sd: number | null;
  min: number | null;
  q1: number | null;
  median: number | null;
  q3: number | null;
  max: number | null;
}

export interface ChannelPixelSummary {
  channel: string;
  sites: number;
  mse: Distribution;
  psnr: Distribution;
  ssim: Distribution;
  /** honest metrics (absent in metrics computed before them) */
  honest?: HonestChannel;
}

/**
 * One channel's scores beside the constant baseline (a constant image at the median level of the
 * plate's other sites), skill = (score − baseline)/(perfect − baseline) on the site means, and
 * SSIM / Pearson r inside nuclei and cells of the reference segmentation. null = not computable.
 */
export interface HonestChannel {
  /** means over sites */
  r: number | null;
  baselineMse: number | null;
  baselinePsnr: number | null;
  baselineSsim: number | null;
  skillMse: number | null;
  skillSsim: number | null;
  /** what the objects come from ('truth' | 'classical'), null without a reference segmentation */
  objects: 'truth' | 'classical' | null;
  nuclei: InsideObjects | null;
  cells: InsideObjects | null;
}

export interface InsideObjects {
  ssim: number | null;
  r: number | null;
  baselineSsim: number | null;
  skillSsim: number | null;
}

/** StarDist `matching_dataset` (pooled over sites) for one object kind. */
export interface SegSummary {
  objects: 'nuclei' | 'cells';
  /** what served as ground truth: simulator/annotation labels, or classical segmentation of the acquired images */
  truth: 'truth' | 'classical';
  /** the run's segmentation method of its synthetic images, or for the baseline what segmented the acquired ones */
  method: string;
  /** true for the baseline row: classical segmentation of the acquired images against the same ground truth */
  baseline: boolean;
  sites: number;
  thresh: number;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  accuracy: number;
  f1: number;
  n_true: number;
  n_pred: number;
  mean_true_score: number;
  mean_matched_score: number;
  panoptic_quality: number;
}

export interface GroupChannelCorrelation {
  group: string;
  /** '' for features that measure no channel (shape, count, neighbours) */
  channel: string;
  n: number;
  meanR: number | null;
  medianR: number | null;
}

export interface SeparationSummary {
  task: 'treatment-vs-dmso' | 'moa';
  source: 'acquired' | 'synthetic';
  f1: number | null;
  accuracy: number | null;
  samples: number;
  classes: number;
  folds: number;
  k: number;
}

export interface ActivitySummary {
  source: 'acquired' | 'synthetic';
  compounds: number;
  meanMAP: number | null;
  fractionActive: number | null;
  nullSize: number;
  threshold: number;
  /** the profiles it ran on: pycytominer's recipe kept `selected` of the `profile` features */
  features?: { profile: number; selected: number };
  perCompound: Array<{ compound: string; replicates: number; mAP: number; pValue: number; correctedP: number; active: boolean }>;
}

export interface QcSummary {
  /** the per-well value the controls are compared on */
  value: string;
  source: 'acquired' | 'synthetic';
  positive: number;
  negative: number;
  zPrime: number | null;
  ssmd: number | null;
}

/** A per-well value stored for a run (plate-map colouring). */
export interface WellKey {
  key: string;
  channel: string;
  label: string;
}

/** Everything the metrics dashboard shows for one run. */
export interface RunMetrics {
  runId: number;
  plate: string;
  model: string;
  provider: string | null;
  /** the run's own timings (inference) */
  runTimings: Record<string, unknown>;
  computedAt: string;
  /** seconds spent computing these metrics, by stage */
  seconds: Record<string, number>;
  /** how images were brought to 0–255 for MSE/PSNR/SSIM */
  scale: string;
  /** how the baseline of the honest metrics is made */
  baseline?: string;
  ssimWindow: 'uniform' | 'gaussian';
  pixel: ChannelPixelSummary[];
  segmentation: SegSummary[];
  /** Pearson r of per-well cell counts, synthetic vs acquired (truth or classical) segmentation */
  cellCount: { wells: number; r: number | null; truth: 'truth' | 'classical' } | null;
  /** feature-level agreement; null with a note while features are not computed for the run */
  features: {
    wells: number;
    features: number;
    meanR: number | null;
    table: GroupChannelCorrelation[];
  } | null;
  separation: SeparationSummary[];
  activity: ActivitySummary[];
  frechet: { value: number; features: number; cellsAcquired: number; cellsSynthetic: number } | null;
  qc: QcSummary[];
  wellKeys: WellKey[];
  /** why a part is missing ("features not computed yet for this run", …) */
  notes: string[];
}

export interface WellValues {
  runId: number;
  key: string;
  channel: string;
  values: Array<{ wellId: number; well: string; row: number; col: number; value: number | null }>;
}

export const MetricsStartInput = z
  .object({
    runId: z.number().int().positive(),
    /** IoU threshold for segmentation matching */
    iou: z.number().min(0).max(1).default(0.5),
    ssimWindow: z.enum(['uniform', 'gaussian']).default('uniform'),
    /** a per-well feature column for Z'/SSMD between positive and negative controls (cell count is always used) */
    qcFeature: z.string().min(1).max(300).nullish(),
  })
  .strict();
export type MetricsParams = z.output<typeof MetricsStartInput>;

export const metricsContract = {
  'metrics.run': request(z.object({ runId: z.number().int().positive() }).strict(), 'Stored metrics of a run (null when not computed)').returns<RunMetrics | null>(),
  'metrics.wellValues': request(
    z.object({ runId: z.number().int().positive(), key: z.string().min(1).max(100), channel: z.string().max(50).default('') }).strict(),
    'One stored per-well metric of a run, for plate-map colouring',
  ).returns<WellValues>(),
  'metrics.start': request(MetricsStartInput, 'Compute (or recompute) the metrics of a run as a job').returns<JobInfo>(),
};
