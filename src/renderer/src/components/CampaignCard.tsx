import { Badge, Button, Group, Paper, Progress, Table, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { CampaignInfo, ShardJobState, ShardStatus } from '../../../shared/contract/campaign';
import { api } from '../api';
import { useApi } from '../lib/useApi';
import { formatTime } from '../lib/format';

const STATE_COLOUR: Record<ShardJobState, string> = {
  'not submitted': 'gray',
  queued: 'gray',
  running: 'blue',
  done: 'teal',
  failed: 'red',
  stopped: 'orange',
};

/** The scheduler's own word only where it says more than the state (e.g. REQUEUED, NODE_FAIL), the worker's failure always. */
const shardDetail = (x: ShardStatus): string => {
  if (x.state === 'done' || !x.detail) return '';
  if ((x.state === 'running' && x.detail === 'RUNNING') || (x.state === 'queued' && x.detail === 'PENDING')) return '';
  return x.detail;
};

/** How often a campaign with shards still to finish asks the scheduler again. */
const POLL_MS = 4000;

/** A campaign's shards as jobs: each shard's state from campaign.status (scheduler + done-markers). */
export function CampaignCard({ campaign, onChanged }: { campaign: CampaignInfo; onChanged(): void }) {
  const status = useApi('campaign.status', { id: campaign.id });
  const s = status.data;
  const settled = !!s && s.shards.every((x) => x.state === 'done' || x.state === 'failed' || x.state === 'not submitted' || x.state === 'stopped');
  const { reload } = status;
  useEffect(() => {
    if (settled && s?.mergedRunId) return;
    const t = setInterval(reload, POLL_MS);
    return () => clearInterval(t);
  }, [settled, s?.mergedRunId, reload]);
  const sitesDone = s ? s.shards.reduce((a, x) => a + x.sitesDone, 0) : 0;
  const counts = new Map<ShardJobState, number>();
  for (const x of s?.shards ?? []) counts.set(x.state, (counts.get(x.state) ?? 0) + 1);
  const mergedRunId = s?.mergedRunId ?? campaign.mergedRunId;
  const finished = !!s && s.shards.every((x) => x.state === 'done');
  const [merging, setMerging] = useState(false);
  const [mergeError, setMergeError] = useState<string | null>(null);
  // the CLI's `merge --plan`: one transaction, refused (one line) if a shard is missing or it was merged before
  const merge = () => {
    setMerging(true);
    setMergeError(null);
    api.call('campaign.merge', { id: campaign.id }).then(
      () => (setMerging(false), reload(), onChanged()),
      (e: Error) => (setMerging(false), setMergeError(e.message)),
    );
  };
  return (
    <Paper withBorder p="sm" data-campaign={campaign.id}>
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <Group gap="sm">
          <Badge variant="light" color={mergedRunId ? 'teal' : 'blue'} w={100}>
            {mergedRunId ? 'merged' : 'campaign'}
          </Badge>
          <Text fw={600}>
            Plate {campaign.plate} · {campaign.model}
          </Text>
          <Text size="sm" c="dimmed">
            {campaign.steps.join(' + ')} · {campaign.shards} shards · {campaign.sites} sites · {campaign.id.slice(0, 12)}
          </Text>
        </Group>
        <Group gap="sm" wrap="nowrap">
          <Text size="sm" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
            planned {formatTime(campaign.createdAt)}
          </Text>
          {finished && !mergedRunId && (
            <Button size="compact-sm" onClick={merge} loading={merging} data-testid="campaign-merge">
              Merge
            </Button>
          )}
        </Group>
      </Group>
      <Progress value={(100 * sitesDone) / Math.max(1, campaign.sites)} mt="xs" size="lg" color={mergedRunId ? 'teal' : 'blue'} aria-label={`campaign ${campaign.id.slice(0, 12)} progress`} />
      <Group gap="lg" mt={6} className="num">
        <Text size="sm">
          {sitesDone.toLocaleString()} / {campaign.sites.toLocaleString()} sites
        </Text>
        {[...counts].map(([state, n]) => (
          <Text size="sm" c="dimmed" key={state}>
            {n} {state}
          </Text>
        ))}
        {mergedRunId && <Text size="sm">merged into run {mergedRunId}</Text>}
        {s?.merge && !mergedRunId && (
          <Text size="sm" c="dimmed">
            merge job {s.merge.jobId}: {s.merge.state.toLowerCase()}
          </Text>
        )}
      </Group>
      <Text size="xs" c="dimmed" mt={4} style={{ wordBreak: 'break-all' }}>
        {campaign.planFile}
      </Text>
      {mergeError && (
        <Text size="sm" c="red" mt={4} data-testid="campaign-merge-error">
          {mergeError}
        </Text>
      )}
      {status.error && (
        <Text size="sm" c="red" mt={4} data-testid="campaign-error">
          {status.error}
        </Text>
      )}
      {s && (
        <Table mt="xs" fz="sm" withRowBorders={false} verticalSpacing={2} data-testid="campaign-shards">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={70}>Shard</Table.Th>
              <Table.Th w={150}>State</Table.Th>
              <Table.Th w={200}>Sites</Table.Th>
              <Table.Th w={120}>Slurm job</Table.Th>
              <Table.Th>Detail</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {s.shards.map((x) => (
              <Table.Tr key={x.shard} data-shard={x.shard} data-state={x.state}>
                <Table.Td className="num">{x.shard}</Table.Td>
                <Table.Td>
                  <Badge size="sm" variant="light" color={STATE_COLOUR[x.state]} styles={{ root: { overflow: 'visible' }, label: { overflow: 'visible' } }}>
                    {x.state}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <Progress value={(100 * x.sitesDone) / Math.max(1, x.sites)} w={100} color={STATE_COLOUR[x.state]} aria-label={`shard ${x.shard} progress`} />
                    <Text size="sm" className="num">
                      {x.sitesDone} / {x.sites}
                    </Text>
                  </Group>
                </Table.Td>
                <Table.Td className="num">{x.jobId ?? '—'}</Table.Td>
                <Table.Td>
                  <Text size="sm" c={x.state === 'failed' ? 'red' : 'dimmed'} lineClamp={3} title={x.detail ?? undefined} style={{ wordBreak: 'break-all' }}>
                    {shardDetail(x)}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}
