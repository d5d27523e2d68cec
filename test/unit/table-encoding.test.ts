import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { decodeText, firstInvalidUtf8, TableError } from '../../src/main/core/io/table';

// Byte strings with one ill-formed UTF-8 sequence each (Latin-1 text, overlong forms, surrogates,
// beyond U+10FFFF, truncated sequences) and valid ones; the reference offset is where Python's
// own UTF-8 decoder reports the first error (UnicodeDecodeError.start).
const CASES = [
  'compound\tMüller\n',
  'ok\nabc\xe9def\n',
  '\xc0\x80',
  '\xe0\x80\x80',
  'a\xed\xa0\x80',
  '\xf4\x90\x80\x80',
  'ab\xe2\x82',
  'caf\xc3\xa9 ok \xff',
  '\xf0\x9f\x98\x80 fine',
];

function pythonStarts(samples: Buffer[]): number[] {
  const py = `import sys, json
out = []
for h in json.load(sys.stdin):
    b = bytes.fromhex(h)
    try:
        b.decode('utf-8'); out.append(-1)
    except UnicodeDecodeError as e:
        out.append(e.start)
print(json.dumps(out))`;
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', py], { input: JSON.stringify(samples.map((b) => b.toString('hex'))), encoding: 'utf8' }));
}

test('the first ill-formed UTF-8 byte is where Python finds it', () => {
  const samples = CASES.map((c) => Buffer.from(c, 'latin1'));
  samples.push(Buffer.from('plain UTF-8: Müller, β, 😀', 'utf8'));
  const want = pythonStarts(samples);
  assert.deepEqual(samples.map((b) => firstInvalidUtf8(b)), want);
  assert.ok(want.filter((w) => w >= 0).length >= 7);
});

test('decodeText: BOMs decide, invalid UTF-8 names line, column and byte, latin1 on request', () => {
  assert.equal(decodeText(Buffer.from('\ufeffwell,x\n', 'utf8'), 'f.csv'), 'well,x\n');
  assert.equal(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('wéll\n', 'utf16le')]), 'f.csv'), 'wéll\n');
  const latin = Buffer.from('a,b\nx,Müller\n', 'latin1');
  assert.throws(() => decodeText(latin, 'f.csv'), (e: unknown) => e instanceof TableError && e.message.startsWith('f.csv:2: byte 0xFC at column 4 (offset 7) is not UTF-8;'));
  assert.equal(decodeText(latin, 'f.csv', 'latin1'), 'a,b\nx,Müller\n');
});
