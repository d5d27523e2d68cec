import { Button, Checkbox, Group, Paper, RangeSlider, Stack, Text } from '@mantine/core';
import { PAINT_CHANNELS } from '../../../shared/channels';
import type { ChannelSetting } from './channels';
import type { LayerSet } from './types';

/** Per channel: visibility (keys 1–5), colour, display window (auto from percentiles, or dragged). */
export function ChannelPanel({
  channels,
  setting,
  images,
  onChange,
}: {
  channels: string[];
  setting(c: string): ChannelSetting;
  images: LayerSet['channels'];
  onChange(c: string, s: ChannelSetting): void;
}) {
  return (
    <Paper withBorder p="xs" data-testid="channel-panel">
      <Text size="sm" fw={600} mb={4}>
        Channels
      </Text>
      <Stack gap={6}>
        {channels.map((c) => {
          const s = setting(c);
          const shown = images.find((i) => i.view.channel === c);
          const key = (PAINT_CHANNELS as readonly string[]).indexOf(c);
          const max = shown ? maxOf(shown.image.data) : 65535;
          return (
            <Stack key={c} gap={2} data-channel={c}>
              <Group gap={6} wrap="nowrap">
                <Checkbox size="xs" checked={s.visible} onChange={(e) => onChange(c, { ...s, visible: e.currentTarget.checked })} aria-label={`show ${c}`} data-testid={`toggle-${c}`} />
                <input
                  type="color"
                  value={s.colour}
                  onChange={(e) => onChange(c, { ...s, colour: e.currentTarget.value })}
                  aria-label={`${c} colour`}
                  style={{ width: 22, height: 18, border: 0, padding: 0, background: 'none', cursor: 'pointer' }}
                />
                <Text size="sm" fw={500} w={64}>
                  {c}
                </Text>
                {key >= 0 && (
                  <Text size="xs" c="dimmed">
                    key {key + 1}
                  </Text>
                )}
                <Button size="compact-xs" variant={s.window ? 'light' : 'subtle'} ml="auto" onClick={() => onChange(c, { ...s, window: null })} disabled={!s.window}>
                  Auto
                </Button>
              </Group>
              {shown ? (
                <RangeSlider
                  size="xs"
                  min={0}
                  max={max}
                  minRange={1}
                  value={[Math.min(shown.view.lo, max - 1), Math.min(shown.view.hi, max)]}
                  onChange={(v) => onChange(c, { ...s, window: v })}
                  label={(v) => String(Math.round(v))}
                  aria-label={`${c} contrast`}
                  disabled={!s.visible}
                />
              ) : (
                <Text size="xs" c="dimmed">
                  not in this source
                </Text>
              )}
            </Stack>
          );
        })}
      </Stack>
    </Paper>
  );
}

const maxCache = new WeakMap<object, number>();
function maxOf(d: Uint16Array | Uint8Array): number {
  let m = maxCache.get(d);
  if (m == null) {
    m = 1;
    for (let i = 0; i < d.length; i++) if (d[i] > m) m = d[i];
    maxCache.set(d, m);
  }
  return m;
}
