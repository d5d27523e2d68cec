import { Alert, Anchor, Badge, Group, Paper, SegmentedControl, Select, Stack, Text, Title, Image, UnstyledButton, Kbd, SimpleGrid, Tooltip } from '@mantine/core';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { WellDetail } from '../../../shared/contract/catalog';
import { PAINT_CHANNELS } from '../../../shared/channels';
import { api, imageUrl } from '../api';
import { href, navigate, type Route } from '../lib/route';
import { useApi } from '../lib/useApi';
import { formatValue } from '../lib/format';
import { useShortcut } from '../lib/shortcuts';
import { Viewer } from '../viewer/Viewer';
import { loadRaw } from '../viewer/load';
import { autoWindow } from '../viewer/contrast';
import { defaultSetting, orderChannels, type ChannelSetting } from '../viewer/channels';
import { labelIndex, measureCell, type CellMeasure } from '../viewer/cells';
import type { LayerSet, OverlayView, RawImage, ViewTransform } from '../viewer/types';
import { ChannelPanel } from '../viewer/ChannelPanel';
import { OverlayPanel, type OverlaySettings } from '../viewer/OverlayPanel';
import { WellSide } from '../viewer/WellSide';

type Compare = 'single' | 'side' | 'swipe';

export function WellPage({ route }: { route: Route }) {
  const id = Number(route.args[0]);
  if (!Number.isInteger(id) || id <= 0) return <NoWell />;
  sessionStorage.setItem('stainless.lastWell', String(id));
  return <WellExplorer wellId={id} siteParam={Number(route.params.get('site')) || null} />;
}

function NoWell() {
  const plates = useApi('plates.list', {});
  const last = sessionStorage.getItem('stainless.lastWell');
  return (
    <Stack maw={720}>
      <Title order={2}>Well</Title>
      <Text c="dimmed">Open a well by clicking it on a plate map.</Text>
      {last && (
        <Anchor href={href('well', last)} data-testid="last-well">
          Back to the last well you looked at
        </Anchor>
      )}
      {plates.data?.map((p) => (
        <Anchor key={p.id} href={href('plates', p.id)}>
          Plate {p.barcode} ({p.format}-well)
        </Anchor>
      ))}
    </Stack>
  );
}

/** Sources of a site: acquired, and one per inference run that wrote synthetic images. */
function sourcesOf(site: WellDetail['sites'][number] | undefined) {
  const runs = new Set<number>();
  let acquired = false;
  for (const im of site?.images ?? []) {
    if (im.kind === 'synthetic' && im.runId != null) runs.add(im.runId);
    else acquired = true;
  }
  return { acquired, runs: [...runs].sort((a, b) => b - a) };
}

