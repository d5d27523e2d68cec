import { Alert, Badge, Button, Code, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import type { Route } from '../lib/route';
import { navigate } from '../lib/route';
import { useApi } from '../lib/useApi';
import { formatTime } from '../lib/format';
import { PlateView } from './PlateView';
import { useState } from 'react';
import type { JobInfo } from '../../../shared/contract/jobs';
import { api } from '../api';
import { useJob } from '../lib/useJob';

export function PlatesPage({ route }: { route: Route }) {
  const id = Number(route.args[0]);
  if (Number.isInteger(id) && id > 0) return <PlateView plateId={id} route={route} />;
  return <PlateList />;
}

function DemoButton() {
  const [started, setStarted] = useState<JobInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const job = useJob(started);
  return (
    <>
      <Button
        onClick={() => api.call('demo.create', {}).then(setStarted, (e: Error) => setError(e.message))}
        loading={!!job && (job.status === 'running' || job.status === 'queued')}
        data-testid="open-demo"
      >
        Open demo plate
      </Button>
      {job && <Text size="sm">{job.message ?? job.status} {job.total ? `(${job.done}/${job.total} ${job.unit})` : ''}</Text>}
      {error && <Text c="red">{error}</Text>}
    </>
  );
}

function PlateList() {
  const plates = useApi('plates.list', {}, (e) => e.type === 'catalog' && e.what === 'plates');
  const runs = useApi('runs.list', {}, (e) => e.type === 'catalog' && e.what === 'runs');
  const runCount = (plateId: number) => runs.data?.filter((r) => r.plateId === plateId).length ?? 0;
  return (
    <Stack maw={1200}>
      <Title order={2}>Plates</Title>
      {plates.error && <Alert color="red">{plates.error}</Alert>}
      {plates.data && plates.data.length === 0 && (
        <Paper withBorder p="lg" data-testid="no-plates">
          <Text fw={600} mb="xs">
            No plates in this workspace yet.
          </Text>
          <Text c="dimmed" mb="sm">
            Open the demo plate (simulated A549 cells with ground truth, then virtually stained, measured and scored), or import a plate folder.
          </Text>
          <Group>
            <DemoButton />
            <Button variant="light" onClick={() => navigate('io')}>
              Import a plate
            </Button>
          </Group>
          <Text size="sm" c="dimmed" mt="sm">
            From the command line: <Code>npx stainless demo --out DIR</Code> then <Code>npx stainless import DIR</Code>
          </Text>
        </Paper>
      )}
      {plates.data && plates.data.length > 0 && (
        <Table highlightOnHover verticalSpacing="sm" fz="md" data-testid="plate-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Barcode</Table.Th>
              <Table.Th>Cell line</Table.Th>
              <Table.Th>Format</Table.Th>
              <Table.Th ta="right">Wells</Table.Th>
              <Table.Th ta="right">Sites</Table.Th>
              <Table.Th ta="right">Runs</Table.Th>
              <Table.Th>Channels</Table.Th>
              <Table.Th>Imported</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {plates.data.map((p) => (
              <Table.Tr key={p.id} style={{ cursor: 'pointer' }} onClick={() => navigate('plates', p.id)} data-plate={p.barcode}>
                <Table.Td fw={600}>
                  {p.barcode} {p.isDemo && <Badge variant="light">demo</Badge>}
                </Table.Td>
                <Table.Td>{p.cellLine ?? '—'}</Table.Td>
                <Table.Td>{p.format}</Table.Td>
                <Table.Td ta="right" className="num">
                  {p.wells}
                </Table.Td>
                <Table.Td ta="right" className="num">
                  {p.sites}
                </Table.Td>
                <Table.Td ta="right" className="num">
                  {runCount(p.id)}
                </Table.Td>
                <Table.Td>{p.channels.join(', ')}</Table.Td>
                <Table.Td>{formatTime(p.importedAt)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
