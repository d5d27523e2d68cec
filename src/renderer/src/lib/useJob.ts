import { useEffect, useState } from 'react';
import type { JobInfo } from '../../../shared/contract/jobs';
import { api } from '../api';
import { newerJob } from './jobState';

/** Follows one job from its 'job' events (started elsewhere, e.g. import.start → JobInfo). */
export function useJob(initial: JobInfo | null): JobInfo | null {
  const [job, setJob] = useState<JobInfo | null>(initial);
  useEffect(() => setJob(initial), [initial?.id]);
  useEffect(() => {
    if (!initial) return;
    const id = initial.id;
    const off = api.onEvent((e) => {
      if (e.type === 'job' && e.job.id === id) setJob(e.job);
    });
    // The job may have moved on before the event stream was listening.
    api.call('jobs.list', {}).then((list) => {
      const j = list.find((x) => x.id === id);
      if (j) setJob((cur) => newerJob(cur, j));
    });
    return off;
  }, [initial?.id]);
  return job;
}
