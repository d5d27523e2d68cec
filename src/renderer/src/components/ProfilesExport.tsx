import { Anchor, Button, Checkbox, Group, Modal, Paper, Select, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { JobInfo } from '../../../shared/contract/jobs';
import { api } from '../api';
import { href } from '../lib/route';
import { useApi } from '../lib/useApi';
import { useJob } from '../lib/useJob';
import { fileRoots, isChosen, toHandle } from '../lib/files';
import { JobCard } from './JobCard';
import { PathField } from './PathField';

/** The profiles job's result, as far as this panel shows it. */
interface ProfileResult {
  out: string;
  mapOut: string | null;
  wells: number;
  negcon: number;
  features: number;
  selected: number;
}

/**
 * "Export profiles": pycytominer's recipe on a feature set's per-well medians (mad_robustize vs
 * DMSO, feature_select) and copairs' mAP, the profiles.start job `stainless profile` runs. The
 * per-cell field layouts (CytoTable Parquet, CellProfiler SQLite) are the export dialog's.
 */
export function ProfilesExport({ plateId, barcode }: { plateId: number; barcode: string }) {
  const [open, setOpen] = useState(false);
  const [started, setStarted] = useState<JobInfo | null>(null);
  const job = useJob(started);
  const result = job?.status === 'done' ? (job.result as ProfileResult | null) : null;
  const active = job?.status === 'running' || job?.status === 'queued';
  return (
    <Paper withBorder p="sm" data-testid="plate-profiles">
      <Text size="sm" fw={600} mb={4}>
        Profiles
      </Text>
      <Stack gap={6}>
        <Button size="xs" variant="light" onClick={() => setOpen(true)} disabled={active} data-testid="profiles-open">
          Export profiles…
        </Button>
        {job && <JobCard job={job} compact />}
        {result && (
          <Text size="xs" data-testid="profiles-result" style={{ wordBreak: 'break-all' }}>
            {result.wells} wells ({result.negcon} DMSO), {result.selected} of {result.features} features kept → {result.out}
            {result.mapOut ? `; mAP → ${result.mapOut}` : ''}
          </Text>
        )}
        <Text size="xs" c="dimmed">
          Per-cell tables in CytoTable&apos;s Parquet or CellProfiler&apos;s SQLite layout: <Anchor href={`${href('io', 'export')}?plate=${plateId}`}>Export features</Anchor>.
        </Text>
      </Stack>
      {open && <ProfilesForm plateId={plateId} barcode={barcode} onClose={() => setOpen(false)} onStarted={(j) => (setStarted(j), setOpen(false))} />}
    </Paper>
  );
}

function ProfilesForm({ plateId, barcode, onClose, onStarted }: { plateId: number; barcode: string; onClose(): void; onStarted(j: JobInfo): void }) {
  const sets = useApi('features.sets', { plate: plateId });
  const done = (sets.data ?? []).filter((s) => s.status === 'done' && s.source !== 'truth');
  const [setKey, setSetKey] = useState<string | null>(null);
  const chosen = done.find((s) => String(s.id) === setKey) ?? done[0];
  const [out, setOut] = useState('');
  const [mapOut, setMapOut] = useState('');
  const [withMap, setWithMap] = useState(true);
  const [overwrite, setOverwrite] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const src = chosen ? (chosen.source === 'synthetic' ? `synthetic-run${chosen.runId}` : chosen.source) : 'features';
  // suggested names in the host's first folder (web host); Electron's dialog chooses its own
  useEffect(() => {
    void fileRoots().then((r) => {
      const dir = r.roots[0] ? `${r.roots[0].path.replace(/\/$/, '')}/` : '';
      if (!dir) return;
      setOut((o) => (o && isChosen('save', o) ? o : `${dir}${barcode}_${src}_profiles.csv`));
      setMapOut((o) => (o && isChosen('save', o) ? o : `${dir}${barcode}_${src}_map.csv`));
    });
  }, [barcode, src]);
  const start = () => {
    if (!chosen) return;
    setBusy(true);
    setError(null);
    Promise.all([toHandle(out, 'save', 'Profiles file'), withMap ? toHandle(mapOut, 'save', 'mAP file') : Promise.resolve(undefined)])
      .then(([outHandle, mapHandle]) =>
        api.call('profiles.start', {
          plate: plateId,
          source: chosen.source === 'synthetic' ? 'synthetic' : 'acquired',
          runId: chosen.runId ?? undefined,
          method: chosen.method === 'truth' ? undefined : chosen.method,
          out: outHandle,
          mapOut: mapHandle,
          overwrite,
        }),
      )
      .then(
        (j) => (setBusy(false), onStarted(j)),
        (e: Error) => (setBusy(false), setError(e.message)),
      );
  };
  return (
    <Modal opened onClose={onClose} title="Export profiles (pycytominer's recipe)" size="lg" data-testid="profiles-form">
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          One row per well: the median of its cells not touching the border (pycytominer.aggregate), robust z against the DMSO wells (normalize, mad_robustize), then feature_select (variance_threshold, correlation_threshold, drop_na_columns, blocklist). The mAP file has copairs&apos; mean average precision per compound with p- and q-values.
        </Text>
        <Select
          label="Feature set"
          value={chosen ? String(chosen.id) : null}
          onChange={setSetKey}
          allowDeselect={false}
          data={done.map((s) => ({ value: String(s.id), label: s.source === 'synthetic' ? `Synthetic · ${s.modelName ?? ''} run ${s.runId} (${s.method})` : `Acquired (${s.method})` }))}
          placeholder={done.length ? undefined : 'no measured features yet'}
          data-testid="profiles-set"
        />
        <PathField label="Profiles file (.csv or .parquet)" kind="save" value={out} onChange={setOut} testId="profiles-out" extensions={['csv', 'parquet']} required />
        <Checkbox label="Also write copairs' mAP per compound" checked={withMap} onChange={(e) => setWithMap(e.currentTarget.checked)} data-testid="profiles-with-map" />
        {withMap && <PathField label="mAP file (.csv)" kind="save" value={mapOut} onChange={setMapOut} testId="profiles-map" extensions={['csv']} />}
        <Checkbox label="Overwrite existing files" checked={overwrite} onChange={(e) => setOverwrite(e.currentTarget.checked)} />
        {error && (
          <Text size="sm" c="red" data-testid="profiles-error">
            {error}
          </Text>
        )}
        <Group justify="flex-end">
          <Button onClick={start} loading={busy} disabled={!chosen || !out.trim() || (withMap && !mapOut.trim())} data-testid="profiles-start">
            Export profiles
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
