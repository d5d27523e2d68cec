import { z } from 'zod';
import { request } from './define';
import type { JobInfo } from './jobs';

export const DemoInput = z
  .object({
    format: z.union([z.literal(96), z.literal(384), z.literal(1536)]).default(96),
    sites: z.number().int().min(1).max(9).default(1),
    size: z.number().int().min(128).max(2048).default(512),
    cellLine: z.enum(['A549', 'U2OS']).default('A549'),
    seed: z.number().int().min(0).max(2 ** 31).default(1),
    emptyEdges: z.boolean().default(false),
    /** after import: run the bundled direct model, segment + measure, compute metrics */
    pipeline: z.boolean().default(true),
  })
  .strict();
export type DemoParams = z.output<typeof DemoInput>;

export const demoContract = {
  'demo.create': request(DemoInput, 'Simulate a demo plate into the workspace and import it (then infer, measure and score it)').returns<JobInfo>(),
};
