import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from '../../src/main/core/core';
import { dispatch, handlers, ApiError } from '../../src/main/core/api';
import { simulatePlate } from '../../src/main/core/simulate';
import type { FileChoice } from '../../src/shared/contract/files';
import type { ImportPreview } from '../../src/shared/contract/catalog';

// The Electron code path without Electron: the main process sets core.files.picker (its native
// dialogs); files.pick turns the user's choice into a handle, and import.preview runs on it.
// Over IPC a raw path is refused, as over HTTP.

test('files.pick → handle → import.preview over the IPC transport; raw paths refused; no dialogs, no pick', async () => {
  const base = mkdtempSync(join(tmpdir(), 'stainless-dialog-'));
  const plate = join(base, 'DLG1');
  await simulatePlate({ out: plate, format: 96, sites: 1, size: 64, seed: 4, wells: ['B02'], barcode: 'DLG1', workers: 0 });
  const core = createCore({ workspace: join(base, 'ws'), transport: 'ipc' });
  try {
    const noDialogs = await dispatch(core, handlers, 'files.pick', { kind: 'dir' }).catch((e: unknown) => e);
    assert.ok(noDialogs instanceof ApiError && /no native dialogs here/.test(noDialogs.message));
    const asked: unknown[] = [];
    core.files.picker = async (o) => (asked.push(o), o.kind === 'dir' ? plate : null);
    assert.deepEqual(await dispatch(core, handlers, 'files.roots', {}), { roots: [], dialogs: true });
    const choice = (await dispatch(core, handlers, 'files.pick', { kind: 'dir', title: 'Plate folder' })) as FileChoice;
    assert.deepEqual([choice.kind, choice.path], ['dir', plate]);
    assert.deepEqual(asked, [{ kind: 'dir', title: 'Plate folder' }]);
    assert.equal(await dispatch(core, handlers, 'files.pick', { kind: 'file' }), null, 'a cancelled dialog is null');
    const p = (await dispatch(core, handlers, 'import.preview', { dir: choice.handle })) as ImportPreview;
    assert.deepEqual([p.ok, p.barcode, p.sites], [true, 'DLG1', 1]);
    await assert.rejects(dispatch(core, handlers, 'import.preview', { dir: plate }), /Browse… \(a handle\); paths are not accepted here/);
    // without roots there is nothing to browse: a dialog's folder is not a way into its neighbours
    await assert.rejects(dispatch(core, handlers, 'files.child', { dir: choice.handle, name: 'metadata' }), /outside the folders this host may browse/);
  } finally {
    core.close();
  }
});