function WellExplorer({ wellId, siteParam }: { wellId: number; siteParam: number | null }) {
  const well = useApi('wells.get', { id: wellId }, (e) => e.type === 'catalog');
  const d = well.data;
  const plateWells = useApi(d ? 'wells.list' : null, { plate: d?.plate.id ?? 0 });
  const runs = useApi(d ? 'runs.list' : null, { plate: d?.plate.id ?? 0 }, (e) => e.type === 'catalog' && e.what === 'runs');
  const site = d?.sites.find((s) => s.id === siteParam) ?? d?.sites[0];
  const src = sourcesOf(site);
  const [runId, setRunId] = useState<number | null>(null);
  const run = runId != null && src.runs.includes(runId) ? runId : (src.runs[0] ?? null);
  const [compare, setCompare] = useState<Compare>('single');
  const [single, setSingle] = useState<'acquired' | 'synthetic'>('acquired');
  const [settings, setSettings] = useState<Record<string, ChannelSetting>>({});
  const [overlay, setOverlay] = useState<OverlaySettings>({ visible: true, source: 'none', nucleiColour: '#00e5ff', cellsColour: '#ffb000', opacity: 0.85 });
  const [view, setView] = useState<ViewTransform | null>(null);
  const [swipeAt, setSwipeAt] = useState(0.5);
  const [pointer, setPointer] = useState<{ x: number; y: number } | null>(null);

  const runLabel = (id: number) => {
    const r = runs.data?.find((x) => x.id === id);
    return r ? `Synthetic · ${r.model} (run ${id})` : `Synthetic · run ${id}`;
  };

  // Channel names present on this site, in display order.
  const channelNames = useMemo(() => orderChannels((site?.images ?? []).map((i) => i.channel)), [site]);
  const hasPaint = channelNames.some((c) => (PAINT_CHANNELS as readonly string[]).includes(c));
  const setting = useCallback((c: string) => settings[c] ?? defaultSetting(c, hasPaint), [settings, hasPaint]);

  // Load the pixels of the acquired and the chosen run's images.
  const acquired = useLayer(site, 'acquired', null, 'Acquired', setting);
  const synthetic = useLayer(site, 'synthetic', run, run != null ? runLabel(run) : 'Synthetic', setting);
  const labels = useLabels(overlay.source);

  useEffect(() => setView(null), [site?.id]);

  const primary = compare === 'single' ? (single === 'synthetic' && synthetic.set ? synthetic.set : acquired.set) : compare === 'swipe' ? synthetic.set : acquired.set;
  const secondary = compare === 'side' ? synthetic.set : null;
  const overlayView: OverlayView | null = labels.nuclei || labels.cells ? { visible: overlay.visible, nuclei: labels.nuclei, cells: labels.cells, nucleiColour: overlay.nucleiColour, cellsColour: overlay.cellsColour, opacity: overlay.opacity } : null;

  // The cell under the pointer and its quick measurements.
  const index = useMemo(() => (labels.cells ? labelIndex(labels.cells) : null), [labels.cells]);
  const hoverLabel = pointer && labels.cells && overlay.visible ? labels.cells.data[pointer.y * labels.cells.width + pointer.x] : 0;
  const cell: CellMeasure | null = useMemo(() => {
    if (!hoverLabel || !index || !labels.cells || !primary) return null;
    const px = index.get(hoverLabel);
    if (!px) return null;
    return measureCell(hoverLabel, px, labels.cells.width, primary.channels.map((c) => ({ name: c.view.channel, image: c.image })));
  }, [hoverLabel, index, primary, labels.cells]);

  // Full measurements of the cell under the pointer from the features area (when measured).
  const [measured, setMeasured] = useState<{ label: number; values: Record<string, number | null> } | null>(null);
  useEffect(() => {
    if (!hoverLabel || !pointer || !site || !overlay.meta) return;
    const meta = overlay.meta;
    const t = window.setTimeout(() => {
      api
        .call('features.cellAt', { siteId: site.id, x: pointer.x, y: pointer.y, source: meta.source, method: meta.method, runId: meta.runId ?? undefined })
        .then((r) => setMeasured(r ? { label: r.objectNumber, values: r.measurements } : null), () => setMeasured(null));
    }, 120);
    return () => clearTimeout(t);
  }, [hoverLabel, site?.id, overlay.meta]);

  // Keyboard: ←/→ wells, ↑/↓ sites, 1–5 channels, O overlays, C compare.
  const wellsWithSites = useMemo(() => (plateWells.data ?? []).filter((w) => w.sites > 0).sort((a, b) => a.row - b.row || a.col - b.col), [plateWells.data]);
  useShortcut(
    (e) => {
      const k = e.key;
      if (k === 'ArrowRight' || k === 'ArrowLeft') {
        const i = wellsWithSites.findIndex((w) => w.id === wellId);
        const next = wellsWithSites[i + (k === 'ArrowRight' ? 1 : -1)];
        if (next) navigate('well', next.id);
        return true;
      }
      if ((k === 'ArrowDown' || k === 'ArrowUp') && d && site) {
        const i = d.sites.findIndex((s) => s.id === site.id);
        const next = d.sites[i + (k === 'ArrowDown' ? 1 : -1)];
        if (next) window.location.hash = href('well', wellId) + `?site=${next.id}`;
        return true;
      }
      if (/^[1-5]$/.test(k)) {
        const c = PAINT_CHANNELS[Number(k) - 1];
        if (channelNames.includes(c)) setSettings((s) => ({ ...s, [c]: { ...setting(c), visible: !setting(c).visible } }));
        return true;
      }
      if (k === 'o' || k === 'O') {
        setOverlay((o) => ({ ...o, visible: !o.visible }));
        return true;
      }
      return false;
    },
    [wellsWithSites, wellId, d, site, channelNames, setting],
  );

  if (well.error) return <Alert color="red">{well.error}</Alert>;
  if (!d) return <Text c="dimmed">Loading well…</Text>;
  const hasSynthetic = src.runs.length > 0;
  const viewerH = 'calc(100vh - 230px)';
  return (
    <Stack gap="xs">
      <Group justify="space-between" align="flex-end" wrap="nowrap">
        <Stack gap={0}>
          <Anchor href={href('plates', d.plate.id)} size="sm">
            ← Plate {d.plate.barcode}
          </Anchor>
          <Group gap="sm">
            <Title order={2} data-testid="well-title">
              Well {d.well.name}
            </Title>
            {d.well.controlType && <Badge variant="outline">{d.well.controlType}</Badge>}
            <Text c="dimmed">{d.well.compound ?? d.well.broadSample ?? ''}</Text>
          </Group>
        </Stack>
        <Group gap="sm" align="flex-end">
          {hasSynthetic && src.runs.length > 1 && (
            <Select label="Run" w={240} value={String(run)} onChange={(v) => v && setRunId(Number(v))} data={src.runs.map((r) => ({ value: String(r), label: runLabel(r) }))} />
          )}
          {compare === 'single' && (
            <SegmentedControl
              data-testid="source-toggle"
              value={single}
              onChange={(v) => setSingle(v as 'acquired' | 'synthetic')}
              data={[
                { label: 'Acquired', value: 'acquired' },
                { label: 'Synthetic', value: 'synthetic', disabled: !hasSynthetic },
              ]}
            />
          )}
          <Tooltip label="Run a model on this plate to compare synthetic with acquired" disabled={hasSynthetic}>
            <SegmentedControl
              data-testid="compare-mode"
              value={compare}
              onChange={(v) => setCompare(v as Compare)}
              data={[
                { label: 'Single', value: 'single' },
                { label: 'Side by side', value: 'side', disabled: !hasSynthetic },
                { label: 'Swipe', value: 'swipe', disabled: !hasSynthetic },
              ]}
            />
          </Tooltip>
        </Group>
      </Group>
      <Group align="flex-start" wrap="nowrap" gap="sm">
        <SitePicker detail={d} current={site?.id ?? null} wellId={wellId} />
        <Stack gap={4} style={{ flex: 1, minWidth: 0 }}>
          <Group gap="xs" wrap="nowrap" grow>
            <Viewer
              set={primary}
              swipe={compare === 'swipe' && acquired.set ? { other: acquired.set, at: swipeAt, onMove: setSwipeAt } : null}
              overlay={overlayView}
              view={view}
              onView={setView}
              hover={hoverLabel}
              onPointer={setPointer}
              height={viewerH}
              testId="viewer"
            />
            {secondary && <Viewer set={secondary} overlay={overlayView} view={view} onView={setView} hover={hoverLabel} onPointer={setPointer} height={viewerH} testId="viewer-right" />}
          </Group>
          <Group justify="space-between" className="num">
            <Text size="xs" c="dimmed" data-testid="viewer-status">
              {acquired.error ?? synthetic.error ?? labels.error ?? (acquired.loading ? 'Loading pixels…' : pointer ? `x ${pointer.x}, y ${pointer.y}` : 'Scroll to zoom, drag to pan, double-click to fit')}
              {view ? ` · zoom ${Math.round(view.scale * 100)} %` : ''}
            </Text>
            <Group gap={6}>
              <Text size="xs" c="dimmed">
                <Kbd>←</Kbd>/<Kbd>→</Kbd> well <Kbd>↑</Kbd>/<Kbd>↓</Kbd> site <Kbd>1</Kbd>–<Kbd>5</Kbd> channels <Kbd>O</Kbd> outlines
              </Text>
            </Group>
          </Group>
        </Stack>
        <Stack w={320} gap="xs" className="side-panel" style={{ flexShrink: 0, maxHeight: 'calc(100vh - 150px)', overflowY: 'auto' }}>
          <ChannelPanel
            channels={channelNames}
            setting={setting}
            images={primary?.channels ?? []}
            onChange={(c, s) => setSettings((all) => ({ ...all, [c]: s }))}
          />
          <OverlayPanel siteId={site?.id ?? null} value={overlay} onChange={setOverlay} />
          <Paper withBorder p="xs" data-testid="cell-info" h={168} style={{ overflowY: 'auto' }}>
            <Text size="sm" fw={600}>
              Cell under the pointer
            </Text>
            {cell ? (
              <Stack gap={0} className="num">
                <Text size="sm">
                  Object <b data-testid="cell-label">{cell.label}</b> · area {cell.area} px · centre ({cell.centroid[0].toFixed(0)}, {cell.centroid[1].toFixed(0)})
                </Text>
                {measured?.label === cell.label &&
                  Object.entries(measured.values)
                    .slice(0, 12)
                    .map(([k, v]) => (
                      <Text size="xs" key={k} data-testid="cell-measure">
                        {k}: {formatValue(v)}
                      </Text>
                    ))}
                {measured?.label !== cell.label && (
                  // two columns, so all eight channel means fit without scrolling
                  <SimpleGrid cols={2} spacing={4} verticalSpacing={0}>
                    {Object.entries(cell.mean).map(([c, v]) => (
                      <Text size="xs" key={c}>
                        {c} {formatValue(Math.round(v * 10) / 10)}
                      </Text>
                    ))}
                  </SimpleGrid>
                )}
              </Stack>
            ) : (
              <Text size="xs" c="dimmed">
                {labels.cells ? 'Point at a cell.' : 'Show cell outlines to measure cells.'}
              </Text>
            )}
          </Paper>
          <WellSide detail={d} runId={run} />
        </Stack>
      </Group>
    </Stack>
  );
}

