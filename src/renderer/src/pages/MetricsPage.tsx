import { Alert, Anchor, Badge, Button, Group, Paper, SimpleGrid, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { useState } from 'react';
import type { RunMetrics } from '../../../shared/contract/metrics';
import type { RunInfo } from '../../../shared/contract/inference';
import { DomainAlert, DomainBadge } from '../components/DomainBadge';
import { api } from '../api';
import { href, navigate, type Route } from '../lib/route';
import { useApi } from '../lib/useApi';
import { formatDuration, formatTime, formatValue } from '../lib/format';
import { colourOf, isLight } from '../lib/colour';
import { BoxPlots } from '../components/BoxPlot';
import { SkillTable } from '../components/SkillTable';

export function MetricsPage({ route }: { route: Route }) {
  const id = Number(route.args[0]);
  const runs = useApi('runs.list', {}, (e) => e.type === 'catalog' && (e.what === 'runs' || e.what === 'metrics'));
  if (Number.isInteger(id) && id > 0) return <Dashboard runId={id} run={runs.data?.find((r) => r.id === id)} />;
  return (
    <Stack maw={1200}>
      <Title order={2}>Metrics</Title>
      <Text c="dimmed">How close each run's synthetic images are to the acquired ones: pixels, segmentation, features and biology.</Text>
      {runs.error && <Alert color="red">{runs.error}</Alert>}
      {runs.data && runs.data.length === 0 && <Text c="dimmed">No inference runs yet. Run a model from a plate page.</Text>}
      {runs.data && runs.data.length > 0 && (
        <Table highlightOnHover fz="sm" data-testid="run-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Run</Table.Th>
              <Table.Th>Plate</Table.Th>
              <Table.Th>Model</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Domain</Table.Th>
              <Table.Th>Sites</Table.Th>
              <Table.Th>Provider</Table.Th>
              <Table.Th>Started</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {runs.data.map((r) => (
              <Table.Tr key={r.id} style={{ cursor: 'pointer' }} onClick={() => navigate('metrics', r.id)} data-run={r.id}>
                <Table.Td fw={600}>{r.id}</Table.Td>
                <Table.Td>{r.plate}</Table.Td>
                <Table.Td>{r.model}</Table.Td>
                <Table.Td>
                  <Badge variant="light" color={r.status === 'done' ? 'teal' : r.status === 'failed' ? 'red' : 'blue'}>
                    {r.status}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <DomainBadge domain={r.domain} />
                </Table.Td>
                <Table.Td className="num">
                  {r.sitesDone}/{r.sitesTotal ?? '?'}
                </Table.Td>
                <Table.Td>{r.provider ?? '—'}</Table.Td>
                <Table.Td>{formatTime(r.createdAt)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

function Dashboard({ runId, run }: { runId: number; run: RunInfo | undefined }) {
  const m = useApi('metrics.run', { runId }, (e) => e.type === 'catalog' && e.what === 'metrics');
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<string | null>(null);
  const compute = () => {
    setBusy(true);
    setErr(null);
    api.call('metrics.start', { runId, iou: 0.5, ssimWindow: 'uniform' }).then(
      () => {
        setBusy(false);
        navigate('jobs');
      },
      (e: Error) => {
        setBusy(false);
        setErr(e.message);
      },
    );
  };
  const d = m.data;
  return (
    <Stack gap="sm" data-testid="metrics-dashboard">
      <Anchor href={href('metrics')} size="sm">
        ← All runs
      </Anchor>
      <Group justify="space-between" align="flex-end">
        <Stack gap={0}>
          <Group gap="xs">
            <Title order={2}>
              Run {runId}: {d?.model ?? run?.model ?? ''} on plate {d?.plate ?? run?.plate ?? ''}
            </Title>
            {run && <DomainBadge domain={run.domain} size="md" />}
          </Group>
          <Text c="dimmed" size="sm">
            Synthetic images made by model <b>{d?.model ?? run?.model}</b> with provider {d?.provider ?? run?.provider ?? '—'}
            {run?.timings.perSite != null ? ` · ${formatValue(run.timings.perSite)} s per site` : ''}
            {run?.timings.seconds != null ? ` · ${formatDuration(run.timings.seconds)} in total` : ''}
            {d ? ` · metrics computed ${formatTime(d.computedAt)}` : ''}
          </Text>
        </Stack>
        <Button variant="light" onClick={compute} loading={busy}>
          {d ? 'Recompute metrics' : 'Compute metrics'}
        </Button>
      </Group>
      <DomainAlert domain={run?.domain} />
      {err && <Alert color="red">{err}</Alert>}
      {m.error && <Alert color="red">{m.error}</Alert>}
      {m.data === null && <Alert color="blue">Metrics are not computed for this run yet.</Alert>}
      {d && <MetricsBody d={d} />}
    </Stack>
  );
}

function MetricsBody({ d }: { d: RunMetrics }) {
  return (
    <Stack gap="sm">
      {d.notes.length > 0 && (
        <Alert color="yellow" title="Not everything could be measured">
          {d.notes.map((n) => (
            <Text size="sm" key={n}>
              {n}
            </Text>
          ))}
        </Alert>
      )}
      <Paper withBorder p="sm">
        <Title order={4}>Pixels, per site</Title>
        <Text size="xs" c="dimmed" mb={4}>
          {d.scale}; SSIM with a {d.ssimWindow} window
        </Text>
        <SimpleGrid cols={{ base: 1, lg: 3 }}>
          <BoxPlots title="MSE (lower is better)" rows={d.pixel.map((p) => ({ label: p.channel, d: p.mse }))} testId="box-mse" />
          <BoxPlots title="PSNR dB (higher is better)" rows={d.pixel.map((p) => ({ label: p.channel, d: p.psnr }))} testId="box-psnr" />
          <BoxPlots title="SSIM (higher is better)" rows={d.pixel.map((p) => ({ label: p.channel, d: p.ssim }))} testId="box-ssim" />
        </SimpleGrid>
      </Paper>
      <SkillTable pixel={d.pixel} baseline={d.baseline} />
      <SimpleGrid cols={{ base: 1, xl: 2 }}>
        <Paper withBorder p="sm">
          <Title order={4} mb={4}>
            Segmentation (StarDist matching)
          </Title>
          {d.segmentation.length === 0 ? (
            <Text size="sm" c="dimmed">
              no segmentation metrics
            </Text>
          ) : (
            <Table fz="sm" className="num" data-testid="seg-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Objects</Table.Th>
                  <Table.Th>vs</Table.Th>
                  <Table.Th>IoU</Table.Th>
                  <Table.Th>Precision</Table.Th>
                  <Table.Th>Recall</Table.Th>
                  <Table.Th>F1</Table.Th>
                  <Table.Th>PQ</Table.Th>
                  <Table.Th>true / pred</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {d.segmentation.map((s) => (
                  <Table.Tr key={s.objects + s.truth}>
                    <Table.Td>{s.objects}</Table.Td>
                    <Table.Td>{s.truth}</Table.Td>
                    <Table.Td>{s.thresh}</Table.Td>
                    <Table.Td>{s.precision.toFixed(3)}</Table.Td>
                    <Table.Td>{s.recall.toFixed(3)}</Table.Td>
                    <Table.Td fw={700}>{s.f1.toFixed(3)}</Table.Td>
                    <Table.Td>{s.panoptic_quality.toFixed(3)}</Table.Td>
                    <Table.Td>
                      {s.n_true} / {s.n_pred}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          <Text size="sm" mt="xs" data-testid="count-r">
            Cell count correlation across wells:{' '}
            {d.cellCount ? (
              <b>
                r = {formatValue(d.cellCount.r)} ({d.cellCount.wells} wells, vs {d.cellCount.truth})
              </b>
            ) : (
              '—'
            )}
          </Text>
        </Paper>
        <Paper withBorder p="sm">
          <Title order={4} mb={4}>
            Biology
          </Title>
          <Table fz="sm" className="num">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Measure</Table.Th>
                <Table.Th>Source</Table.Th>
                <Table.Th>Value</Table.Th>
                <Table.Th>Detail</Table.Th>
                <Table.Th>Samples</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {d.separation.map((s) => (
                <Table.Tr key={s.task + s.source}>
                  <Table.Td>{s.task === 'moa' ? 'MoA classification F1' : 'treatment vs DMSO F1'}</Table.Td>
                  <Table.Td>{s.source}</Table.Td>
                  <Table.Td fw={600}>{formatValue(s.f1)}</Table.Td>
                  <Table.Td>accuracy {formatValue(s.accuracy)}</Table.Td>
                  <Table.Td>
                    {s.samples} ({s.classes} classes, {s.folds}-fold)
                  </Table.Td>
                </Table.Tr>
              ))}
              {d.activity.map((a) => (
                <Table.Tr key={'act' + a.source}>
                  <Table.Td>phenotypic activity, mean mAP</Table.Td>
                  <Table.Td>{a.source}</Table.Td>
                  <Table.Td fw={600}>{formatValue(a.meanMAP)}</Table.Td>
                  <Table.Td>{a.fractionActive != null ? `${formatValue(a.fractionActive * 100)} % active` : '—'}</Table.Td>
                  <Table.Td>
                    {a.compounds} compounds{a.features ? ` · ${a.features.selected} of ${a.features.profile} features (pycytominer recipe)` : ''}
                  </Table.Td>
                </Table.Tr>
              ))}
              {d.qc.map((q) => (
                <Table.Tr key={'qc' + q.value + q.source}>
                  <Table.Td>Z′ on {q.value}</Table.Td>
                  <Table.Td>{q.source}</Table.Td>
                  <Table.Td fw={600}>{formatValue(q.zPrime)}</Table.Td>
                  <Table.Td>SSMD {formatValue(q.ssmd)}</Table.Td>
                  <Table.Td>
                    {q.positive}+ / {q.negative}−
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {d.frechet && (
            <Text size="sm" mt="xs">
              Fréchet distance of per-cell features: <b>{formatValue(d.frechet.value)}</b> ({d.frechet.features} features, {d.frechet.cellsAcquired} acquired vs {d.frechet.cellsSynthetic} synthetic cells)
            </Text>
          )}
        </Paper>
      </SimpleGrid>
      <Paper withBorder p="sm">
        <Title order={4} mb={4}>
          Feature agreement: Pearson r across wells, acquired vs synthetic {d.features ? `(${d.features.features} features, ${d.features.wells} wells, mean r ${formatValue(d.features.meanR)})` : ''}
        </Title>
        {d.features && d.features.table.length > 0 ? (
          <CorrelationHeatmap table={d.features.table} />
        ) : (
          <Text c="dimmed">{d.features ? 'no feature measured on both acquired and synthetic images' : 'features not computed for this run'}</Text>
        )}
      </Paper>
      <Text size="xs" c="dimmed">
        Metrics took {Object.entries(d.seconds).map(([k, v]) => `${k} ${formatValue(v)} s`).join(', ')}.
      </Text>
    </Stack>
  );
}

/** Feature group × channel grid coloured by mean r on a diverging scale (−1 … 1). */
function CorrelationHeatmap({ table }: { table: { group: string; channel: string; n: number; meanR: number | null }[] }) {
  const groups = [...new Set(table.map((t) => t.group))];
  const channels = [...new Set(table.map((t) => t.channel))];
  const scale = { kind: 'diverging' as const, min: -1, max: 1 };
  return (
    <Table fz="sm" className="num" withColumnBorders data-testid="corr-heatmap" style={{ width: 'auto' }}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Group</Table.Th>
          {channels.map((c) => (
            <Table.Th key={c} ta="center" miw={72}>
              {c || '(no channel)'}
            </Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {groups.map((g) => (
          <Table.Tr key={g}>
            <Table.Td fw={500}>{g}</Table.Td>
            {channels.map((c) => {
              const cell = table.find((t) => t.group === g && t.channel === c);
              const bg = cell ? colourOf(cell.meanR, scale) : null;
              return (
                <Tooltip key={c} label={cell ? `${g} ${c}: mean r ${formatValue(cell.meanR)} over ${cell.n} features` : 'not measured'}>
                  <Table.Td ta="center" style={{ background: bg ?? undefined, color: bg ? (isLight(bg) ? '#111' : '#fff') : undefined }}>
                    {cell ? formatValue(cell.meanR != null ? Math.round(cell.meanR * 100) / 100 : null) : ''}
                  </Table.Td>
                </Tooltip>
              );
            })}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
