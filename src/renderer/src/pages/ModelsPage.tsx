import { Paper, Title, Text, Stack, Badge, Group } from '@mantine/core';
import { useApi } from '../lib/useApi';

export function ModelsPage() {
  const info = useApi('app.info', {});
  const p = info.data?.providers;
  return (
    <Stack maw={900}>
      <Title order={2}>Models</Title>
      <Paper withBorder p="md">
        <Title order={4} mb="xs">
          Execution provider
        </Title>
        <Group gap="sm">
          <Badge size="lg" variant="light" color={p?.active === 'cuda' ? 'green' : 'gray'}>
            {p?.active ?? '…'}
          </Badge>
          <Text data-testid="provider-reason">{p?.reason}</Text>
        </Group>
        <Text size="sm" c="dimmed" mt="xs">
          onnxruntime {info.data?.onnxruntime} · available providers: {p?.available.join(', ')}
        </Text>
      </Paper>
      <Text c="dimmed">Coming: installed models with manifests and held-out metrics.</Text>
    </Stack>
  );
}
