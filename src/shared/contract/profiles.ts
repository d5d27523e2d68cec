import { z } from 'zod';
import { FileRef } from './files';
import { ImageSource, PlateRef, SegmentMethod, request } from './define';
import type { JobInfo } from './jobs';

export const ProfilesStartInput = z
  .object({
    plate: PlateRef,
    source: ImageSource.default('acquired'),
    runId: z.number().int().positive().optional(),
    method: SegmentMethod.optional(),
    /** the processed profiles (Metadata_* + selected features), .csv or .parquet: a save handle */
    out: FileRef,
    /** copairs' mAP per compound, .csv: a save handle */
    mapOut: FileRef.optional(),
    overwrite: z.boolean().default(false),
    /** size of copairs' null distributions */
    nullSize: z.number().int().min(100).max(100000).default(10000),
    seed: z.number().int().min(0).max(2 ** 31).default(0),
  })
  .strict();
export type ProfilesStartInput = z.input<typeof ProfilesStartInput>;

export const profilesContract = {
  'profiles.start': request(
    ProfilesStartInput,
    "pycytominer's profile recipe on a plate (mad_robustize vs DMSO, feature_select) and copairs' mAP per compound, written as tables (job \"profiles\")",
  ).returns<JobInfo>(),
};
