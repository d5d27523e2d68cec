import type { JobInfo } from '../../../shared/contract/jobs';

export const isFinished = (j: JobInfo | null) => !!j && (j.status === 'done' || j.status === 'failed' || j.status === 'cancelled');

const stage = (j: JobInfo) => (isFinished(j) ? 2 : j.status === 'running' ? 1 : 0);

/**
 * The later of two states of one job: the list's answer may have been read before an event that
 * already arrived (a job failing before its first site has done 0 in both), so a state is never
 * taken back to an earlier status or a smaller count; on a tie the one held stays.
 */
export function newerJob(cur: JobInfo | null, j: JobInfo): JobInfo {
  if (!cur) return j;
  const a = stage(cur), b = stage(j);
  return b > a || (b === a && j.done > cur.done) ? j : cur;
}
