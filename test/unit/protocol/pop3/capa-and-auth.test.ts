import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Pop3Conversation } from '../../../../src/protocol/pop3/conversation.js';
import { parseCapabilities } from '../../../../src/protocol/pop3/parse-capa.js';
import { Pop3State } from '../../../../src/protocol/pop3/session-state.js';
import { framedLine } from '../../../helpers/framed-lines.js';

/** Capability lines as CAPA's body would carry them, each at its response offset after "+OK\r\n". */
function capabilities(...lines: string[]) {
  const buffers = lines.map((l) => Buffer.from(l, 'latin1'));
  const offsets: number[] = [];
  let at = 5;
  for (const b of buffers) {
    offsets.push(at);
    at += b.length + 2;
  }
  return parseCapabilities(buffers, offsets);
}
const located = (...lines: string[]) => capabilities(...lines).violations.map((v) => [v.rule, `${v.ref.rfc} §${v.ref.section}`, v.level, v.offset]);

describe('parseCapabilities (RFC 2449 §3, §5)', () => {
  it('upper-cases tags and keeps the first parameters of a repeated tag', () => {
    const result = capabilities('sasl PLAIN', 'SASL LOGIN', 'top');
    assert.deepEqual([...result.capabilities], [
      ['SASL', ['PLAIN']],
      ['TOP', []],
    ]);
    assert.deepEqual(result.violations, []);
  });

  it('reports a tag with "." or a control, and a line without a tag', () => {
    assert.deepEqual(located('X.Y'), [['capability.tag', '2449 §3', 'MUST', 6]]);
    assert.deepEqual(located('TOP', 'A\x01B'), [['capability.tag', '2449 §3', 'MUST', 11]]);
    assert.deepEqual(located(' TOP'), [['capability.tag', '2449 §3', 'MUST', 5]]);
  });

  it('reports a doubled or trailing SP and a non-VCHAR param', () => {
    assert.deepEqual(located('SASL  PLAIN'), [['capability.param', '2449 §3', 'MUST', 9]]);
    assert.deepEqual(located('SASL PLAIN '), [['capability.param', '2449 §3', 'MUST', 15]]);
    assert.deepEqual(located('SASL PL\xe9IN'), [['capability.param', '2449 §3', 'MUST', 12]]);
  });

  it('reports a capability line over 512 octets including CRLF', () => {
    assert.deepEqual(located(`X-LONG ${'p'.repeat(510 - 7)}`), []);
    assert.deepEqual(located(`X-LONG ${'p'.repeat(511 - 7)}`), [['capability.length', '2449 §5', 'MUST', 515]]);
  });
});

describe('AUTH exchanges (RFC 5034)', () => {
  it('reads AUTH challenges as continuations and owes the final response (RFC 5034)', () => {
    const conversation = new Pop3Conversation();
    conversation.onLine(framedLine('+OK\r\n'));
    conversation.onSend(Buffer.from('AUTH PLAIN\r\n'));
    const challenge = conversation.onLine(framedLine('+ \r\n'));
    assert.equal(challenge.parsed.kind, 'continuation');
    assert.equal(challenge.response, undefined);
    assert.equal(conversation.awaitingLines(), true);
    conversation.onSend(Buffer.from('AHRlc3QAdGVzdA==\r\n'));
    const done = conversation.onLine(framedLine('+OK maildrop locked and ready\r\n'));
    assert.equal(done.response?.command.verb, 'AUTH');
    assert.deepEqual(done.violations, []);
    assert.equal(conversation.state, Pop3State.Transaction);
    assert.equal(conversation.awaitingLines(), false);
  });

  it('reports malformed challenges: no SP, non-base64, misplaced padding', () => {
    const conversation = new Pop3Conversation();
    conversation.onLine(framedLine('+OK\r\n'));
    conversation.onSend(Buffer.from('AUTH CRAM-MD5\r\n'));
    const rules = (line: string) => conversation.onLine(framedLine(line)).violations.map((v) => [v.rule, v.ref.section, v.offset]);
    assert.deepEqual(rules('+\r\n'), [['continue-req.separator', '5', 1]]);
    assert.deepEqual(rules('+ PDE4OTYuNjk3MTcwOTUy!\r\n'), [['continue-req.base64', '4', 22]]);
    assert.deepEqual(rules('+ AB=C\r\n'), [['continue-req.base64', '4', 4]]);
    assert.deepEqual(rules('+ ABC\r\n'), [['continue-req.base64', '4', 5]]);
  });

});
