import { Badge, Button, Group, Paper, Progress, Text } from '@mantine/core';
import { useState } from 'react';
import type { JobInfo, JobStatus } from '../../../shared/contract/jobs';
import { api } from '../api';
import { formatDuration, formatTime } from '../lib/format';

const STATUS_COLOUR: Record<JobStatus, string> = {
  queued: 'gray',
  running: 'blue',
  done: 'teal',
  failed: 'red',
  cancelled: 'orange',
  interrupted: 'yellow',
};

/** Keeps the job list current from 'job' events after one jobs.list. */
export function JobCard({ job, compact = false }: { job: JobInfo; compact?: boolean }) {
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<string | null>(null);
  const pct = job.total > 0 ? (100 * job.done) / job.total : job.status === 'done' ? 100 : 0;
  const active = job.status === 'running' || job.status === 'queued';
  const act = (name: 'jobs.cancel' | 'jobs.resume') => {
    setBusy(true);
    setErr(null);
    api.call(name, { id: job.id }).then(
      () => setBusy(false),
      (e: Error) => {
        setBusy(false);
        setErr(e.message);
      },
    );
  };
  return (
    <Paper withBorder p="sm" data-job={job.id} data-status={job.status}>
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <Group gap={compact ? 4 : 'sm'} wrap={compact ? 'wrap' : 'nowrap'}>
          <Badge color={STATUS_COLOUR[job.status]} variant="light" w={compact ? undefined : 100}>
            {job.status}
          </Badge>
          <Text fw={600} size={compact ? 'sm' : undefined}>
            {job.title}
          </Text>
          {!compact && (
            <Text size="sm" c="dimmed">
              #{job.id} · {job.kind}
            </Text>
          )}
        </Group>
        <Group gap="xs">
          {active && job.elsewherePid !== null && (
            <Text size="xs" c="dimmed">
              in another Stainless process (pid {job.elsewherePid})
            </Text>
          )}
          {active && job.elsewherePid === null && (
            <Button size="xs" variant="light" color="red" loading={busy} onClick={() => act('jobs.cancel')}>
              Cancel
            </Button>
          )}
          {job.status === 'interrupted' && (
            <Button size="xs" variant="light" loading={busy} onClick={() => act('jobs.resume')}>
              Resume
            </Button>
          )}
        </Group>
      </Group>
      <Progress value={pct} mt="xs" size="lg" animated={job.status === 'running'} color={STATUS_COLOUR[job.status]} aria-label={`${job.title} progress`} />
      <Group gap={compact ? 'xs' : 'lg'} mt={6} className="num">
        {/* a job that ended before it counted its work has no progress or rate to show */}
        <Text size="sm">
          {job.total > 0 || active ? `${job.done.toLocaleString()} / ${job.total.toLocaleString()} ${job.unit}` : `ended before its first ${job.unit.replace(/s$/, '')}`}
        </Text>
        {(job.rate != null || active) && (
          <Text size="sm" c="dimmed">
            rate {job.rate != null ? `${job.rate.toFixed(job.rate < 10 ? 2 : 0)} ${job.unit}/s` : '—'}
          </Text>
        )}
        {active && (
          <Text size="sm" c="dimmed">
            ETA {formatDuration(job.eta)}
          </Text>
        )}
        {!compact && (
          <Text size="sm" c="dimmed">
            started {formatTime(job.startedAt)}
            {job.finishedAt ? ` · finished ${formatTime(job.finishedAt)}` : ''}
          </Text>
        )}
      </Group>
      {job.message && (
        <Text size="sm" mt={4}>
          {job.message}
        </Text>
      )}
      {job.error && (
        <Text size="sm" c="red" mt={4} style={{ whiteSpace: 'pre-wrap' }} data-testid="job-error">
          {job.error}
        </Text>
      )}
      {err && (
        <Text size="sm" c="red" mt={4}>
          {err}
        </Text>
      )}
    </Paper>
  );
}
