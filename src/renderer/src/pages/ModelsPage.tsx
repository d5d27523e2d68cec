import { Alert, Badge, Button, Code, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { api } from '../api';
import { useApi } from '../lib/useApi';
import { toHandle } from '../lib/files';
import { PathField } from '../components/PathField';
import { formatTime } from '../lib/format';
import { HeldOutMetrics } from '../components/HeldOutMetrics';

export function ModelsPage() {
  const info = useApi('app.info', {});
  const models = useApi('models.list', {}, (e) => e.type === 'catalog' && e.what === 'models');
  const [open, setOpen] = useState<string | null>(null);
  const p = info.data?.providers;
  return (
    <Stack maw={1200}>
      <Title order={2}>Models</Title>
      <Paper withBorder p="md">
        <Title order={4} mb="xs">
          Execution provider
        </Title>
        <Group gap="sm">
          <Badge size="lg" variant="light" color={p?.active === 'cuda' ? 'green' : 'gray'}>
            {p?.active ?? '…'}
          </Badge>
          <Text data-testid="provider-reason">{p?.reason}</Text>
        </Group>
        <Text size="sm" c="dimmed" mt="xs">
          onnxruntime {info.data?.onnxruntime} · available providers: {p?.available.join(', ')}
        </Text>
      </Paper>
      <Paper withBorder p="md">
        <Title order={4} mb="xs">
          Installed models
        </Title>
        {models.error && <Alert color="red">{models.error}</Alert>}
        {models.data && models.data.length === 0 && <Text c="dimmed">No models registered yet.</Text>}
        {models.data && models.data.length > 0 && (
          <Table highlightOnHover fz="sm" data-testid="model-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Version</Table.Th>
                <Table.Th>Kind</Table.Th>
                <Table.Th>Inputs → outputs</Table.Th>
                <Table.Th>Added</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {models.data.map((m) => (
                <Table.Tr key={m.id} style={{ cursor: 'pointer' }} onClick={() => setOpen(open === m.name ? null : m.name)} data-model={m.name}>
                  <Table.Td fw={600}>
                    {m.name} {m.bundled && <Badge variant="light">bundled</Badge>}
                  </Table.Td>
                  <Table.Td>{m.version}</Table.Td>
                  <Table.Td>{m.kind}</Table.Td>
                  <Table.Td>
                    {m.inputs.join(', ')} → {m.outputs.join(', ')}
                  </Table.Td>
                  <Table.Td>{formatTime(m.addedAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
      {open && <ModelDetailCard name={open} />}
      <AddModel onAdded={models.reload} />
    </Stack>
  );
}

function ModelDetailCard({ name }: { name: string }) {
  const m = useApi('models.get', { name });
  if (m.error) return <Alert color="red">{m.error}</Alert>;
  const d = m.data;
  if (!d) return null;
  const mf = d.manifest;
  const trained = training(mf.provenance);
  return (
    <Paper withBorder p="md" data-testid="model-detail">
      <Title order={4}>
        {d.name} {d.version}
      </Title>
      {mf.description && <Text c="dimmed">{mf.description}</Text>}
      <Table fz="sm" w={640} mt="sm" withRowBorders={false} verticalSpacing={2}>
        <Table.Tbody>
          <KV k="Kind" v={d.kind} />
          <KV k="Inputs" v={mf.inputs.join(', ')} />
          <KV k="Outputs" v={mf.outputs.join(', ')} />
          <KV k="Tile" v={mf.tile ? `${mf.tile.size} px, overlap ${mf.tile.overlap}` : '—'} />
          <KV k="Pixel size" v={mf.pixelSizeUm != null ? `${mf.pixelSizeUm} µm` : 'not set'} />
          <KV k="SHA-256" v={<Code>{d.sha256.slice(0, 16)}…</Code>} />
          <KV k="Folder" v={d.dir} />
          {d.schedule && <KV k="Sampler" v={`ResShift T=${d.schedule.T}, κ=${d.schedule.kappa}`} />}
          {trained && <KV k="Training" v={trained} />}
        </Table.Tbody>
      </Table>
      <Text size="sm" fw={600} mt="md" mb={4}>
        Held-out metrics
      </Text>
      <HeldOutMetrics held={mf.heldOutMetrics ?? {}} />
    </Paper>
  );
}

/** "A549 + U2OS · 9000 steps · 85 min · 837,583 parameters" from a manifest's provenance, when it says. */
function training(p: Record<string, unknown> | undefined): string | null {
  if (!p) return null;
  // a model the train job made names its plate and how it was split
  const data = typeof p.data === 'object' && p.data !== null ? (p.data as Record<string, unknown>) : {};
  const parts = [
    typeof data.plate === 'string' ? `plate ${data.plate}` : null,
    typeof data.split === 'string' ? data.split : null,
    Array.isArray(p.cellLines) ? p.cellLines.join(' + ') : null,
    typeof p.steps === 'number' ? `${p.steps.toLocaleString('en-US')} steps` : null,
    typeof p.epochs === 'number' && typeof data.plate === 'string' ? `${p.epochs} epoch${p.epochs === 1 ? '' : 's'}` : null,
    typeof p.trainingMinutes === 'number' ? `${p.trainingMinutes < 10 ? p.trainingMinutes : Math.round(p.trainingMinutes)} min` : null,
    typeof p.parameters === 'number' ? `${p.parameters.toLocaleString('en-US')} parameters` : null,
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : null;
}

function AddModel({ onAdded }: { onAdded(): void }) {
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const add = () => {
    setBusy(true);
    setMsg(null);
    toHandle(path, 'any', 'Model').then((handle) => api.call('models.add', { path: handle })).then(
      (r) => {
        setBusy(false);
        setMsg({ ok: true, text: r.added ? `Added ${r.model.name} ${r.model.version}.` : `${r.model.name} ${r.model.version} was already registered.` });
        onAdded();
      },
      (e: Error) => {
        setBusy(false);
        setMsg({ ok: false, text: e.message });
      },
    );
  };
  return (
    <Paper withBorder p="md">
      <Title order={4} mb="xs">
        Add a model
      </Title>
      <Text size="sm" c="dimmed" mb="xs">
        A folder with model.json + model.onnx, or a bioimage.io description (rdf.yaml / bioimageio.yaml).
      </Text>
      <Group align="flex-end">
        <PathField kind="any" label="Folder or description file" placeholder="/path/to/model" value={path} onChange={setPath} w={620} testId="model-path" />
        <Button onClick={add} loading={busy} disabled={!path.trim()}>
          Add model
        </Button>
      </Group>
      {msg && (
        <Text mt="xs" c={msg.ok ? 'teal' : 'red'} size="sm">
          {msg.text}
        </Text>
      )}
    </Paper>
  );
}

function KV({ k, v }: { k: string; v: React.ReactNode }) {
  return (
    <Table.Tr>
      <Table.Td c="dimmed" w={120}>
        {k}
      </Table.Td>
      <Table.Td style={{ wordBreak: 'break-all' }}>{v}</Table.Td>
    </Table.Tr>
  );
}
