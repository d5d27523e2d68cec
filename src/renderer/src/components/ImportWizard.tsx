import { Alert, Anchor, Badge, Button, Group, Paper, Select, Stack, Stepper, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { ImportPreview, ImportReport } from '../../../shared/contract/catalog';
import type { JobInfo } from '../../../shared/contract/jobs';
import { api } from '../api';
import { href } from '../lib/route';
import { toHandle } from '../lib/files';
import { PathField } from './PathField';
import { isFinished } from '../lib/jobState';
import { useJob } from '../lib/useJob';
import { JobCard } from './JobCard';

interface Form {
  dir: string;
  loadData: string;
  platemap: string;
  metadata: string;
  barcode: string;
  pattern: string;
  channelMap: string;
  cellLine: string;
  format: string;
}

const EMPTY: Form = { dir: '', loadData: '', platemap: '', metadata: '', barcode: '', pattern: '', channelMap: '', cellLine: '', format: '' };

/** The form as a request: paths become the handles the host gave for them (lib/files.ts). */
async function toInput(f: Form) {
  const opt = (s: string) => (s.trim() ? s.trim() : undefined);
  return {
    dir: await toHandle(f.dir, 'dir', 'Plate folder'),
    loadData: f.loadData.trim() ? await toHandle(f.loadData, 'file', 'LoadData CSV') : undefined,
    platemap: f.platemap.trim() ? await toHandle(f.platemap, 'file', 'Plate map') : undefined,
    metadata: f.metadata.trim() ? await toHandle(f.metadata, 'any', 'Metadata') : undefined,
    barcode: opt(f.barcode),
    pattern: opt(f.pattern),
    channelMap: opt(f.channelMap),
    cellLine: opt(f.cellLine),
    format: f.format ? (Number(f.format) as 96 | 384 | 1536) : undefined,
  };
}

/** Folder → what was detected (naming, channels, plate map, problems) → import with progress → report. */
export function ImportWizard() {
  const [step, setStep] = useState(0);
  const [form, setForm] = useState<Form>(EMPTY);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [started, setStarted] = useState<JobInfo | null>(null);
  const job = useJob(started);
  const set = (k: keyof Form) => (e: React.ChangeEvent<HTMLInputElement>) => setForm({ ...form, [k]: e.currentTarget.value });
  const setPath = (k: 'dir' | 'loadData' | 'platemap' | 'metadata') => (v: string) => setForm((f) => ({ ...f, [k]: v }));

  const scan = () => {
    setBusy(true);
    setError(null);
    toInput(form).then((input) => api.call('import.preview', input)).then(
      (p) => {
        setBusy(false);
        setPreview(p);
        setStep(1);
      },
      (e: Error) => {
        setBusy(false);
        setError(e.message);
      },
    );
  };
  const start = () => {
    setBusy(true);
    setError(null);
    toInput(form).then((input) => api.call('import.start', input)).then(
      (j) => {
        setBusy(false);
        setStarted(j);
        setStep(2);
      },
      (e: Error) => {
        setBusy(false);
        setError(e.message);
      },
    );
  };
  const report = job?.status === 'done' ? (job.result as ImportReport | null) : null;

  return (
    <Stack>
      <Stepper active={step} onStepClick={(s) => s < step && !started && setStep(s)} size="sm">
        <Stepper.Step label="Folder" description="images and plate map">
          <Stack maw={760} mt="md">
            <PathField kind="dir" label="Plate folder" description="Phenix/Operetta export, ImageXpress folder, or any folder with a naming pattern" placeholder="/data/plates/BR00117010" value={form.dir} onChange={setPath('dir')} required testId="import-dir" />
            <PathField kind="file" label="CellProfiler LoadData CSV (optional)" description="lists the images (FileName_Orig<Ch>/PathName_Orig<Ch>, Metadata_Well/Site) instead of the folder's file names; name other channels in the channel mapping, e.g. Hoechst=DNA" value={form.loadData} onChange={setPath('loadData')} testId="import-loaddata" extensions={['csv']} />
            <Group grow align="flex-start">
              <PathField kind="file" label="Plate map (optional)" description="JUMP platemap .txt or any CSV/TSV" value={form.platemap} onChange={setPath('platemap')} testId="import-platemap" extensions={['txt', 'csv', 'tsv']} />
              <PathField kind="any" label="Metadata (optional)" description="compound table or JUMP metadata folder" value={form.metadata} onChange={setPath('metadata')} testId="import-metadata" />
            </Group>
            <Group grow>
              <TextInput label="Barcode (optional)" value={form.barcode} onChange={set('barcode')} />
              <TextInput label="Cell line (optional)" value={form.cellLine} onChange={set('cellLine')} />
              <Select label="Format" placeholder="detect" value={form.format || null} onChange={(v) => setForm({ ...form, format: v ?? '' })} data={['96', '384', '1536']} clearable />
            </Group>
            <TextInput label="File name pattern (optional)" description="regex with named groups (?<well>…) or (?<row>…)(?<col>…), (?<site>…), (?<channel>…)" value={form.pattern} onChange={set('pattern')} />
            <TextInput label="Channel mapping (optional)" description="e.g. ch1=Mito,ch2=AGP,ch3=RNA,ch4=ER,ch5=DNA,ch8=BF" value={form.channelMap} onChange={set('channelMap')} />
            <Group>
              <Button onClick={scan} loading={busy} disabled={!form.dir.trim()} data-testid="import-scan">
                Scan folder
              </Button>
            </Group>
          </Stack>
        </Stepper.Step>
        <Stepper.Step label="Check" description="naming, channels, problems">
          {preview && <PreviewView p={preview} />}
          <Group mt="md">
            <Button variant="default" onClick={() => setStep(0)}>
              Back
            </Button>
            <Button onClick={start} loading={busy} disabled={!preview?.ok} data-testid="import-start">
              Import {preview ? `${preview.sites} sites` : ''}
            </Button>
          </Group>
        </Stepper.Step>
        <Stepper.Step label="Import" description="progress and report">
          <Stack mt="md">
            {job && <JobCard job={job} />}
            {report && (
              <Paper withBorder p="md" data-testid="import-report">
                <Text fw={600}>
                  Imported plate {report.barcode}: {report.inserted.wells} wells, {report.inserted.sites} sites, {report.inserted.images} images added in {report.seconds.toFixed(1)} s
                </Text>
                <Problems list={report.problems} />
                <Anchor href={href('plates', report.plateId)} mt="xs" display="block">
                  Open plate {report.barcode}
                </Anchor>
              </Paper>
            )}
            {isFinished(job) && (
              <Button
                variant="default"
                style={{ alignSelf: 'flex-start' }}
                onClick={() => {
                  setStarted(null);
                  setPreview(null);
                  setStep(0);
                }}
              >
                Import another plate
              </Button>
            )}
          </Stack>
        </Stepper.Step>
      </Stepper>
      {error && (
        <Alert color="red" title="Cannot import" data-testid="import-error">
          {error}
        </Alert>
      )}
    </Stack>
  );
}

function PreviewView({ p }: { p: ImportPreview }) {
  return (
    <Stack mt="md" data-testid="import-preview">
      <Group gap="xl" align="flex-start">
        <Table fz="sm" w={420} withRowBorders={false} verticalSpacing={2}>
          <Table.Tbody>
            <KV k="Barcode" v={p.barcode} />
            <KV k="Format" v={`${p.format}-well`} />
            <KV k="Naming" v={p.naming ?? 'not recognised'} />
            {p.harmony && <KV k="Harmony index" v={`${p.harmony.pixelSizeUm ?? '?'} µm/px, channels ${p.harmony.channels.map((c) => `ch${c.number} ${c.name ?? '?'} → ${c.channel}`).join(', ')}`} />}
            <KV k="Files" v={`${p.filesScanned} read, ${p.ignoredFiles} ignored`} />
            <KV k="Wells / sites / images" v={`${p.wells} / ${p.sites} / ${p.images}`} />
            <KV k="Plate map" v={p.platemap ? `${p.platemap.name ?? p.platemap.file}: ${p.annotatedWells} wells annotated, ${p.compounds} compounds` : 'none: wells stay unannotated'} />
          </Table.Tbody>
        </Table>
        <Stack gap={4}>
          <Text size="sm" fw={600}>
            Channel mapping
          </Text>
          <Table fz="sm" withTableBorder data-testid="channel-map">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>In file names</Table.Th>
                <Table.Th>Channel</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {Object.entries(p.channelMap).map(([k, v]) => (
                <Table.Tr key={k}>
                  <Table.Td>{k}</Table.Td>
                  <Table.Td fw={600}>{v}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      </Group>
      <Problems list={p.problems} />
    </Stack>
  );
}

function Problems({ list }: { list: ImportPreview['problems'] }) {
  if (!list.length)
    return (
      <Text size="sm" c="teal">
        No problems found.
      </Text>
    );
  return (
    <Stack gap={4} data-testid="import-problems">
      <Text size="sm" fw={600}>
        {list.filter((p) => p.severity === 'error').length} errors, {list.filter((p) => p.severity === 'warning').length} warnings
      </Text>
      {list.slice(0, 100).map((p, i) => (
        <Group key={i} gap={6} wrap="nowrap" align="flex-start">
          <Badge color={p.severity === 'error' ? 'red' : 'yellow'} variant="light" w={80} style={{ flexShrink: 0 }}>
            {p.severity}
          </Badge>
          <Text size="sm" style={{ wordBreak: 'break-word' }}>
            {p.message}
          </Text>
        </Group>
      ))}
      {list.length > 100 && (
        <Text size="sm" c="dimmed">
          … and {list.length - 100} more
        </Text>
      )}
    </Stack>
  );
}

function KV({ k, v }: { k: string; v: string }) {
  return (
    <Table.Tr>
      <Table.Td c="dimmed" w={150}>
        {k}
      </Table.Td>
      <Table.Td>{v}</Table.Td>
    </Table.Tr>
  );
}
