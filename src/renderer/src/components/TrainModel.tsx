import { Alert, Anchor, Button, Group, Modal, NumberInput, Paper, SegmentedControl, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { JobInfo } from '../../../shared/contract/jobs';
import type { TrainSummary } from '../../../shared/contract/training';
import { BF_CHANNELS, PAINT_CHANNELS } from '../../../shared/channels';
import { api } from '../api';
import { useJob } from '../lib/useJob';
import { href } from '../lib/route';
import { JobCard } from './JobCard';

/** Shown on a plate with brightfield and Cell Painting: train a model on its own images (the train job). */
export function TrainModel({ plateId, channels, wells }: { plateId: number; channels: string[]; wells: number }) {
  const [open, setOpen] = useState(false);
  const [model, setModel] = useState<'direct' | 'resdiff'>('direct');
  const [preset, setPreset] = useState<'fast' | 'full'>('fast');
  const [epochs, setEpochs] = useState<number | ''>('');
  const [held, setHeld] = useState('');
  const [region, setRegion] = useState(wells <= 1);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [started, setStarted] = useState<JobInfo | null>(null);
  const job = useJob(started);
  const hasBf = BF_CHANNELS.some((c) => channels.includes(c));
  const hasPaint = PAINT_CHANNELS.some((c) => channels.includes(c));
  if (!hasBf || !hasPaint) return null;
  const start = () => {
    setBusy(true);
    setError(null);
    const holdoutWells = held.split(/[\s,]+/).filter(Boolean);
    api
      .call('train.start', {
        plate: plateId,
        model,
        preset,
        ...(epochs === '' ? {} : { epochs }),
        ...(region ? { holdoutRegion: 'bottom-quarter' as const } : { holdoutWells }),
      })
      .then(
        (j) => {
          setBusy(false);
          setStarted(j);
          setOpen(false);
        },
        (e: Error) => {
          setBusy(false);
          setError(e.message);
        },
      );
  };
  const result = job?.status === 'done' ? (job.result as TrainSummary) : null;
  const active = job?.status === 'running' || job?.status === 'queued';
  return (
    <Paper withBorder p="sm" data-testid="train-model">
      <Text size="sm" fw={600} mb={4}>
        Your own model
      </Text>
      <Stack gap={6}>
        <Button size="xs" variant="light" onClick={() => setOpen(true)} disabled={active} data-testid="train-open">
          Train a model on this plate
        </Button>
        {job && <JobCard job={job} compact />}
        {result && (
          <Text size="xs" data-testid="train-result">
            Registered <Anchor href={href('models')}>{`${result.model.name} ${result.model.version}`}</Anchor>: held-out DNA SSIM{' '}
            {result.heldOut.channels.DNA ? result.heldOut.channels.DNA.ssim.toFixed(3) : '—'}, skill over the constant baseline{' '}
            {result.heldOut.channels.DNA?.skillSsim != null ? result.heldOut.channels.DNA.skillSsim.toFixed(3) : '—'}
          </Text>
        )}
      </Stack>
      <Modal opened={open} onClose={() => setOpen(false)} title="Train a model on this plate" size="lg" data-testid="train-form">
        <Stack gap="sm">
          <Text size="sm" c="dimmed">
            The plate&apos;s acquired brightfield planes are the input and its acquired stains the targets. Training runs in your Python with PyTorch (CUDA when it sees a GPU); the held-out part is scored with Stainless&apos; metrics beside a constant baseline, and the model is registered on the Models page.
          </Text>
          <Select
            label="Model type"
            value={model}
            onChange={(v) => v && setModel(v as 'direct' | 'resdiff')}
            allowDeselect={false}
            data={[
              { value: 'direct', label: 'Direct (one pass, UNet)' },
              { value: 'resdiff', label: 'Residual diffusion (ResShift, 4 steps)' },
            ]}
            comboboxProps={{ transitionProps: { duration: 0 } }}
            data-testid="train-model-type"
          />
          <div>
            <Text size="sm" fw={500} mb={4}>
              Preset
            </Text>
            <SegmentedControl
              value={preset}
              onChange={(v) => setPreset(v as 'fast' | 'full')}
              data={[
                { label: 'Fast: a demo, minutes on a CPU', value: 'fast' },
                { label: 'Full: the bundled recipe', value: 'full' },
              ]}
              fullWidth
              data-testid="train-preset"
            />
          </div>
          <NumberInput label="Epochs" description="Passes over the training pixels; empty: the preset's length" min={0.1} step={1} value={epochs} onChange={(v) => setEpochs(typeof v === 'number' ? v : '')} data-testid="train-epochs" />
          <Switch label="Hold out the bottom quarter of every site (for plates with one or few wells)" checked={region} onChange={(e) => setRegion(e.currentTarget.checked)} data-testid="train-region" />
          {!region && (
            <TextInput label="Held-out wells" description="Never trained on, scored afterwards; empty: every 8th well" placeholder="A03, H12" value={held} onChange={(e) => setHeld(e.currentTarget.value)} data-testid="train-holdout" />
          )}
          {error && <Alert color="red">{error}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              Close
            </Button>
            <Button onClick={start} loading={busy} data-testid="train-start">
              Start training
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}
