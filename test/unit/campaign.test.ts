import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readShardCsv, shardCsv, type ShardSite } from '../../src/main/core/campaign/shardCsv';
import { arrayScript } from '../../src/main/core/campaign/slurm';

const dir = mkdtempSync(join(tmpdir(), 'stainless-campaign-unit-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('a shard CSV is a LoadData CSV and reads back, quotes and commas in paths included', () => {
  const sites: ShardSite[] = [
    { plate: 'P1', well: 'A01', field: 1, files: { BF: '/data/run "7", day 2/A01_s1_w1.tif', BFLow: '/data/x/A01_s1_w2.tif' } },
    { plate: 'P1', well: 'B12', field: 3, files: { BF: '/data/x/B12_s3_w1.tif', BFLow: '/data/x/B12_s3_w2.tif' } },
  ];
  const text = shardCsv(sites, ['BF', 'BFLow']);
  assert.equal(text.split('\n')[0], 'FileName_OrigBF,PathName_OrigBF,FileName_OrigBFLow,PathName_OrigBFLow,Metadata_Plate,Metadata_Well,Metadata_Site');
  assert.equal(text.split('\n')[1], 'A01_s1_w1.tif,"/data/run ""7"", day 2",A01_s1_w2.tif,/data/x,P1,A01,1');
  const f = join(dir, 'shard.csv');
  writeFileSync(f, text.replace(/\n/g, '\r\n'));
  assert.deepEqual(readShardCsv(f), sites);
});

test('a malformed shard CSV is refused naming the file, the row and the problem', () => {
  const f = join(dir, 'bad.csv');
  writeFileSync(f, 'FileName_OrigBF,PathName_OrigBF,Metadata_Plate,Metadata_Well,Metadata_Site\na.tif,/d,P,A01,1\nb.tif,/d,P,A02\n');
  assert.throws(() => readShardCsv(f), { message: `${f}: row 3 has 4 fields, the header 5` });
  writeFileSync(f, 'FileName_OrigBF,PathName_OrigBF,Metadata_Plate,Metadata_Well,Metadata_Site\na.tif,/d,P,A01,zero\n');
  assert.throws(() => readShardCsv(f), { message: `${f}: row 2: Metadata_Site "zero" is not a site number` });
  writeFileSync(f, 'FileName_OrigBF,PathName_OrigBF,Metadata_Plate,Metadata_Site\n');
  assert.throws(() => readShardCsv(f), { message: `${f}: no Metadata_Well column` });
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
