import { Button, Group, Modal, ScrollArea, Stack, Table, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { FileChoice, FileListing } from '../../../shared/contract/files';
import { api } from '../api';
import { baseOf, fileRoots, parentOf, remember, toHandle, type PathKind } from '../lib/files';

interface Props {
  label: string;
  description?: string;
  placeholder?: string;
  kind: PathKind;
  value: string;
  onChange(path: string): void;
  testId?: string;
  required?: boolean;
  /** native dialog filters (Electron), e.g. ['csv', 'parquet'] */
  extensions?: string[];
  w?: number;
}

/**
 * A path field with "Browse…": Electron opens the native dialog (the main process hands back a
 * handle); the web host shows its own browser of the roots it was started with. Typing a path
 * works in the web host for paths inside those roots.
 */
export function PathField(p: Props) {
  const [dialogs, setDialogs] = useState(false);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void fileRoots().then((r) => setDialogs(r.dialogs), () => undefined);
  }, []);
  const choose = (c: FileChoice) => {
    remember(p.kind, c);
    setError(null);
    p.onChange(c.path);
  };
  const browse = (kind: 'dir' | 'file' | 'save') => {
    if (!dialogs) return setOpen(true);
    api.call('files.pick', { kind, title: p.label, extensions: p.extensions, defaultName: p.kind === 'save' ? baseOf(p.value) : undefined }).then(
      (c) => c && choose(c),
      (e: Error) => setError(e.message),
    );
  };
  return (
    <>
      <Group align="flex-end" gap="xs" wrap="nowrap" w={p.w}>
        <TextInput
          style={{ flex: 1 }}
          label={p.label}
          description={p.description}
          placeholder={p.placeholder}
          required={p.required}
          value={p.value}
          readOnly={dialogs}
          error={error}
          onChange={(e) => p.onChange(e.currentTarget.value)}
          data-testid={p.testId}
        />
        {dialogs && p.kind === 'any' ? (
          // native dialogs choose a folder or a file, not either
          <>
            <Button variant="default" onClick={() => browse('dir')} data-testid={p.testId ? `${p.testId}-browse` : undefined}>
              Folder…
            </Button>
            <Button variant="default" onClick={() => browse('file')} data-testid={p.testId ? `${p.testId}-browse-file` : undefined}>
              File…
            </Button>
          </>
        ) : (
          <Button variant="default" onClick={() => browse(p.kind === 'any' ? 'dir' : p.kind)} data-testid={p.testId ? `${p.testId}-browse` : undefined}>
            Browse…
          </Button>
        )}
      </Group>
      {open && <FileBrowser kind={p.kind} title={p.label} start={p.value} onClose={() => setOpen(false)} onChoose={(c) => (choose(c), setOpen(false))} />}
    </>
  );
}

/** The web host's file browser: folders and regular files under the host's roots, nothing else. */
function FileBrowser({ kind, title, start, onClose, onChoose }: { kind: PathKind; title: string; start: string; onClose(): void; onChoose(c: FileChoice): void }) {
  const [listing, setListing] = useState<FileListing | null>(null);
  const [roots, setRoots] = useState<FileChoice[]>([]);
  const [name, setName] = useState(kind === 'save' ? baseOf(start) : '');
  const [error, setError] = useState<string | null>(null);
  const go = (dir: string) =>
    api.call('files.list', { dir }).then(
      (l) => (setListing(l), setError(null)),
      (e: Error) => setError(e.message),
    );
  useEffect(() => {
    void fileRoots().then(async (r) => {
      setRoots(r.roots);
      // start in the folder of what the field shows, else the first root
      const folder = kind === 'dir' ? start : parentOf(start);
      const handle = folder ? await toHandle(folder, 'dir', title).catch(() => null) : null;
      if (handle) return go(handle);
      if (r.roots[0]) return go(r.roots[0].handle);
      setError('this host has no folders to browse');
    });
    // opens once, where the field pointed when Browse… was clicked
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const pick = (n: string, save = false) => {
    if (!listing) return;
    api.call('files.child', { dir: listing.dir.handle, name: n, save }).then(onChoose, (e: Error) => setError(e.message));
  };
  const enter = (n: string) => {
    if (!listing) return;
    api.call('files.child', { dir: listing.dir.handle, name: n }).then((c) => go(c.handle), (e: Error) => setError(e.message));
  };
  return (
    <Modal opened onClose={onClose} title={title} size="lg" data-testid="file-browser">
      <Stack gap="xs">
        <Group gap="xs">
          {roots.map((r) => (
            <Button key={r.handle} size="compact-xs" variant="light" onClick={() => go(r.handle)}>
              {r.path}
            </Button>
          ))}
        </Group>
        <Group gap="xs" wrap="nowrap">
          <Button size="compact-sm" variant="default" disabled={!listing?.parent} onClick={() => listing?.parent && go(listing.parent.handle)} data-testid="file-up">
            Up
          </Button>
          <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }} data-testid="file-where">
            {listing?.dir.path ?? '…'}
          </Text>
        </Group>
        <ScrollArea h={320}>
          <Table highlightOnHover>
            <Table.Tbody>
              {(listing?.entries ?? []).map((e) => (
                <Table.Tr key={e.name}>
                  <Table.Td>
                    <UnstyledButton
                      data-testid={`file-entry-${e.name}`}
                      onClick={() => (e.kind === 'dir' ? enter(e.name) : kind === 'save' ? setName(e.name) : kind !== 'dir' ? pick(e.name) : undefined)}
                    >
                      <Text size="sm" c={e.kind === 'file' && kind === 'dir' ? 'dimmed' : undefined}>
                        {e.kind === 'dir' ? '📁 ' : ''}
                        {e.name}
                      </Text>
                    </UnstyledButton>
                  </Table.Td>
                  <Table.Td ta="right">
                    <Text size="xs" c="dimmed">
                      {e.kind === 'file' ? `${Math.max(1, Math.round(e.size / 1024)).toLocaleString()} KiB` : ''}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {listing?.truncated && (
            <Text size="xs" c="dimmed">
              (more entries than shown)
            </Text>
          )}
        </ScrollArea>
        {error && (
          <Text size="sm" c="red">
            {error}
          </Text>
        )}
        <Group justify="flex-end">
          {kind === 'save' && <TextInput placeholder="file name" value={name} onChange={(e) => setName(e.currentTarget.value)} data-testid="file-save-name" style={{ flex: 1 }} />}
          {kind === 'save' && (
            <Button onClick={() => pick(name.trim(), true)} disabled={!name.trim() || !listing} data-testid="file-save">
              Save here
            </Button>
          )}
          {(kind === 'dir' || kind === 'any') && (
            <Button onClick={() => listing && onChoose(listing.dir)} disabled={!listing} data-testid="file-choose">
              Choose this folder
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
