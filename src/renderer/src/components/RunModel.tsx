import { Alert, Button, Group, NumberInput, Paper, Select, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import type { JobInfo } from '../../../shared/contract/jobs';
import type { InferSummary } from '../../../shared/contract/inference';
import { DomainBadge } from './DomainBadge';
import { api } from '../api';
import { useApi } from '../lib/useApi';
import { useJob } from '../lib/useJob';
import { JobCard } from './JobCard';

/** Choose a model and run it over the plate; the job's progress shows right here. */
export function RunModel({ plateId }: { plateId: number }) {
  const models = useApi('models.list', {}, (e) => e.type === 'catalog' && e.what === 'models');
  const [model, setModel] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [started, setStarted] = useState<JobInfo | null>(null);
  const job = useJob(started);
  // one-pass models first: the fastest way to a stained plate
  const chosen = model ?? (models.data?.find((m) => m.kind === 'direct') ?? models.data?.[0])?.name ?? null;
  const chosenInfo = models.data?.find((m) => m.name === chosen);
  const diffusion = chosenInfo?.kind === 'residual-diffusion';
  // diffusion sampling: step count (empty = the model's own T) and the noise seed (same seed, same images)
  const [steps, setSteps] = useState<number | ''>('');
  const [seed, setSeed] = useState<number | ''>(0);
  const [measureJob, setMeasureJob] = useState<JobInfo | null>(null);
  const measuring = useJob(measureJob);
  const runId = job?.status === 'done' ? ((job.result as { runId?: number } | null)?.runId ?? null) : null;
  const [ranModel, setRanModel] = useState<string | null>(null);
  const usedModel = models.data?.find((m) => m.name === ranModel);
  const measure = () => {
    if (runId == null) return;
    setError(null);
    const method = usedModel?.outputs.includes('NucleiBoundary') ? 'model' : 'classical';
    api.call('segment.start', { plate: plateId, source: 'synthetic', runId, method }).then(setMeasureJob, (e: Error) => setError(e.message));
  };
  const run = () => {
    if (!chosen) return;
    setBusy(true);
    setError(null);
    setRanModel(chosen);
    setMeasureJob(null);
    const sampling = diffusion ? { ...(steps === '' ? {} : { steps }), ...(seed === '' ? {} : { seed }) } : {};
    api.call('infer.start', { plate: plateId, model: chosen, ...sampling }).then(
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
  return (
    <Paper withBorder p="sm" data-testid="run-model">
      <Text size="sm" fw={600} mb={4}>
        Virtual staining
      </Text>
      {models.data && models.data.length === 0 ? (
        <Text size="sm" c="dimmed">
          No model installed: add one on the Models page.
        </Text>
      ) : (
        <Stack gap={6}>
          <Group gap={6} wrap="nowrap" align="flex-end">
            <Select
              size="xs"
              label="Model"
              value={chosen}
              onChange={setModel}
              data={(models.data ?? []).map((m) => ({ value: m.name, label: `${m.name} ${m.version}` }))}
              style={{ flex: 1 }}
              data-testid="model-select"
            />
            <Button size="xs" onClick={run} loading={busy} disabled={!chosen || job?.status === 'running' || job?.status === 'queued'} data-testid="run-model-button">
              Run
            </Button>
          </Group>
          {diffusion && (
            <Group gap={6} grow>
              <NumberInput size="xs" label="Sampling steps" placeholder="model's T" min={1} max={1000} value={steps} onChange={(v) => setSteps(typeof v === 'number' ? v : '')} data-testid="diffusion-steps" />
              <NumberInput size="xs" label="Noise seed" min={0} value={seed} onChange={(v) => setSeed(typeof v === 'number' ? v : '')} data-testid="diffusion-seed" />
            </Group>
          )}
          {error && <Alert color="red">{error}</Alert>}
          {job && <JobCard job={job} compact />}
          {runId != null && (
            <Group gap={6} data-testid="run-domain">
              <Text size="xs">Domain check:</Text>
              <DomainBadge domain={(job!.result as InferSummary).domain} size="xs" />
            </Group>
          )}
          {runId != null && (
            <Button size="xs" variant="light" onClick={measure} disabled={!!measuring && measuring.status !== 'failed'} data-testid="measure-run">
              Segment + measure run {runId}
            </Button>
          )}
          {measuring && <JobCard job={measuring} compact />}
        </Stack>
      )}
    </Paper>
  );
}
