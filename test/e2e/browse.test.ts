import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSession, tempWorkspace, goSection, type Session } from './helpers';
import { simulatePlate } from '../../src/main/core/simulate';

// Every path field has "Browse…", and in the web host it browses only the roots the host was
// started with: choose a plate folder by clicking through it and scan it; name an export target;
// links out of the root are not offered.

let s: Session;
let root: string;

before(async () => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'stainless-e2e-browse-root-')));
  mkdirSync(join(root, 'plates'));
  await simulatePlate({ out: join(root, 'plates', 'BROWSE1'), format: 96, sites: 1, size: 64, seed: 3, wells: ['B02', 'B03'], barcode: 'BROWSE1', workers: 0 });
  symlinkSync('/etc', join(root, 'plates', 'etc-link'));
  s = await openSession(tempWorkspace('browse'), { roots: [root] });
});

after(async () => {
  await s?.close();
});

test('import: Browse… walks the root, refuses nothing it shows, and the chosen folder scans', async () => {
  const { page } = s;
  await goSection(page, 'io');
  for (const id of ['import-dir', 'import-platemap', 'import-metadata']) await page.getByTestId(`${id}-browse`).waitFor();
  await page.getByTestId('import-dir-browse').click();
  // (Mantine's modal root has no box of its own: wait on what is inside it)
  const modal = page.getByTestId('file-where');
  await modal.waitFor();
  await page.getByTestId('file-where').filter({ hasText: root }).waitFor();
  assert.equal(await page.getByTestId('file-up').isDisabled(), true, 'no way above the root');
  await page.getByTestId('file-entry-plates').click();
  await page.getByTestId('file-entry-BROWSE1').waitFor();
  assert.equal(await page.getByTestId('file-entry-etc-link').count(), 0, 'a link out of the root is not listed');
  await page.getByTestId('file-entry-BROWSE1').click();
  await page.getByTestId('file-where').filter({ hasText: join(root, 'plates', 'BROWSE1') }).waitFor();
  await page.getByTestId('file-choose').click();
  await modal.waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('import-dir').inputValue(), join(root, 'plates', 'BROWSE1'));
  await page.getByTestId('import-scan').click();
  const preview = page.getByTestId('import-preview');
  await preview.waitFor();
  assert.match((await preview.textContent()) ?? '', /BROWSE1/);
  assert.match((await preview.textContent()) ?? '', /\/ 2 \/ 16/, 'two imaged sites (one per well), 8 channels each');
});

test('a typed path outside the roots is refused with one line naming the roots', async () => {
  const { page } = s;
  await page.evaluate(`location.hash = '#/io/import'`);
  await page.reload();
  await page.getByTestId('import-dir').fill('/etc');
  await page.getByTestId('import-scan').click();
  const err = page.getByTestId('import-error');
  await err.waitFor();
  assert.match((await err.textContent()) ?? '', new RegExp(`/etc is not inside a folder this host may use \\(this host may use ${root}\\)`));
});

test('export and models: Browse… names a file to write inside the root, and the model field has one too', async () => {
  const { page } = s;
  await page.evaluate(`location.hash = '#/io/export'`);
  await page.getByTestId('export-dialog').waitFor();
  await page.getByTestId('export-out-browse').click();
  await page.getByTestId('file-where').filter({ hasText: root }).waitFor();
  await page.getByTestId('file-save-name').fill('table.csv');
  await page.getByTestId('file-save').click();
  await page.getByTestId('file-where').waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('export-out').inputValue(), join(root, 'table.csv'));
  await goSection(page, 'models');
  await page.getByTestId('model-path-browse').waitFor();
});
