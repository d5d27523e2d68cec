import { Alert, Badge, Button, Group, Modal, NumberInput, SegmentedControl, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { PlanSummary, Submission } from '../../../shared/contract/campaign';
import { verdictColor } from '../../../shared/domain';
import { api } from '../api';
import { useApi } from '../lib/useApi';
import { toHandle } from '../lib/files';
import { PathField } from './PathField';

/**
 * "Submit campaign": the CLI's `plan` then `slurm submit`, through the same requests. The plan is
 * written first and its domain check shown; submitting is a second, deliberate click.
 */
export function CampaignSubmit({ onChanged }: { onChanged(): void }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="xs" variant="light" onClick={() => setOpen(true)} data-testid="campaign-open">
        Submit campaign…
      </Button>
      {open && <CampaignForm onClose={() => setOpen(false)} onChanged={onChanged} />}
    </>
  );
}

const optionalText = (s: string) => (s.trim() ? s.trim() : undefined);

function CampaignForm({ onClose, onChanged }: { onClose(): void; onChanged(): void }) {
  const plates = useApi('plates.list', {});
  const models = useApi('models.list', {});
  const slurm = useApi('slurm.info', {});
  const [plate, setPlate] = useState<string | null>(null);
  const [model, setModel] = useState<string | null>(null);
  const [steps, setSteps] = useState<'infer' | 'infer,segment'>('infer,segment');
  const [shards, setShards] = useState<number | ''>(4);
  const [folder, setFolder] = useState('');
  const [partition, setPartition] = useState('');
  const [cpus, setCpus] = useState<number | ''>('');
  const [mem, setMem] = useState('');
  const [gres, setGres] = useState('');
  const [thenMerge, setThenMerge] = useState(false);
  const [plan, setPlan] = useState<PlanSummary | null>(null);
  const [submitted, setSubmitted] = useState<Submission | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const plateId = plate ?? (plates.data?.[0] ? String(plates.data[0].id) : null);
  const modelName = model ?? (models.data?.find((m) => m.kind === 'direct') ?? models.data?.[0])?.name ?? null;

  const fail = (e: Error) => (setBusy(false), setError(e.message));
  const makePlan = () => {
    if (!plateId || !modelName || shards === '') return;
    setBusy(true);
    setError(null);
    setSubmitted(null);
    toHandle(folder, 'dir', 'Campaign folder')
      .then((campaign) => api.call('campaign.plan', { plate: Number(plateId), model: modelName, steps: steps.split(',') as Array<'infer' | 'segment'>, shards, campaign }))
      .then((p) => (setBusy(false), setPlan(p), onChanged()), fail);
  };
  const submit = () => {
    if (!plan) return;
    setBusy(true);
    setError(null);
    api
      .call('slurm.submit', { id: plan.id, partition: optionalText(partition), cpusPerTask: cpus === '' ? undefined : cpus, mem: optionalText(mem), gres: optionalText(gres), thenMerge })
      .then((s) => (setBusy(false), setSubmitted(s), onChanged()), fail);
  };
  // any change of the plan's settings makes the shown plan stale: plan again before submitting
  const edit =
    <T,>(set: (v: T) => void) =>
    (v: T) => (set(v), setPlan(null), setSubmitted(null));
  const noSlurm = slurm.data && !slurm.data.available;
  return (
    <Modal opened onClose={onClose} title="Submit a campaign to the cluster" size="lg" data-testid="campaign-form">
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          The plate is cut into shards (plan.json and one LoadData CSV per shard in the campaign folder, which every node must see). Each shard runs as one Slurm array task; the merge folds the finished shards into this catalog.
        </Text>
        <Group grow align="flex-start">
          <Select label="Plate" value={plateId} onChange={edit(setPlate)} allowDeselect={false} data={(plates.data ?? []).map((p) => ({ value: String(p.id), label: p.barcode }))} data-testid="campaign-plate" />
          <Select label="Model" value={modelName} onChange={edit(setModel)} allowDeselect={false} data={(models.data ?? []).map((m) => ({ value: m.name, label: `${m.name} ${m.version}` }))} data-testid="campaign-model" />
        </Group>
        <Group align="flex-end" wrap="nowrap">
          <Stack gap={4} style={{ flex: 1 }}>
            <Text size="sm" fw={500}>
              Steps
            </Text>
            <SegmentedControl fullWidth value={steps} onChange={edit((v: string) => setSteps(v as typeof steps))} data={[{ label: 'Infer', value: 'infer' }, { label: 'Infer + segment + measure', value: 'infer,segment' }]} data-testid="campaign-steps" />
          </Stack>
          <NumberInput label="Shards" w={140} min={1} value={shards} onChange={edit((v: string | number) => setShards(typeof v === 'number' ? v : ''))} data-testid="campaign-shards-input" />
        </Group>
        <PathField label="Campaign folder" description="on storage the cluster's nodes see; created if needed" kind="dir" value={folder} onChange={edit(setFolder)} testId="campaign-folder" required />
        <Group justify="flex-end">
          <Button variant={plan ? 'default' : 'filled'} onClick={makePlan} loading={busy && !plan} disabled={!plateId || !modelName || shards === '' || !folder.trim()} data-testid="campaign-plan">
            {plan ? 'Plan again' : 'Plan'}
          </Button>
        </Group>
        {plan && <PlanCheck plan={plan} />}
        {plan && noSlurm && (
          <Alert color="yellow" title="Slurm is not available here" data-testid="campaign-no-slurm">
            <Text size="sm">{slurm.data!.detail}.</Text>
            <Text size="sm">
              The plan is written: run each shard with <code>stainless work --plan {plan.planFile} --shard K</code> on your cluster, then merge it from this page.
            </Text>
          </Alert>
        )}
        {plan && !noSlurm && (
          <>
            <Group grow align="flex-start">
              <TextInput label="Partition" placeholder="cluster default" value={partition} onChange={(e) => setPartition(e.currentTarget.value)} data-testid="campaign-partition" />
              <NumberInput label="CPUs per task" placeholder="1" min={1} value={cpus} onChange={(v) => setCpus(typeof v === 'number' ? v : '')} data-testid="campaign-cpus" />
              <TextInput label="Memory" placeholder="e.g. 8G" value={mem} onChange={(e) => setMem(e.currentTarget.value)} data-testid="campaign-mem" />
              <TextInput label="GRES" placeholder="e.g. gpu:1" value={gres} onChange={(e) => setGres(e.currentTarget.value)} data-testid="campaign-gres" />
            </Group>
            <Switch label="Merge into this catalog when every shard is done (a dependent Slurm job; the workspace must be on storage the nodes see)" checked={thenMerge} onChange={(e) => setThenMerge(e.currentTarget.checked)} data-testid="campaign-then-merge" />
            {slurm.data?.available && (
              <Text size="xs" c="dimmed" data-testid="campaign-slurm-info">
                {slurm.data.detail}
              </Text>
            )}
            <Group justify="flex-end">
              <Button onClick={submit} loading={busy} disabled={!slurm.data?.available || !!submitted} data-testid="campaign-submit">
                Submit {plan.shards} shard{plan.shards === 1 ? '' : 's'} to Slurm
              </Button>
            </Group>
          </>
        )}
        {submitted && (
          <Alert color="teal" data-testid="campaign-submitted">
            Submitted array job {submitted.jobId} (shards {submitted.shards.join(', ')}){submitted.mergeJobId ? `, merge job ${submitted.mergeJobId} after it` : ''}. Close this form to follow its shards on this page.
          </Alert>
        )}
        {error && (
          <Text size="sm" c="red" data-testid="campaign-form-error">
            {error}
          </Text>
        )}
      </Stack>
    </Modal>
  );
}

