import { ColorInput, Group, Paper, Select, Slider, Stack, Switch, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { imageUrl } from '../api';

export interface OverlaySettings {
  visible: boolean;
  /** 'none' or 'seg:<segmentationId>' */
  source: string;
  nucleiColour: string;
  cellsColour: string;
  opacity: number;
  /** what the chosen segmentation is (for features.cellAt) */
  meta?: { source: 'acquired' | 'synthetic' | 'truth'; method: 'model' | 'classical' | 'truth'; runId: number | null } | null;
}

interface SegRow {
  id: number;
  source: 'acquired' | 'synthetic' | 'truth';
  method: 'model' | 'classical' | 'truth';
  runId: number | null;
  model: string | null;
  nuclei: number;
  cells: number;
}

const metaOf = (s: SegRow) => ({ source: s.source, method: s.method, runId: s.runId });

function segLabel(s: SegRow): string {
  const what = s.method === 'truth' ? 'Ground truth' : s.method === 'model' ? `Model${s.model ? ` · ${s.model}` : ''}` : 'Classical';
  return `${what} (${s.source}${s.runId ? `, run ${s.runId}` : ''}) · ${s.nuclei} nuclei`;
}

/** Which segmentation to outline, its colours and opacity (O toggles). */
export function OverlayPanel({ siteId, value, onChange }: { siteId: number | null; value: OverlaySettings; onChange(v: OverlaySettings): void }) {
  const [segs, setSegs] = useState<SegRow[] | null>(null);
  useEffect(() => {
    if (siteId == null) return;
    let live = true;
    fetch(imageUrl('segmentations', siteId))
      .then((r) => (r.ok ? (r.json() as Promise<SegRow[]>) : []))
      .then((rows) => live && setSegs(rows), () => live && setSegs([]));
    return () => {
      live = false;
    };
  }, [siteId]);
  // Pick one automatically: the model's outlines, else ground truth, else classical; keep the kind across sites.
  useEffect(() => {
    if (!segs) return;
    if (segs.some((s) => `seg:${s.id}` === value.source)) return;
    const pick = segs.find((s) => s.method === 'truth') ?? segs.find((s) => s.method === 'model') ?? segs[0];
    onChange({ ...value, source: pick ? `seg:${pick.id}` : 'none', meta: pick ? metaOf(pick) : null });
  }, [segs]);
  return (
    <Paper withBorder p="xs" data-testid="overlay-panel">
      <Group justify="space-between" mb={4}>
        <Text size="sm" fw={600}>
          Outlines
        </Text>
        <Switch size="xs" label="show (O)" checked={value.visible} onChange={(e) => onChange({ ...value, visible: e.currentTarget.checked })} data-testid="overlay-toggle" />
      </Group>
      {segs && segs.length === 0 ? (
        <Text size="xs" c="dimmed">
          No segmentation for this site yet.
        </Text>
      ) : (
        <Stack gap={6}>
          <Select
            size="xs"
            value={value.source}
            onChange={(v) => {
              const row = segs?.find((x) => `seg:${x.id}` === v);
              if (v) onChange({ ...value, source: v, meta: row ? metaOf(row) : null });
            }}
            data={[{ value: 'none', label: 'None' }, ...(segs ?? []).map((s) => ({ value: `seg:${s.id}`, label: segLabel(s) }))]}
            aria-label="Segmentation"
            data-testid="overlay-source"
          />
          <Group gap={6} grow>
            <ColorInput size="xs" label="Nuclei" value={value.nucleiColour} onChange={(c) => onChange({ ...value, nucleiColour: c })} format="hex" />
            <ColorInput size="xs" label="Cells" value={value.cellsColour} onChange={(c) => onChange({ ...value, cellsColour: c })} format="hex" />
          </Group>
          <Text size="xs">Opacity</Text>
          <Slider size="xs" min={0.1} max={1} step={0.05} value={value.opacity} onChange={(o) => onChange({ ...value, opacity: o })} aria-label="Outline opacity" />
        </Stack>
      )}
    </Paper>
  );
}
