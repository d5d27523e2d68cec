import { z } from 'zod';
import { FileRef } from './files';
import { Empty, PlateRef, request } from './define';
import type { DomainCheck } from '../domain';

// ---- campaigns: a plate cut into shards for a cluster, and catalogs folded together -----------

/** What `campaign.plan` wrote: DIR/plan.json and one LoadData CSV per shard. */
export interface PlanSummary {
  id: string;
  plate: string;
  sites: number;
  shards: number;
  planFile: string;
  shardFiles: string[];
  /** the plate against the model's training data, as `infer` checks it (the merged run records it) */
  domain: DomainCheck;
}

/** A campaign the catalog knows of (planned, submitted or merged here). */
export interface CampaignInfo {
  id: string;
  plate: string;
  planFile: string;
  model: string;
  steps: string[];
  shards: number;
  sites: number;
  createdAt: string;
  /** the run the merge made (null until merged) */
  mergedRunId: number | null;
}

export type ShardJobState = 'not submitted' | 'queued' | 'running' | 'done' | 'failed' | 'stopped';

export interface ShardStatus {
  shard: number;
  state: ShardJobState;
  /** the scheduler's task id (`<array job>_<shard>`), null before a submission */
  jobId: string | null;
  sitesDone: number;
  sites: number;
  /** the worker's failure, or the scheduler's own state word */
  detail: string | null;
}

export interface CampaignStatus {
  id: string;
  plate: string;
  planFile: string;
  shards: ShardStatus[];
  /** the dependent merge job of the last submission that asked for one */
  merge: { jobId: string; state: string } | null;
  mergedRunId: number | null;
}

export interface Submission {
  jobId: string;
  shards: number[];
  mergeJobId: string | null;
  script: string;
  submittedAt: string;
}

export interface CampaignMergeSummary {
  planId: string;
  plate: string;
  runId: number;
  sites: number;
  cells: number;
  setId: number | null;
  cellsPath: string | null;
}

/** What `campaign.mergeCatalog` folded in: rows per table, and referenced files not reachable here. */
export interface CatalogMergeSummary {
  from: string;
  plates: string[];
  rows: Record<string, number>;
  /** models already here with the same sha256 (reused, not copied) */
  modelsReused: number;
  compoundsReused: number;
  /** files the folded rows name that do not exist on this machine (first few) */
  missingFiles: { count: number; examples: string[] };
}

/** Whether this machine can submit to Slurm (sbatch on PATH), and what it said. */
export interface SlurmInfo {
  available: boolean;
  /** `sbatch --version`'s line, or why Slurm cannot be used here */
  detail: string;
}

/** A campaign named by its id (campaign.list: what the UI sends) or by its plan.json (the CLI). */
const CampaignId = z.string().regex(/^[0-9a-f]{64}$/, 'must be a campaign id (campaign.list)');
const oneOf = (o: { id?: string; plan?: string }) => (o.id === undefined) !== (o.plan === undefined);
const ONE_OF = 'give a campaign id or a plan, one of them';

// Slurm's own option words go into #SBATCH lines: a newline or a shell character must never reach the script
const SlurmWord = (what: string) => z.string().regex(/^[A-Za-z0-9_.,:=-]{1,100}$/, `must be a Slurm ${what} (letters, digits and _.,:=-)`);

export const campaignContract = {
  'campaign.plan': request(
    z
      .object({
        plate: PlateRef,
        /** NAME or NAME@VERSION */
        model: z.string().min(1).max(300),
        steps: z.array(z.enum(['infer', 'segment'])).min(1).default(['infer', 'segment']),
        shards: z.number().int().positive().max(100_000),
        /** the campaign folder on storage every node sees (created if needed) */
        campaign: FileRef,
        seed: z.number().int().nonnegative().optional(),
        samplerSteps: z.number().int().positive().max(1000).optional(),
        provider: z.enum(['auto', 'cpu', 'cuda']).optional(),
        /** CorrectIlluminationApply before segmentation, as segment's: 'auto' leaves synthetic images as they are; 'on' needs illumFrom */
        illumination: z.enum(['auto', 'on', 'off']).optional(),
        /** a folder of JUMP's per-plate functions (<plate>_Illum<Ch>.npy), copied into the campaign */
        illumFrom: FileRef.optional(),
      })
      .strict(),
    'Cut a plate into shards: plan.json (model + sha256, parameters, seeds, input hashes) and a LoadData CSV per shard',
  ).returns<PlanSummary>(),
  'campaign.list': request(z.object({ plate: PlateRef.optional() }).strict(), 'Campaigns this catalog knows of, newest first').returns<CampaignInfo[]>(),
  'campaign.status': request(
    z
      .object({
        /** a campaign of campaign.list */
        id: CampaignId.optional(),
        /** or its plan.json */
        plan: FileRef.optional(),
      })
      .strict()
      .refine(oneOf, ONE_OF),
    "Each shard's state (queued/running/done/failed) from the scheduler and the workers' done-markers",
  ).returns<CampaignStatus>(),
  'campaign.merge': request(z.object({ id: CampaignId.optional(), plan: FileRef.optional() }).strict().refine(oneOf, ONE_OF), "Fold a finished campaign's shards into the catalog in one transaction (once)").returns<CampaignMergeSummary>(),
  'campaign.mergeCatalog': request(
    z.object({ catalog: FileRef }).strict(),
    "Fold another workstation's plates (wells, compounds, images, models by sha256, runs, segmentations, features, profiles) into this catalog in one transaction",
  ).returns<CatalogMergeSummary>(),
  'slurm.info': request(Empty, 'Whether this machine can submit to Slurm (sbatch on PATH) and its version').returns<SlurmInfo>(),
  'slurm.submit': request(
    z
      .object({
        id: CampaignId.optional(),
        plan: FileRef.optional(),
        partition: SlurmWord('partition').optional(),
        cpusPerTask: z.number().int().positive().max(1024).optional(),
        mem: z.string().regex(/^[0-9]+[KMGT]?$/, 'must be a Slurm memory size such as 8G').optional(),
        gres: SlurmWord('gres').optional(),
        /** only these shards (a re-submission); default all */
        shards: z.array(z.number().int().nonnegative()).min(1).optional(),
        /** submit the merge into this workspace's catalog as a job that waits for the array (afterok) */
        thenMerge: z.boolean().default(false),
      })
      .strict()
      .refine(oneOf, ONE_OF),
    'Write and submit the sbatch array job (one task per shard, requeued, a log per task), optionally the merge after it',
  ).returns<Submission>(),
};
