import { Alert, Badge, Button, Code, Paper, Stack, Table, Text, Title } from '@mantine/core';
import type { Route } from '../lib/route';
import { navigate } from '../lib/route';
import { useApi } from '../lib/useApi';
import { formatTime } from '../lib/format';
import { PlateView } from './PlateView';

export function PlatesPage({ route }: { route: Route }) {
  const id = Number(route.args[0]);
  if (Number.isInteger(id) && id > 0) return <PlateView plateId={id} route={route} />;
  return <PlateList />;
}

function PlateList() {
  const plates = useApi('plates.list', {}, (e) => e.type === 'catalog' && e.what === 'plates');
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
            Import a plate folder from Import / Export, or make a demo plate from the command line:
          </Text>
          <Code block>npx stainless demo --out /tmp/demo && npx stainless import /tmp/demo</Code>
          <Button mt="md" variant="light" onClick={() => navigate('io')}>
            Import a plate
          </Button>
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
