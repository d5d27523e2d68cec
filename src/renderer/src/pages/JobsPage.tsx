import { Group, Stack, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { JobInfo } from '../../../shared/contract/jobs';
import { api } from '../api';
import { JobCard } from '../components/JobCard';
import { CampaignCard } from '../components/CampaignCard';
import { CampaignSubmit } from '../components/CampaignSubmit';
import { useApi } from '../lib/useApi';

export function useJobs(): { jobs: JobInfo[]; error: string | null } {
  const [jobs, setJobs] = useState<Map<number, JobInfo>>(new Map());
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const off = api.onEvent((e) => {
      if (e.type === 'job') setJobs((m) => new Map(m).set(e.job.id, e.job));
    });
    api.call('jobs.list', {}).then(
      (list) =>
        live &&
        setJobs((m) => {
          const next = new Map(list.map((j) => [j.id, j] as const));
          for (const [id, j] of m) next.set(id, j); // events that arrived meanwhile are newer
          return next;
        }),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
      off();
    };
  }, []);
  return { jobs: [...jobs.values()].sort((a, b) => b.id - a.id), error };
}

/** One job; `compact` stacks it for narrow side panels. */
export function JobsPage() {
  const { jobs, error } = useJobs();
  // campaigns run on a cluster, outside this app's job queue
  const campaigns = useApi('campaign.list', {}, (e) => e.type === 'catalog');
  return (
    <Stack maw={1000}>
      <Title order={2}>Jobs</Title>
      <Stack gap="xs" data-testid="campaigns">
        <Group justify="space-between">
          <Title order={4}>Cluster campaigns</Title>
          <CampaignSubmit onChanged={campaigns.reload} />
        </Group>
        {campaigns.error && <Text c="red">{campaigns.error}</Text>}
        {campaigns.data?.length === 0 && (
          <Text size="sm" c="dimmed">
            None yet. A campaign cuts a plate into shards that run on a Slurm cluster, then merges them into this catalog.
          </Text>
        )}
        {campaigns.data?.map((c) => (
          <CampaignCard key={c.id} campaign={c} onChanged={campaigns.reload} />
        ))}
      </Stack>
      <Title order={4}>This workstation</Title>
      {error && <Text c="red">{error}</Text>}
      {jobs.length === 0 && !error && <Text c="dimmed">No jobs yet. Imports, inference, measurements and exports appear here.</Text>}
      {jobs.map((j) => (
        <JobCard key={j.id} job={j} />
      ))}
    </Stack>
  );
}
