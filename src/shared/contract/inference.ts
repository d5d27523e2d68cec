import type { DomainCheck } from '../domain';
import { z } from 'zod';
import { FileRef } from './files';
import { request, Empty, PlateRef } from './define';
import type { ModelManifest } from '../manifest';

/** A registered model (the models page, `stainless models list`). */
export interface ModelInfo {
  id: number;
  name: string;
  version: string;
  kind: ModelManifest['kind'];
  inputs: string[];
  outputs: string[];
  dir: string;
  sha256: string;
  bundled: boolean;
  addedAt: string;
}

/** ResShift schedule arrays (index k = step k+1), shown for residual-diffusion models. */
export interface ScheduleInfo {
  T: number;
  kappa: number;
  eta: number[];
  posterior_variance: number[];
  input_scale: number[];
}

export interface ModelDetail extends ModelInfo {
  manifest: ModelManifest;
  schedule: ScheduleInfo | null;
}

export type RunStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';

/** One inference run of a model over (part of) a plate. */
export interface RunInfo {
  id: number;
  plateId: number;
  plate: string;
  modelId: number | null;
  model: string;
  /** execution provider really used ('cpu' | 'cuda'), and why */
  provider: string | null;
  providerReason: string | null;
  device: string | null;
  params: InferParams;
  status: RunStatus;
  sitesDone: number;
  sitesTotal: number | null;
  timings: RunTimings;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
  /** the plate compared with the model's training conditions (null: runs from before the check) */
  domain: DomainCheck | null;
}

/** What makes two runs "the same run": re-running with equal params resumes an unfinished one. */
export interface InferParams {
  model: string;
  version: string;
  sha256: string;
  wells: string[] | null;
  steps: number | null;
  seed: number;
  /** acquired µm/px, when given; resampling happens when the model has its own pixel size */
  pixelSizeUm: number | null;
}

export interface RunTimings {
  /** session creation, ms (last start) */
  loadMs?: number;
  /** seconds spent on sites over all starts */
  seconds?: number;
  /** mean seconds per site */
  perSite?: number;
  sitesPerSecond?: number;
  sitesTotal?: number;
  /** how many times the run was (re)started */
  starts?: number;
  resample?: string;
}

export interface InferSummary {
  runId: number;
  plate: string;
  model: string;
  provider: string;
  providerReason: string;
  device: string;
  status: RunStatus;
  sitesTotal: number;
  /** sites computed by this call */
  sitesComputed: number;
  /** sites already finished by an earlier, interrupted start */
  sitesResumed: number;
  imagesWritten: number;
  seconds: number;
  sitesPerSecond: number | null;
  outputDir: string;
  domain: DomainCheck;
}

const Provider = z.enum(['auto', 'cpu', 'cuda']);
const ModelRef = z.string().min(1).max(200);

export const InferStartInput = z
  .object({
    plate: PlateRef,
    model: ModelRef,
    wells: z.array(z.string().min(2).max(4)).max(1536).optional(),
    provider: Provider.optional(),
    steps: z.number().int().min(1).max(1000).optional(),
    seed: z.number().int().min(0).max(2 ** 31).optional(),
    pixelSizeUm: z.number().positive().max(100).optional(),
  })
  .strict();
export type InferStartInput = z.infer<typeof InferStartInput>;

export const inferenceContract = {
  'models.list': request(Empty, 'Registered models').returns<ModelInfo[]>(),
  'models.get': request(z.object({ name: ModelRef, steps: z.number().int().min(1).max(1000).optional() }).strict(), 'One model: manifest and, for diffusion models, its schedule').returns<ModelDetail>(),
  'models.add': request(z.object({ path: FileRef }).strict(), 'Register a model folder (model.json + model.onnx) or a bioimage.io description').returns<{ model: ModelInfo; added: boolean }>(),
  'infer.start': request(InferStartInput, 'Run a model over a plate as a job (resumes an unfinished run with the same parameters)').returns<import('./jobs').JobInfo>(),
  'runs.list': request(z.object({ plate: PlateRef.optional() }).strict(), 'Inference runs, newest first').returns<RunInfo[]>(),
  'runs.get': request(z.object({ id: z.number().int().positive() }).strict(), 'One inference run').returns<RunInfo>(),
};
