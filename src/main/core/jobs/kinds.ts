import type { ImportOptions, ImportReport } from '../../../shared/contract/catalog';
import type { InferStartInput, InferSummary } from '../../../shared/contract/inference';
import type { MetricsParams } from '../../../shared/contract/metrics';
import type { DemoParams } from '../../../shared/contract/demo';
import type { FeaturesParams, FeaturesSummary } from '../features/pipeline';
import type { ExportParams, ExportSummary } from '../export/exportPlate';
import type { TrainParams, TrainSummary } from '../../../shared/contract/training';
import type { ProfileParams, ProfileSummary } from '../profiles/plate';

export interface DemoResult {
  barcode: string;
  sites: number;
  wells: number;
  truthSegmentations: number;
}

/** Every job kind with its parameters and result, as the contract's request map does for requests. */
export interface JobTypes {
  import: { params: ImportOptions; result: ImportReport };
  infer: { params: InferStartInput; result: InferSummary };
  metrics: { params: MetricsParams; result: { runId: number; notes: string[] } };
  features: { params: FeaturesParams; result: FeaturesSummary };
  export: { params: ExportParams; result: ExportSummary };
  demo: { params: DemoParams; result: DemoResult };
  train: { params: TrainParams; result: TrainSummary };
  profiles: { params: ProfileParams; result: ProfileSummary };
}

export type JobKindName = keyof JobTypes;
export type JobParams<K extends JobKindName> = JobTypes[K]['params'];
export type JobResult<K extends JobKindName> = JobTypes[K]['result'];
