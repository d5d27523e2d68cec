import { Alert, Anchor, Badge, Group, Paper, Stack, Text, Tooltip } from '@mantine/core';
import type { RunInfo } from '../../../shared/contract/inference';
import { verdictColor, type DomainCheck } from '../../../shared/domain';
import { href } from '../lib/route';
import { useApi } from '../lib/useApi';

/** The run's domain-check verdict; hover lists the reasons. */
export function DomainBadge({ domain, size = 'sm' }: { domain: DomainCheck | null | undefined; size?: 'xs' | 'sm' | 'md' }) {
  const label = domain?.verdict ?? 'not checked';
  const tip = domain ? [...domain.reasons.slice(0, 6).map((r) => `${r.severity}: ${r.text}`), ...(domain.reasons.length > 6 ? [`… ${domain.reasons.length - 6} more`] : [])].join('\n') || 'the sampled sites look like the training data' : 'run from before domain checks';
  return (
    <Tooltip label={tip} multiline w={420} style={{ whiteSpace: 'pre-line' }} withinPortal>
      <Badge variant="light" size={size} color={verdictColor(domain?.verdict)} data-testid="domain-badge" data-verdict={label}>
        {label}
      </Badge>
    </Tooltip>
  );
}

/** Reasons spelled out, for pages about one run (shown unless the plate is in range). */
export function DomainAlert({ domain }: { domain: DomainCheck | null | undefined }) {
  if (!domain || domain.verdict === 'in range') return null;
  return (
    <Alert color={verdictColor(domain.verdict)} title={`Plate ${domain.verdict} for this model's training data`} data-testid="domain-alert">
      <Stack gap={2}>
        {domain.reasons.slice(0, 8).map((r) => (
          <Text size="sm" key={r.text}>
            {r.severity}: {r.text}
          </Text>
        ))}
        {domain.reasons.length > 8 && <Text size="sm">… and {domain.reasons.length - 8} more</Text>}
        {domain.notes.map((n) => (
          <Text size="xs" c="dimmed" key={n}>
            {n}
          </Text>
        ))}
      </Stack>
    </Alert>
  );
}

/** A plate's runs with their verdicts (plate page). */
export function PlateRuns({ plateId }: { plateId: number }) {
  const runs = useApi('runs.list', { plate: plateId }, (e) => e.type === 'catalog' && e.what === 'runs');
  const list: RunInfo[] = runs.data ?? [];
  if (!list.length) return null;
  return (
    <Paper withBorder p="sm" data-testid="plate-runs">
      <Text size="sm" fw={600} mb={4}>
        Runs on this plate
      </Text>
      <Stack gap={4}>
        {list.slice(0, 6).map((r) => (
          <Group key={r.id} gap={6} wrap="nowrap" justify="space-between" data-run={r.id}>
            <Anchor size="xs" href={href('metrics', r.id)} style={{ whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}>
              run {r.id} · {r.model}
            </Anchor>
            <DomainBadge domain={r.domain} size="xs" />
          </Group>
        ))}
      </Stack>
    </Paper>
  );
}
