import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../support/cli';

const FIX = resolve(import.meta.dirname, '../fixtures/models');
const ws = mkdtempSync(join(tmpdir(), 'stainless-models-cli-'));
test.after(() => rmSync(ws, { recursive: true, force: true }));

/** Run the CLI in-process, capturing stdout/stderr. */
const cli = (...args: string[]) => runCli([...args, '--workspace', ws]);

test('stainless models add | list | show --json [--steps] | remove', async () => {
  const add = await cli('models', 'add', join(FIX, 'diffusion'), '--json');
  assert.equal(add.code, 0, add.err);
  const added = JSON.parse(add.out);
  assert.equal(added.added, true);
  assert.ok(existsSync(join(added.model.dir, 'model.onnx')), 'user models are copied into the workspace');
  assert.equal((await cli('models', 'add', join(FIX, 'direct', 'model.json'))).code, 0);

  const list = JSON.parse((await cli('models', 'list', '--json')).out) as Array<{ name: string; kind: string; bundled: boolean }>;
  assert.deepEqual(list.filter((m) => !m.bundled).map((m) => [m.name, m.kind]), [['fixture-diffusion', 'residual-diffusion'], ['fixture-direct', 'direct']]);
  // the CLI registers the bundled models as the app does on start, so `infer --model stainless-…` works at once
  assert.deepEqual(list.filter((m) => m.bundled).map((m) => m.name), ['stainless-resdiff', 'stainless-unet-direct']);

  const show = JSON.parse((await cli('models', 'show', 'fixture-diffusion', '--json')).out);
  assert.equal(show.kind, 'residual-diffusion');
  assert.deepEqual(show.onnx.inputs, ['x_t', 'y0', 't']);
  const near = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) < 5e-6);
  assert.ok(near(show.eta, [0.01, 0.2705, 0.579703, 0.9801]), String(show.eta));
  assert.ok(near(show.posterior_variance, [0, 0.038521, 0.577119, 0.947297]));
  assert.ok(near(show.input_scale, [0.980581, 0.693042, 0.54892, 0.450816]));
  const show2 = JSON.parse((await cli('models', 'show', 'fixture-diffusion', '--steps', '2', '--json')).out);
  assert.ok(near(show2.eta, [0.01, 0.9801]));
  const human = await cli('models', 'show', 'fixture-diffusion');
  assert.match(human.out, /eta +0\.010000 0\.270500 0\.579703 0\.980100/);
  const direct = JSON.parse((await cli('models', 'show', 'fixture-direct', '--json')).out);
  assert.equal(direct.eta, undefined, 'a direct model has no schedule');

  const rm = await cli('models', 'remove', 'fixture-diffusion', '--json');
  assert.equal(rm.code, 0, rm.err);
  assert.ok(!existsSync(added.model.dir), 'the copy in the workspace is deleted');
  assert.deepEqual(JSON.parse((await cli('models', 'list', '--json')).out).filter((m: { bundled: boolean }) => !m.bundled).map((m: { name: string }) => m.name), ['fixture-direct']);
});

test('models and infer: bad input fails with a message naming it', async () => {
  const missing = await cli('models', 'add', join(ws, 'nope'));
  assert.equal(missing.code, 1);
  assert.match(missing.err, /nope: no such file or folder/);
  const notModel = await cli('models', 'add', FIX);
  assert.equal(notModel.code, 1);
  assert.match(notModel.err, /models\/model\.json: no model manifest/);
  // a well-formed command about something that is not there fails (1); a malformed one is a usage error (2)
  const ghost = await cli('models', 'show', 'ghost');
  assert.equal(ghost.code, 1);
  assert.match(ghost.err, /no model "ghost" is registered/);
  assert.equal((await cli('models', 'remove', 'ghost')).code, 1);
  const noFlags = await cli('infer', '--plate', 'X');
  assert.equal(noFlags.code, 2);
  assert.match(noFlags.err, /--plate and --model are required/);
  const badSteps = await cli('infer', '--plate', 'X', '--model', 'fixture-direct', '--steps', '0');
  assert.equal(badSteps.code, 2);
  assert.match(badSteps.err, /--steps/);
  const noPlate = await cli('infer', '--plate', 'X', '--model', 'fixture-direct');
  assert.equal(noPlate.code, 1);
  assert.match(noPlate.err, /no plate "X"/);
  const badOut = await cli('predict', '--model', 'fixture-direct', '--input', 'a.npy', '--output', 'b.png');
  assert.equal(badOut.code, 2);
  assert.match(badOut.err, /--output must end in \.npy or \.tif/);
});