function SitePicker({ detail, current, wellId }: { detail: WellDetail; current: number | null; wellId: number }) {
  return (
    <Stack gap={6} w={96} style={{ flexShrink: 0 }} data-testid="site-picker">
      {detail.sites.map((s) => (
        <UnstyledButton
          key={s.id}
          onClick={() => (window.location.hash = href('well', wellId) + `?site=${s.id}`)}
          style={{ border: `2px solid ${s.id === current ? 'var(--mantine-color-teal-5)' : 'transparent'}`, borderRadius: 4 }}
          data-site={s.field}
          aria-label={`Site ${s.field}`}
        >
          <Image src={imageUrl('thumb', s.id) + '?size=96'} w={88} h={88} alt={`site ${s.field}`} fallbackSrc="" />
          <Text size="xs" ta="center">
            Site {s.field}
          </Text>
        </UnstyledButton>
      ))}
    </Stack>
  );
}

/** The pixels of one source on a site, with the per-channel display settings applied. */
function useLayer(site: WellDetail['sites'][number] | undefined, kind: 'acquired' | 'synthetic', run: number | null, label: string, setting: (c: string) => ChannelSetting) {
  const [loaded, setLoaded] = useState<{ key: string; images: { channel: string; image: RawImage; auto: [number, number] }[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const chosen = useMemo(
    () => (site?.images ?? []).filter((i) => i.kind === kind && (kind === 'acquired' || i.runId === run) && i.channel !== 'NucleiBoundary' && i.channel !== 'CellBoundary'),
    [site, kind, run],
  );
  const key = chosen.map((i) => i.id).join(',');
  useEffect(() => {
    if (!chosen.length) {
      setLoaded(null);
      return;
    }
    let live = true;
    setError(null);
    Promise.all(chosen.map(async (i) => ({ channel: i.channel, image: await loadRaw('image', i.id) }))).then(
      (list) => live && setLoaded({ key, images: orderChannels(list.map((l) => l.channel)).map((c) => { const l = list.find((x) => x.channel === c)!; return { ...l, auto: autoWindow(l.image) }; }) }),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [key]);
  const set: LayerSet | null = useMemo(() => {
    if (!loaded) return null;
    return {
      key: loaded.key,
      label,
      channels: loaded.images.map((l) => {
        const s = setting(l.channel);
        const [lo, hi] = s.window ?? l.auto;
        return { image: l.image, view: { channel: l.channel, colour: s.colour, visible: s.visible, lo, hi } };
      }),
    };
  }, [loaded, setting, label]);
  return { set, error, loading: chosen.length > 0 && loaded?.key !== key };
}

/** Label images of the chosen segmentation ('seg:<id>'). */
function useLabels(source: string) {
  const [state, setState] = useState<{ nuclei: RawImage | null; cells: RawImage | null; error: string | null }>({ nuclei: null, cells: null, error: null });
  useEffect(() => {
    const m = /^seg:(\d+)$/.exec(source);
    if (!m) {
      setState({ nuclei: null, cells: null, error: null });
      return;
    }
    let live = true;
    Promise.all([loadRaw('label', m[1], 'nuclei'), loadRaw('label', m[1], 'cells')]).then(
      ([nuclei, cells]) => live && setState({ nuclei, cells, error: null }),
      (e: Error) => live && setState({ nuclei: null, cells: null, error: e.message }),
    );
    return () => {
      live = false;
    };
  }, [source]);
  return state;
}
