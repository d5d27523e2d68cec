import { z } from 'zod';
import { request, Empty } from './define';

export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';

export interface JobInfo {
  id: number;
  kind: string;
  title: string;
  status: JobStatus;
  done: number;
  total: number;
  unit: string;
  /** items per second over the running part of the job */
  rate: number | null;
  /** seconds left at the current rate */
  eta: number | null;
  message: string | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** JSON-serialisable outcome for the UI (report, run id ...) */
  result: unknown;
  /** the pid of the other live Stainless process running or queueing this job (only it can cancel it); null when it is this one's or finished */
  elsewherePid: number | null;
}

export const jobsContract = {
  'jobs.list': request(Empty, 'Recent and running jobs').returns<JobInfo[]>(),
  'jobs.cancel': request(z.object({ id: z.number().int().positive() }).strict(), 'Cancel a job').returns<JobInfo>(),
  'jobs.resume': request(z.object({ id: z.number().int().positive() }).strict(), 'Resume an interrupted job').returns<JobInfo>(),
};
