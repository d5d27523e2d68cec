import { Box, Group, Stack, Text } from '@mantine/core';
import { gradientCss, type Scale } from '../lib/colour';
import { formatValue } from '../lib/format';
import { CONTROL_COLOURS } from './PlateMap';

/** Colour bar with the value range, the missing-value swatch and the control outlines. */
export function Legend({ scale, label, missing }: { scale: Scale | null; label: string; missing: number }) {
  return (
    <Stack gap={6} data-testid="legend">
      <Text size="sm" fw={600}>
        {label}
      </Text>
      {scale ? (
        <Box>
          <Box h={14} w={260} style={{ background: gradientCss(scale.kind), borderRadius: 2 }} />
          <Group justify="space-between" w={260} className="num">
            <Text size="xs" data-testid="legend-min">
              {formatValue(scale.min)}
            </Text>
            {scale.kind === 'diverging' && <Text size="xs">0</Text>}
            <Text size="xs" data-testid="legend-max">
              {formatValue(scale.max)}
            </Text>
          </Group>
        </Box>
      ) : (
        <Text size="xs" c="dimmed">
          no values
        </Text>
      )}
      <Group gap="md">
        <Group gap={4}>
          <svg width={14} height={14} aria-hidden>
            <rect x={0} y={0} width={14} height={14} fill="#5c5f66" opacity={0.5} />
            <line x1={1} y1={13} x2={13} y2={1} stroke="#5c5f66" />
          </svg>
          <Text size="xs">missing ({missing})</Text>
        </Group>
        {Object.entries(CONTROL_COLOURS).map(([k, c]) => (
          <Group gap={4} key={k}>
            <Box w={14} h={14} style={{ border: `2px ${k === 'empty' ? 'dashed' : 'solid'} ${c}`, borderRadius: 2 }} />
            <Text size="xs">{k}</Text>
          </Group>
        ))}
      </Group>
    </Stack>
  );
}
