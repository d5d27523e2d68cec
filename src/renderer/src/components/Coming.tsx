import { Paper, Text, Title } from '@mantine/core';

/** A section whose data is not in the contract yet. */
export function Coming({ title, what }: { title: string; what: string }) {
  return (
    <Paper withBorder p="lg" maw={720}>
      <Title order={2} mb="xs">
        {title}
      </Title>
      <Text c="dimmed">Coming: {what}</Text>
    </Paper>
  );
}
