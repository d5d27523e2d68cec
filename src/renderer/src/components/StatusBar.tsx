import { Group, Text, Tooltip, Badge } from '@mantine/core';
import { useApi } from '../lib/useApi';

/** Workspace and execution provider, always visible at the bottom. */
export function StatusBar() {
  const info = useApi('app.info', {});
  const p = info.data?.providers;
  return (
    <Group h="100%" px="md" gap="lg" wrap="nowrap" data-testid="status-bar">
      {info.error ? (
        <Text size="xs" c="red">
          Not connected: {info.error}
        </Text>
      ) : (
        <>
          <Text size="xs" c="dimmed" truncate="end" style={{ maxWidth: '60vw' }} title={info.data?.workspace}>
            Workspace <span data-testid="workspace">{info.data?.workspace ?? '…'}</span>
          </Text>
          <Tooltip label={p ? `${p.reason} (available: ${p.available.join(', ')})` : ''} disabled={!p} multiline maw={420}>
            <Group gap={6} wrap="nowrap">
              <Text size="xs" c="dimmed">
                Execution provider
              </Text>
              <Badge size="sm" variant="light" color={p?.active === 'cuda' ? 'green' : 'gray'} data-testid="provider">
                {p?.active ?? '…'}
              </Badge>
            </Group>
          </Tooltip>
          <Text size="xs" c="dimmed" ml="auto">
            {info.data ? `v${info.data.version} · ${info.data.transport}` : ''}
          </Text>
        </>
      )}
    </Group>
  );
}