/** The written plan and its domain check, before anything is submitted. */
function PlanCheck({ plan }: { plan: PlanSummary }) {
  const d = plan.domain;
  return (
    <Alert color={verdictColor(d.verdict)} data-testid="campaign-plan-check" data-verdict={d.verdict}>
      <Stack gap={4}>
        <Group gap="xs">
          <Text size="sm" fw={600}>
            Plan {plan.id.slice(0, 12)}: plate {plan.plate}, {plan.sites} sites in {plan.shards} shards
          </Text>
          <Badge size="sm" variant="filled" color={verdictColor(d.verdict)} style={{ overflow: 'visible' }}>
            {d.verdict}
          </Badge>
        </Group>
        <Text size="xs" style={{ wordBreak: 'break-all' }}>
          {plan.planFile}
        </Text>
        {d.reasons.length ? (
          d.reasons.slice(0, 6).map((r) => (
            <Text size="sm" key={r.text}>
              {r.severity}: {r.text}
            </Text>
          ))
        ) : (
          <Text size="sm">The sampled sites look like the model&apos;s training data.</Text>
        )}
        {d.reasons.length > 6 && <Text size="sm">… and {d.reasons.length - 6} more</Text>}
        {d.notes.map((n) => (
          <Text size="xs" c="dimmed" key={n}>
            {n}
          </Text>
        ))}
      </Stack>
    </Alert>
  );
}
