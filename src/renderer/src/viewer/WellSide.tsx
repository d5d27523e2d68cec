import { Paper, Stack, Table, Text } from '@mantine/core';
import type { WellDetail } from '../../../shared/contract/catalog';
import { formatValue } from '../lib/format';
import { useApi } from '../lib/useApi';

/** The well's compound annotation and its per-well metrics from the shown run. */
export function WellSide({ detail, runId }: { detail: WellDetail; runId: number | null }) {
  const w = detail.well;
  const metrics = useApi(runId != null ? 'metrics.run' : null, { runId: runId ?? 1 });
  const keys = metrics.data?.wellKeys ?? [];
  return (
    <Stack gap="xs">
      <Paper withBorder p="xs" data-testid="well-annotation">
        <Text size="sm" fw={600} mb={4}>
          Compound
        </Text>
        <Table fz="sm" verticalSpacing={2} withRowBorders={false}>
          <Table.Tbody>
            <Row k="Name" v={w.compound} />
            <Row k="Broad sample" v={w.broadSample} />
            <Row k="MoA" v={w.moa} />
            <Row k="Target" v={w.target} />
            <Row k="Concentration" v={w.concentration != null ? `${formatValue(w.concentration)} ${w.concentrationUnit ?? ''}` : null} />
            <Row k="Control" v={w.controlType} />
            <Row k="Perturbation" v={w.pertType} />
            <Row k="Solvent" v={w.solvent} />
            <Row k="SMILES" v={w.smiles} />
          </Table.Tbody>
        </Table>
      </Paper>
      {runId != null && (
        <Paper withBorder p="xs" data-testid="well-metrics">
          <Text size="sm" fw={600} mb={4}>
            Metrics of this well (run {runId})
          </Text>
          {keys.length === 0 ? (
            <Text size="xs" c="dimmed">
              {metrics.data === null ? 'Metrics not computed for this run yet.' : metrics.error ?? '…'}
            </Text>
          ) : (
            <WellMetricValues runId={runId} wellId={w.id} keys={keys.slice(0, 16)} />
          )}
        </Paper>
      )}
    </Stack>
  );
}

function WellMetricValues({ runId, wellId, keys }: { runId: number; wellId: number; keys: { key: string; channel: string; label: string }[] }) {
  return (
    <Table fz="sm" verticalSpacing={2} withRowBorders={false}>
      <Table.Tbody>
        {keys.map((k) => (
          <MetricRow key={k.key + k.channel} runId={runId} wellId={wellId} k={k} />
        ))}
      </Table.Tbody>
    </Table>
  );
}

function MetricRow({ runId, wellId, k }: { runId: number; wellId: number; k: { key: string; channel: string; label: string } }) {
  const v = useApi('metrics.wellValues', { runId, key: k.key, channel: k.channel });
  const value = v.data?.values.find((x) => x.wellId === wellId)?.value;
  return <Row k={k.label} v={v.data ? formatValue(value) : '…'} />;
}

function Row({ k, v }: { k: string; v: string | null | undefined }) {
  return (
    <Table.Tr>
      <Table.Td c="dimmed" w={110} style={{ verticalAlign: 'top' }}>
        {k}
      </Table.Td>
      <Table.Td style={{ wordBreak: 'break-word' }}>{v ?? '—'}</Table.Td>
    </Table.Tr>
  );
}
