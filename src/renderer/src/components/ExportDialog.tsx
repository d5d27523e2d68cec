import { Alert, Button, Checkbox, Group, Paper, SegmentedControl, Select, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { JobInfo } from '../../../shared/contract/jobs';
import { api } from '../api';
import { useApi } from '../lib/useApi';
import { useJob } from '../lib/useJob';
import { fileRoots, isChosen, toHandle } from '../lib/files';
import { PathField } from './PathField';
import { JobCard } from './JobCard';

interface ExportResult {
  out: string;
  rows: number;
  columns: number;
  level: string;
  format: string;
}

/** Feature table export: level, format, source (acquired or a run), normalisation, destination. */
export function ExportDialog({ plateParam }: { plateParam: string | null }) {
  const plates = useApi('plates.list', {});
  const [plate, setPlate] = useState<string | null>(plateParam);
  const plateId = plate ? Number(plate) : (plates.data?.[0]?.id ?? null);
  const sets = useApi(plateId ? 'features.sets' : null, { plate: plateId ?? 1 }, (e) => e.type === 'catalog' && e.what === 'features');
  const [level, setLevel] = useState<'well' | 'cell'>('well');
  const [format, setFormat] = useState<'csv' | 'parquet'>('csv');
  // per cell, the field's layouts: CytoTable's joined Parquet or CellProfiler's SQLite tables (pycytominer)
  const [layout, setLayout] = useState<'stainless' | 'cytotable' | 'cellprofiler'>('stainless');
  const fieldLayout = level === 'cell' ? layout : 'stainless';
  const ext = fieldLayout === 'cellprofiler' ? 'sqlite' : fieldLayout === 'cytotable' ? 'parquet' : format;
  const [setKey, setSetKey] = useState<string | null>(null);
  const [normalize, setNormalize] = useState<'none' | 'robustz'>('none');
  const [out, setOut] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [started, setStarted] = useState<JobInfo | null>(null);
  const [overwrite, setOverwrite] = useState(false);
  const job = useJob(started);
  const done = (sets.data ?? []).filter((s) => s.status === 'done' && s.source !== 'truth');
  const chosen = done.find((s) => String(s.id) === setKey) ?? done[0];
  const barcode = plates.data?.find((p) => p.id === plateId)?.barcode ?? 'plate';

  // Suggest a file name that says what is in it; keep the user's folder.
  const [home, setHome] = useState('');
  useEffect(() => {
    void fileRoots().then((r) => setHome(r.roots[0] ? `${r.roots[0].path.replace(/\/$/, '')}/` : ''), () => undefined);
  }, []);
  useEffect(() => {
    // without browsable roots (Electron) a renamed file would have no handle: keep the dialog's choice
    if (!home && isChosen('save', out)) return;
    const dir = out.includes('/') ? out.slice(0, out.lastIndexOf('/') + 1) : home;
    const src = chosen ? (chosen.source === 'synthetic' ? `synthetic-run${chosen.runId}` : chosen.source) : 'features';
    const tag = fieldLayout === 'stainless' ? '' : `_${fieldLayout}`;
    setOut(`${dir}${barcode}_${src}_${level}${normalize === 'robustz' ? '_robustz' : ''}${tag}.${ext}`);
  }, [barcode, chosen?.id, level, ext, fieldLayout, normalize, home]);

  const start = () => {
    if (!plateId || !chosen) return;
    setBusy(true);
    setError(null);
    toHandle(out, 'save', 'Destination file')
      .then((handle) =>
        api.call('export.start', {
        plate: plateId,
        level,
        format: ext,
        layout: fieldLayout === 'cytotable' ? 'cytotable' : 'stainless',
        source: chosen.source === 'acquired' ? 'acquired' : 'synthetic',
        runId: chosen.runId ?? undefined,
        method: chosen.method === 'truth' ? undefined : chosen.method,
        normalize,
        out: handle,
        overwrite,
      }),
      )
      .then(
        (j) => {
          setBusy(false);
          setStarted(j);
        },
        (e: Error) => {
          setBusy(false);
          setError(e.message);
        },
      );
  };
  const result = job?.status === 'done' ? (job.result as ExportResult | null) : null;
  return (
    <Paper withBorder p="md" maw={820} data-testid="export-dialog">
      <Stack>
        <Group grow>
          <Select label="Plate" value={plateId ? String(plateId) : null} onChange={setPlate} data={(plates.data ?? []).map((p) => ({ value: String(p.id), label: p.barcode }))} />
          <Select
            label="Source"
            data-testid="export-source"
            value={chosen ? String(chosen.id) : null}
            onChange={setSetKey}
            data={done.map((s) => ({ value: String(s.id), label: s.source === 'synthetic' ? `Synthetic · ${s.modelName ?? ''} run ${s.runId} (${s.method})` : `Acquired (${s.method})` }))}
            placeholder={done.length ? undefined : 'no measured features yet'}
          />
        </Group>
        <Group>
          <Stack gap={2}>
            <Text size="sm" fw={500}>
              Level
            </Text>
            <SegmentedControl value={level} onChange={(v) => setLevel(v as 'well' | 'cell')} data={[{ label: 'Per well', value: 'well' }, { label: 'Per cell', value: 'cell' }]} />
          </Stack>
          <Stack gap={2}>
            <Text size="sm" fw={500}>
              Format
            </Text>
            <SegmentedControl
              value={format}
              onChange={(v) => setFormat(v as 'csv' | 'parquet')}
              disabled={fieldLayout !== 'stainless'}
              data={[
                { label: 'CSV', value: 'csv' },
                { label: 'Parquet', value: 'parquet' },
              ]}
            />
          </Stack>
          {level === 'cell' && (
            <Stack gap={2}>
              <Text size="sm" fw={500}>
                Layout
              </Text>
              <SegmentedControl
                value={layout}
                onChange={(v) => setLayout(v as 'stainless' | 'cytotable' | 'cellprofiler')}
                data-testid="export-layout"
                data={[
                  { label: 'Stainless', value: 'stainless' },
                  { label: 'CytoTable', value: 'cytotable' },
                  { label: 'CellProfiler SQLite', value: 'cellprofiler' },
                ]}
              />
            </Stack>
          )}
          <Stack gap={2}>
            <Text size="sm" fw={500}>
              Normalisation
            </Text>
            <SegmentedControl
              value={normalize}
              onChange={(v) => setNormalize(v as 'none' | 'robustz')}
              data={[
                { label: 'None', value: 'none' },
                { label: 'Robust z vs DMSO', value: 'robustz', disabled: level === 'cell' || !chosen?.hasRobustZ },
              ]}
            />
          </Stack>
        </Group>
        {fieldLayout !== 'stainless' && (
          <Text size="sm" c="dimmed" data-testid="export-layout-note">
            {fieldLayout === 'cytotable'
              ? 'One Parquet file in CytoTable’s layout: Metadata_TableNumber/ImageNumber/ObjectNumber keys, each cell joined with its nucleus and cytoplasm, Image_* columns.'
              : 'One SQLite file as CellProfiler’s ExportToDatabase writes it (Image, Cells, Cytoplasm, Nuclei tables), which pycytominer’s SingleCells reads.'}
          </Text>
        )}
        <PathField kind="save" label="Destination file" description="a file ending in .csv, .parquet or .sqlite" value={out} onChange={setOut} testId="export-out" extensions={[ext]} />
        <Checkbox label="Replace the file if it exists" checked={overwrite} onChange={(e) => setOverwrite(e.currentTarget.checked)} data-testid="export-overwrite" />
        <Group>
          <Button onClick={start} loading={busy} disabled={!chosen || !out.trim()} data-testid="export-start">
            Export
          </Button>
          {!done.length && sets.data && (
            <Text size="sm" c="dimmed">
              Measure features first (segment + measure a plate).
            </Text>
          )}
        </Group>
        {error && <Alert color="red">{error}</Alert>}
        {job && <JobCard job={job} />}
        {result && (
          <Text data-testid="export-result">
            Wrote <b>{result.rows.toLocaleString()}</b> rows × <b>{result.columns.toLocaleString()}</b> columns to <code>{result.out}</code>
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
