import { Paper, Stack, Text } from '@mantine/core';
import { describeIllumination } from '../../../shared/illumination';
import { useApi } from '../lib/useApi';

/** Whether each feature set of the plate was illumination-corrected before segmentation, and by what. */
export function PlateIllumination({ plateId }: { plateId: number }) {
  const sets = useApi('features.sets', { plate: plateId }, (e) => e.type === 'catalog' && e.what === 'features');
  const list = sets.data ?? [];
  return (
    <Paper withBorder p="sm" data-testid="plate-illumination">
      <Text size="sm" fw={600}>
        Illumination correction
      </Text>
      {list.length ? (
        <Stack gap={4}>
          {list.map((s) => (
            <Text size="xs" key={s.id} data-testid={`illumination-set-${s.id}`}>
              <b>
                {s.source}
                {s.runId ? ` run ${s.runId}` : ''}, {s.method}:
              </b>{' '}
              {s.illumination ? describeIllumination(s.illumination) : 'not applied'}
            </Text>
          ))}
        </Stack>
      ) : (
        <Text size="xs" c="dimmed">
          Not segmented yet. Segmenting acquired images divides them by the plate&apos;s illumination functions first (CorrectIlluminationCalculate as JUMP runs it, or JUMP&apos;s .npy files).
        </Text>
      )}
    </Paper>
  );
}
