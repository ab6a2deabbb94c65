import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FrameReader } from '../../../src/transport/frame-reader.js';
import type { FramedLine } from '../../../src/transport/framed-line.js';

function drain(reader: FrameReader, max = 1000): FramedLine[] {
  const lines: FramedLine[] = [];
  for (let r = reader.takeLine(max); r.kind === 'line'; r = reader.takeLine(max)) lines.push(r.line);
  return lines;
}

test('frames CRLF and bare LF lines and remembers which', () => {
  const reader = new FrameReader();
  reader.push(Buffer.from('220 ok\r\n250 bare\n'));
  const [a, b] = drain(reader);
  assert.equal(a?.bytes.toString(), '220 ok');
  assert.equal(a?.ending, 'crlf');
  assert.equal(b?.bytes.toString(), '250 bare');
  assert.equal(b?.ending, 'lf');
  assert.equal(b?.streamOffset, 8);
});

test('keeps a lone CR inside the line', () => {
  const reader = new FrameReader();
  reader.push(Buffer.from('250 a\rb\r\n'));
  assert.equal(drain(reader)[0]?.bytes.toString('latin1'), '250 a\rb');
});

test('joins a line split over many chunks, CR and LF in different chunks', () => {
  const reader = new FrameReader();
  for (const part of ['2', '50 spl', 'it\r', '\n']) reader.push(Buffer.from(part));
  const [line] = drain(reader);
  assert.equal(line?.bytes.toString(), '250 split');
  assert.equal(line?.ending, 'crlf');
});

test('reports a line over the limit instead of buffering it as a line', () => {
  const reader = new FrameReader();
  reader.push(Buffer.from('x'.repeat(20)));
  assert.deepEqual(reader.takeLine(10), { kind: 'too-long', length: 20 });
  const complete = new FrameReader();
  complete.push(Buffer.from(`${'y'.repeat(11)}\r\n`));
  assert.equal(complete.takeLine(10).kind, 'too-long');
});

test('takes exact byte counts across chunks and then resumes line framing', () => {
  const reader = new FrameReader();
  reader.push(Buffer.from('abc'));
  assert.equal(reader.takeBytes(5), undefined);
  reader.push(Buffer.from('de\r\nnext\r\n'));
  assert.equal(reader.takeBytes(5)?.toString(), 'abcde');
  assert.deepEqual(drain(reader).map((l) => l.bytes.toString()), ['', 'next']);
  assert.equal(reader.streamOffset, 13);
});

test('property: any chunking of a byte stream yields the same lines', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat({ max: 300 }), { maxLength: 10 }), (bytes, cuts) => {
      const whole = new FrameReader();
      whole.push(Buffer.from(bytes));
      const expected = drain(whole).map((l) => [Buffer.from(l.bytes).toString('hex'), l.ending, l.streamOffset]);
      const split = new FrameReader();
      const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
      let from = 0;
      const got: unknown[] = [];
      for (const point of [...points, bytes.length]) {
        split.push(Buffer.from(bytes.subarray(from, point)));
        from = point;
        got.push(...drain(split).map((l) => [Buffer.from(l.bytes).toString('hex'), l.ending, l.streamOffset]));
      }
      assert.deepEqual(got, expected);
    }),
  );
});
