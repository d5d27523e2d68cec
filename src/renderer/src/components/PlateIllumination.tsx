import { Button, Group, Modal, Paper, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import type { JobInfo } from '../../../shared/contract/jobs';
import { describeIllumination, type AppliedIllumination } from '../../../shared/illumination';
import { api } from '../api';
import { useApi } from '../lib/useApi';
import { useJob } from '../lib/useJob';
import { toHandle } from '../lib/files';
import { JobCard } from './JobCard';
import { PathField } from './PathField';

/**
 * For a narrow panel: loaded files grouped by folder ("DNA, ER from /x/illum"), computed ones as
 * the CLI says them; the full line (every file) is the hover title.
 */
function shortIllumination(a: AppliedIllumination): string {
  const byDir = new Map<string, string[]>();
  const computed: AppliedIllumination = {};
  for (const [ch, f] of Object.entries(a)) {
    if (f.origin === 'file' && f.sourceFile) {
      const dir = f.sourceFile.slice(0, Math.max(1, f.sourceFile.lastIndexOf('/')));
      byDir.set(dir, [...(byDir.get(dir) ?? []), ch]);
    } else computed[ch] = f;
  }
  const parts = [...(Object.keys(computed).length ? [describeIllumination(computed)] : []), ...[...byDir].map(([dir, chs]) => `${chs.join(', ')} from the .npy files in ${dir}`)];
  return parts.join('; ');
}

/** Whether each feature set of the plate was illumination-corrected before segmentation, and by what. */
export function PlateIllumination({ plateId, barcode, hasStains }: { plateId: number; barcode: string; hasStains: boolean }) {
  const sets = useApi('features.sets', { plate: plateId }, (e) => e.type === 'catalog' && e.what === 'features');
  const list = sets.data ?? [];
  const [open, setOpen] = useState(false);
  const [started, setStarted] = useState<JobInfo | null>(null);
  const job = useJob(started);
  const active = job?.status === 'running' || job?.status === 'queued';
  return (
    <Paper withBorder p="sm" data-testid="plate-illumination">
      <Text size="sm" fw={600}>
        Illumination correction
      </Text>
      {list.length ? (
        <Stack gap={4}>
          {list.map((s) => (
            <Text size="xs" key={s.id} data-testid={`illumination-set-${s.id}`} title={s.illumination ? describeIllumination(s.illumination) : undefined} style={{ wordBreak: 'break-word' }}>
              <b>
                {s.source}
                {s.runId ? ` run ${s.runId}` : ''}, {s.method}:
              </b>{' '}
              {s.illumination ? shortIllumination(s.illumination) : 'not applied'}
            </Text>
          ))}
        </Stack>
      ) : (
        <Text size="xs" c="dimmed">
          Not segmented yet. Segmenting acquired images divides them by the plate&apos;s illumination functions first (CorrectIlluminationCalculate as JUMP runs it, or JUMP&apos;s .npy files).
        </Text>
      )}
      {hasStains && (
        <Stack gap={6} mt={6}>
          <Button size="xs" variant="light" onClick={() => setOpen(true)} disabled={active} data-testid="illum-open">
            Segment with JUMP .npy files…
          </Button>
          {job && <JobCard job={job} compact />}
        </Stack>
      )}
      {open && <IllumFromForm plateId={plateId} barcode={barcode} onClose={() => setOpen(false)} onStarted={(j) => (setStarted(j), setOpen(false))} />}
    </Paper>
  );
}

/** segment.start on the acquired images with `illumFrom`: a folder chosen in a dialog, never a typed path sent as is. */
function IllumFromForm({ plateId, barcode, onClose, onStarted }: { plateId: number; barcode: string; onClose(): void; onStarted(j: JobInfo): void }) {
  const [folder, setFolder] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const start = () => {
    setBusy(true);
    setError(null);
    toHandle(folder, 'dir', 'Illumination folder')
      .then((illumFrom) => api.call('segment.start', { plate: plateId, source: 'acquired', illumination: 'auto', illumFrom }))
      .then(
        (j) => (setBusy(false), onStarted(j)),
        (e: Error) => (setBusy(false), setError(e.message)),
      );
  };
  return (
    <Modal opened onClose={onClose} title="Segment with JUMP's illumination files" size="lg" data-testid="illum-form">
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          The folder holds one function per channel, as JUMP&apos;s illum pipeline writes them: {barcode}_IllumDNA.npy, {barcode}_IllumMito.npy … (or IllumDNA.npy …), 2-D float arrays the size of a site. The acquired images are divided by them (CorrectIlluminationApply) before segmentation and measurement; the files on disk are only read.
        </Text>
        <PathField label="Illumination folder" kind="dir" value={folder} onChange={setFolder} testId="illum-folder" required />
        {error && (
          <Text size="sm" c="red" data-testid="illum-error">
            {error}
          </Text>
        )}
        <Group justify="flex-end">
          <Button onClick={start} loading={busy} disabled={!folder.trim()} data-testid="illum-start">
            Segment acquired images
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
