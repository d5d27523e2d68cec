import { Alert, Anchor, Badge, Group, Paper, SegmentedControl, Select, Stack, Switch, Text, Title } from '@mantine/core';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { WellLayout } from '../../../shared/contract/catalog';
import { imageUrl } from '../api';
import { href, navigate, type Route } from '../lib/route';
import { useApi } from '../lib/useApi';
import { scaleFor } from '../lib/colour';
import { formatValue } from '../lib/format';
import { zPrime } from '../../../shared/stats';
import { annotationOptions, annotationValues, controlGroups, zScoreValues, type ValueOption, type WellValues } from '../lib/valueSources';
import { loadExtraValues, useExtraOptions } from '../lib/extraSources';
import { PlateMap } from '../components/PlateMap';
import { Legend } from '../components/Legend';
import { RunModel } from '../components/RunModel';
import { TrainModel } from '../components/TrainModel';
import { PlateRuns } from '../components/DomainBadge';
import { PlateIllumination } from '../components/PlateIllumination';
import { ProfilesExport } from '../components/ProfilesExport';

export function PlateView({ plateId, route }: { plateId: number; route: Route }) {
  const detail = useApi('plates.get', { plate: plateId }, (e) => e.type === 'catalog' && e.plateId === plateId);
  const extra = useExtraOptions(plateId);
  const options = useMemo<ValueOption[]>(() => [...annotationOptions(), ...extra.options], [extra.options]);
  const [source, setSource] = useState(route.params.get('v') ?? 'annot:sites');
  // Until the user picks a value, show the most telling one available: cells per well once measured.
  const picked = useRef(route.params.has('v'));
  useEffect(() => {
    if (picked.current) return;
    const count = extra.options.find((o) => o.value.startsWith('feature:') && o.value.endsWith(':Count_Cells'));
    if (count) setSource(count.value);
  }, [extra.options]);
  const [zscore, setZscore] = useState(false);
  const [mode, setMode] = useState<'heatmap' | 'thumbnail'>('heatmap');
  const [raw, setRaw] = useState<{ key: string; values: WellValues; z?: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [recolourMs, setRecolourMs] = useState<number | null>(null);
  const started = useRef<number | null>(null);
  const cache = useRef(new Map<string, { key: string; values: WellValues; z?: boolean }>());
  useEffect(() => cache.current.clear(), [plateId, extra.options]);

  // Load the chosen values (annotation ones are local; features/metrics come from the contract).
  useEffect(() => {
    if (!detail.data) return;
    let live = true;
    setError(null);
    if (source.startsWith('annot:')) {
      setRaw({ key: source, values: annotationValues(detail.data, source) });
      return;
    }
    // Values already fetched recolour without a round trip.
    const cacheKey = `${source}|${zscore}`;
    const hit = cache.current.get(cacheKey);
    if (hit) {
      setRaw(hit);
      return;
    }
    loadExtraValues(plateId, source, detail.data.wells, zscore).then(
      (r) => {
        const entry = { key: source, values: r.values, z: r.z };
        cache.current.set(cacheKey, entry);
        if (cache.current.size > 64) cache.current.delete(cache.current.keys().next().value!);
        if (live) setRaw(entry);
      },
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [detail.data, source, plateId, zscore && !source.startsWith('annot:')]);

  const shown = useMemo(() => {
    if (!raw || !detail.data) return null;
    const values = zscore && !raw.z ? zScoreValues(detail.data, raw.values) : raw.values;
    const scale = scaleFor(values.values(), zscore ? 'diverging' : 'viridis');
    return { values, scale };
  }, [raw, zscore, detail.data]);

  const label = (options.find((o) => o.value === source)?.label ?? source) + (zscore ? ' (robust z vs DMSO)' : '');
  const qc = useMemo(() => {
    // Z' compares measured values; plate annotations (site counts, doses) are not a readout.
    if (!raw || !detail.data || raw.key.startsWith('annot:')) return null;
    const g = controlGroups(detail.data, raw.values);
    // Z' needs two values per group and separated means; otherwise it is not defined
    const z = g.pos.length >= 2 && g.neg.length >= 2 ? zPrime(g.pos, g.neg) : NaN;
    return { ...g, z: Number.isFinite(z) ? z : null };
  }, [raw, detail.data]);
  const missing = useMemo(() => (detail.data && shown ? detail.data.wells.filter((w) => { const v = shown.values.get(w.id); return v == null || !Number.isFinite(v); }).length : 0), [shown, detail.data]);

  const onDrawn = useCallback((ms: number) => {
    if (started.current != null) {
      setRecolourMs(performance.now() - started.current);
      performance.mark('stainless-recolour-end');
      started.current = null;
    }
    void ms;
  }, []);
  const choose = (v: string | null) => {
    if (!v) return;
    picked.current = true;
    started.current = performance.now();
    performance.mark('stainless-recolour-start');
    setSource(v);
  };
  const thumbUrl = useCallback((w: WellLayout) => imageUrl('well-thumb', w.id) + '?size=64', []);
  const open = useCallback((w: WellLayout) => navigate('well', w.id), []);

  if (detail.error) return <Alert color="red">{detail.error}</Alert>;
  const d = detail.data;
  if (!d) return <Text c="dimmed">Loading plate…</Text>;
  const p = d.plate;
  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-end">
        <Stack gap={0}>
          <Anchor href={href('plates')} size="sm">
            ← All plates
          </Anchor>
          <Title order={2} data-testid="plate-title">
            Plate {p.barcode}
          </Title>
          <Text c="dimmed" size="sm">
            {p.format}-well · {p.cellLine ?? 'cell line not set'} · <span data-testid="plate-objective">{p.magnification ? `${p.magnification}× objective` : 'objective not recorded'}</span>
            {p.pixelSizeUm ? ` · ${p.pixelSizeUm} µm/px` : ''} · {p.wells} {p.wells === 1 ? 'well' : 'wells'}, {p.sites} {p.sites === 1 ? 'site' : 'sites'} · channels {p.channels.join(', ')}
          </Text>
        </Stack>
        <Group gap="md" align="flex-end">
          <Select
            label="Colour by"
            data-testid="value-picker"
            w={360}
            searchable
            nothingFoundMessage="No such feature or metric"
            value={source}
            onChange={choose}
            data={groupOptions(options)}
            limit={200}
            comboboxProps={{ transitionProps: { duration: 0 } }}
          />
          <Switch label="z-score vs DMSO" checked={zscore} onChange={(e) => { started.current = performance.now(); setZscore(e.currentTarget.checked); }} data-testid="zscore" />
          <SegmentedControl
            value={mode}
            onChange={(v) => setMode(v as 'heatmap' | 'thumbnail')}
            data={[
              { label: 'Heatmap', value: 'heatmap' },
              { label: 'Thumbnails', value: 'thumbnail' },
            ]}
          />
        </Group>
      </Group>
      {error && <Alert color="red">{error}</Alert>}
      {extra.error && <Alert color="yellow">{extra.error}</Alert>}
      <Group align="flex-start" wrap="nowrap" gap="lg">
        <Paper withBorder p="sm" style={{ flex: 1, minWidth: 0 }}>
          <PlateMap
            format={p.format}
            wells={d.wells}
            values={shown?.values ?? null}
            scale={shown?.scale ?? null}
            valueLabel={label}
            mode={mode}
            thumbUrl={thumbUrl}
            onOpen={open}
            onDrawn={onDrawn}
          />
        </Paper>
        <Stack w={300} gap="sm" style={{ flexShrink: 0 }}>
          <Paper withBorder p="sm">
            <Legend scale={shown?.scale ?? null} label={label} missing={missing} />
          </Paper>
          <Paper withBorder p="sm" data-testid="plate-qc">
            <Text size="sm" fw={600}>
              Plate QC
            </Text>
            {qc && qc.pos.length && qc.neg.length ? (
              <>
                <Group gap="xs" className="num">
                  <Text size="sm">Z′ =</Text>
                  <Text size="lg" fw={700} data-testid="zprime">
                    {qc.z == null ? '—' : qc.z.toFixed(2)}
                  </Text>
                  {qc.z != null && <Badge color={qc.z >= 0.5 ? 'teal' : qc.z >= 0 ? 'yellow' : 'red'}>{qc.z >= 0.5 ? 'excellent' : qc.z >= 0 ? 'marginal' : 'no separation'}</Badge>}
                </Group>
                <Text size="xs" c="dimmed">
                  {qc.pos.length} positive vs {qc.neg.length} negative control wells, on the raw values
                </Text>
              </>
            ) : (
              <Text size="sm" c="dimmed">
                Z′ needs a measured value (feature or metric) on positive and negative control wells.
              </Text>
            )}
          </Paper>
          <RunModel plateId={plateId} />
          <TrainModel plateId={plateId} channels={p.channels} wells={d.wells.filter((w) => w.sites > 0).length} />
          <PlateRuns plateId={plateId} />
          <PlateIllumination plateId={plateId} barcode={p.barcode} hasStains={p.channels.includes('DNA')} />
          <ProfilesExport plateId={plateId} barcode={p.barcode} />
          <Text size="xs" c="dimmed" className="num" data-testid="recolour-ms">
            {recolourMs != null ? `recoloured in ${formatValue(Math.round(recolourMs))} ms` : ''}
          </Text>
        </Stack>
      </Group>
    </Stack>
  );
}

function groupOptions(options: ValueOption[]) {
  const groups = new Map<string, { value: string; label: string }[]>();
  for (const o of options) {
    if (!groups.has(o.group)) groups.set(o.group, []);
    groups.get(o.group)!.push({ value: o.value, label: o.label });
  }
  return [...groups].map(([group, items]) => ({ group, items }));
}
