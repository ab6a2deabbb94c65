import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { MAX_TEXT_LINE_OCTETS, deliveryBodyArbitrary, hasEightBit, toSevenBit } from '../../../src/fuzz/delivery/delivery-body.js';
import { composeDeliveryMessage, markerLine } from '../../../src/fuzz/delivery/delivery-message.js';

const ADDRESSES = { client: 'c.test', from: 'a@c.test', rcpt: 'alice@example.test', domain: 'example.test' };

test('generated bodies are valid message text: no CR, LF or NUL, lines of at most 998 octets', () => {
  fc.assert(
    fc.property(deliveryBodyArbitrary, (body) => {
      for (const line of body) {
        assert.ok(!/[\r\n\0]/.test(line), JSON.stringify(line));
        assert.ok(line.length <= MAX_TEXT_LINE_OCTETS, `${line.length} octets`);
        assert.ok(/^[\x01-\xff]*$/.test(line));
      }
    }),
    { seed: 1, numRuns: 300 },
  );
});

test('the stress cases all come up: dot-lines, empty last lines, 998-octet lines, trailing blanks, many lines, 8-bit', () => {
  const bodies = fc.sample(deliveryBodyArbitrary, { seed: 7, numRuns: 500 });
  const some = (what: string, ok: (body: readonly string[]) => boolean): void => assert.ok(bodies.some(ok), what);
  some('a line that is only "."', (b) => b.includes('.'));
  some('a line starting with ".."', (b) => b.some((l) => l.startsWith('..')));
  some('a line " ."', (b) => b.includes(' .'));
  some('an empty last line', (b) => b.at(-1) === '');
  some('an empty body', (b) => b.length === 0);
  some('a 998-octet line', (b) => b.some((l) => l.length === MAX_TEXT_LINE_OCTETS));
  some('trailing whitespace', (b) => b.some((l) => /[ \t]$/.test(l)));
  some('hundreds of lines', (b) => b.length >= 100);
  some('8-bit octets', hasEightBit);
});

test('toSevenBit turns each 8-bit octet into the same printable 7-bit one, and leaves the rest', () => {
  const body = ['caf\xe9 \x8d\x8a\x80', '.plain'];
  const seven = toSevenBit(body);
  assert.equal(hasEightBit(seven), false);
  assert.equal(seven[1], '.plain');
  assert.ok(/^caf[\x20-\x5f] [\x20-\x5f]{3}$/.test(seven[0]!), JSON.stringify(seven[0]));
  assert.deepEqual(toSevenBit(body), seven);
});

test('the message: marker first, complete headers, CRLF lines, 8-bit labelled', () => {
  const message = composeDeliveryMessage('tok-1', ADDRESSES, ['.x', ''], new Date(Date.UTC(2026, 0, 2, 3, 4, 5)));
  const text = message.bytes.toString('latin1');
  assert.equal(text.slice(text.indexOf('\r\n\r\n') + 4), '.x\r\n\r\n', 'the body after the first empty line, its own empty last line kept');
  assert.ok(message.headers[0]!.equals(markerLine('tok-1')));
  const headers = message.headers.map(String);
  assert.ok(headers.includes('Date: Fri, 02 Jan 2026 03:04:05 +0000'));
  assert.ok(headers.includes('Message-ID: <tok-1@mailconform.test>'));
  assert.ok(headers.includes('Content-Transfer-Encoding: 7bit'));
  assert.equal(message.eightBit, false);
  const eight = composeDeliveryMessage('tok-2', ADDRESSES, ['\xe9t\xe9'], new Date(0));
  assert.equal(eight.eightBit, true);
  assert.ok(eight.headers.map(String).includes('Content-Transfer-Encoding: 8bit'));
  assert.ok(eight.body[0]!.equals(Buffer.from([0xe9, 0x74, 0xe9])));
});
