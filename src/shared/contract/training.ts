import { z } from 'zod';
import { request } from './define';
import type { JobInfo } from './jobs';

const Channel = z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,31}$/, 'a channel name such as BF, DNA or NucleiBoundary');

export const TrainInput = z
  .object({
    /** plate barcode or id: its acquired brightfield (or stains) are the inputs, its acquired stains the targets */
    plate: z.union([z.string().min(1), z.number().int().positive()]),
    model: z.enum(['direct', 'resdiff']).default('direct'),
    /** fast: a small network for minutes on a CPU (demonstration, tests); full: the bundled models' recipe */
    preset: z.enum(['fast', 'full']).default('full'),
    /** passes over the training pixels; default: the preset's */
    epochs: z.number().positive().max(100_000).optional(),
    /** wells never trained on, scored with Stainless' metrics afterwards (e.g. ["A03","H12"]) */
    holdoutWells: z.array(z.string().min(2).max(4)).max(1536).default([]),
    /** for plates with too few wells: hold out a region of every site instead of wells */
    holdoutRegion: z.enum(['bottom-quarter']).optional(),
    /** direct models only: other channels in and out (stains → stains, phase planes → DNA) */
    inputs: z.array(Channel).min(1).max(8).optional(),
    outputs: z.array(Channel).min(1).max(8).optional(),
    /** the registered model's name (default trained-<plate>-<model>) */
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/, 'name: letters, digits, . _ - (max 80)').optional(),
    seed: z.number().int().min(0).max(2 ** 31).default(0),
  })
  .strict();
export type TrainParams = z.output<typeof TrainInput>;

/** One channel's held-out figures on Stainless' metrics (0–255 scaling), beside the constant baseline. */
export interface TrainChannelFigures {
  ssim: number;
  r: number;
  mse: number;
  baselineSsim: number | null;
  baselineMse: number | null;
  skillSsim: number | null;
  skillMse: number | null;
}

export interface TrainSummary {
  model: { name: string; version: string };
  plate: string;
  device: string;
  python: string;
  steps: number;
  epochs: number;
  minutes: number;
  trainSites: number;
  heldOut: { sites: number; split: string; channels: Record<string, TrainChannelFigures> };
}

export const trainingContract = {
  'train.start': request(TrainInput, "Train a model on a plate's own acquired images (Python + PyTorch), score it on held-out wells and register it").returns<JobInfo>(),
};
