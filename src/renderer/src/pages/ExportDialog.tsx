import { Text } from '@mantine/core';

/** Export of feature tables; wired once the features area is in the contract. */
export function ExportDialog(_: { plateParam: string | null }) {
  return <Text c="dimmed">Coming: per-well and per-cell feature tables (CSV or Parquet).</Text>;
}
