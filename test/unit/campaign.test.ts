import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readShardCsv, writeShardCsv, type ShardSite } from '../../src/main/core/campaign/shardCsv';
import { arrayScript } from '../../src/main/core/campaign/slurm';

const dir = mkdtempSync(join(tmpdir(), 'stainless-campaign-unit-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('a shard CSV is a LoadData CSV and reads back, quotes and commas in paths included', async () => {
  const sites: ShardSite[] = [
    { plate: 'P1', well: 'A01', field: 1, files: { BF: '/data/run "7", day 2/A01_s1_w1.tif', BFLow: '/data/x/A01_s1_w2.tif' } },
    { plate: 'P1', well: 'B12', field: 3, files: { BF: '/data/x/B12_s3_w1.tif', BFLow: '/data/x/B12_s3_w2.tif' } },
  ];
  const f = join(dir, 'shard.csv');
  await writeShardCsv(f, sites, ['BF', 'BFLow']);
  const text = readFileSync(f, 'utf8');
  // JUMP's LoadData names for the brightfield planes
  assert.equal(text.split('\n')[0], 'FileName_OrigBrightfield,PathName_OrigBrightfield,FileName_OrigLowZBF,PathName_OrigLowZBF,Metadata_Plate,Metadata_Well,Metadata_Site');
  assert.equal(text.split('\n')[1], 'A01_s1_w1.tif,"/data/run ""7"", day 2",A01_s1_w2.tif,/data/x,P1,A01,1');
  writeFileSync(f, text.replace(/\n/g, '\r\n'));
  assert.deepEqual(await readShardCsv(f), sites);
});

test('a malformed shard CSV is refused naming the file, the line and the problem', async () => {
  const f = join(dir, 'bad.csv');
  writeFileSync(f, 'FileName_OrigBF,PathName_OrigBF,Metadata_Plate,Metadata_Well,Metadata_Site\na.tif,/d,P,A01,1\nb.tif,/d,P,A02,1,extra\n');
  await assert.rejects(readShardCsv(f), { message: `${f}:3: 6 fields, the header has 5` });
  writeFileSync(f, 'FileName_OrigBF,PathName_OrigBF,Metadata_Plate,Metadata_Well,Metadata_Site\na.tif,/d,P,A01,zero\n');
  await assert.rejects(readShardCsv(f), { message: `${f}:2: Metadata_Site "zero" is not a whole number` });
  writeFileSync(f, 'FileName_OrigBF,PathName_OrigBF,Metadata_Plate,Metadata_Site\n');
  await assert.rejects(readShardCsv(f), { message: `${f}:1: no Metadata_Well column (nor Metadata_Row and Metadata_Col)` });
});

test('the array script: one task per shard, requeue, a log per task, resources only where given', () => {
  const s = arrayScript('/shared/c/plan.json', { partition: 'gpu', gres: 'gpu:1' }, [0, 1, 2], 'stainless-abc');
  const lines = s.split('\n');
  assert.deepEqual(lines.slice(0, 7), [
    '#!/bin/sh',
    '#SBATCH --job-name=stainless-abc',
    '#SBATCH --array=0,1,2',
    '#SBATCH --requeue',
    '#SBATCH --output=/shared/c/slurm/logs/shard-%a.job-%A.log',
    '#SBATCH --partition=gpu',
    '#SBATCH --gres=gpu:1',
  ]);
  assert.ok(!s.includes('--mem') && !s.includes('--cpus-per-task'));
  assert.match(lines[7], /^# stainless \d+\.\d+\.\d+/);
  assert.match(lines.at(-2)!, /^exec '.+node[^']*' '.+\/bin\/stainless\.mjs' work --plan '\/shared\/c\/plan\.json' --shard "\$SLURM_ARRAY_TASK_ID"$/);
});

test('campaign requests through dispatch: Slurm words cannot reach the script, the web host takes no paths', async () => {
  const { createCore } = await import('../../src/main/core/core');
  const { dispatch, handlers, ApiError } = await import('../../src/main/core/api');
  const http = createCore({ workspace: join(dir, 'ws-http'), transport: 'http' });
  try {
    const refused = async (name: string, body: unknown, message: RegExp) =>
      assert.rejects(dispatch(http, handlers, name, body), (e: unknown) => e instanceof ApiError && e.code === 'bad_request' && message.test(e.message));
    // a newline in a Slurm option would add a line to the sbatch script
    await refused('slurm.submit', { plan: 'h:aaaaaaaaaaaaaaaaaaaa', partition: 'debug\n#SBATCH --uid=0' }, /must be a Slurm partition/);
    await refused('slurm.submit', { plan: 'h:aaaaaaaaaaaaaaaaaaaa', mem: '8G; rm -rf /' }, /must be a Slurm memory size/);
    await refused('campaign.status', {}, /give a campaign id or a plan, one of them/);
    await refused('campaign.status', { id: 'abc' }, /must be a campaign id/);
    // the renderer names files with handles only
    await refused('campaign.merge', { plan: '/etc/passwd' }, /^plan: the UI must choose files with Browse… \(a handle\); paths are not accepted here$/);
    await refused('campaign.mergeCatalog', { catalog: '/tmp/other.sqlite' }, /^catalog: the UI must choose files/);
    await assert.rejects(dispatch(http, handlers, 'campaign.status', { id: 'a'.repeat(64) }), (e: unknown) => e instanceof ApiError && e.code === 'not_found');
    assert.deepEqual(await dispatch(http, handlers, 'campaign.list', {}), []);
  } finally {
    http.close();
  }
});
