import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { frameResponses, ImapResponseFramer, readLiteralAnnouncement } from '../../../../src/protocol/imap/response-framer.js';
import { framedLine } from '../../../helpers/framed-lines.js';
import { latin1, located, parseWire, rules } from './parse-wire.js';

const texts = (wire: string): string[][] =>
  frameResponses(latin1(wire)).responses.map((r) => r.raw.parts.map((p) => `${p.kind}:${p.bytes.toString('latin1')}`));

describe('ImapResponseFramer', () => {
  it('completes a response at a line without a literal', () => {
    const framer = new ImapResponseFramer();
    const step = framer.pushLine(framedLine('* 3 EXISTS\r\n'));
    assert.ok(step.kind === 'response');
    assert.deepEqual(step.response.raw.parts, [{ kind: 'text', bytes: latin1('* 3 EXISTS'), ending: 'crlf' }]);
    assert.equal(step.response.raw.length, 12);
    assert.deepEqual(step.response.violations, []);
  });

  it('asks for exactly the announced octets, then for the line that continues the response', () => {
    const framer = new ImapResponseFramer();
    assert.deepEqual(framer.pushLine({ bytes: latin1('* 1 FETCH (BODY[] {5}'), ending: 'crlf', streamOffset: 40 }), { kind: 'need-literal', length: 5 });
    assert.deepEqual(framer.expecting, { kind: 'need-literal', length: 5 });
    assert.throws(() => framer.pushLine(framedLine(')\r\n')), /literal of 5 octets is due/);
    assert.throws(() => framer.pushLiteral(latin1('abcd')), /must be 5 octets/);
    assert.deepEqual(framer.pushLiteral(latin1('a\r\nbc')), { kind: 'need-line' });
    const step = framer.pushLine(framedLine(')\r\n'));
    assert.ok(step.kind === 'response');
    assert.deepEqual(step.response.raw.parts.map((p) => p.kind), ['text', 'literal', 'text']);
    assert.equal(step.response.raw.length, 23 + 5 + 3);
    assert.equal(step.response.raw.streamOffset, 40);
  });

  it('frames several literals in one response, and a response after it', () => {
    assert.deepEqual(texts('* 1 FETCH (A {1}\r\nx B {0}\r\n C {2}\r\n\r\n)\r\na1 OK done\r\n'), [
      ['text:* 1 FETCH (A {1}', 'literal:x', 'text: B {0}', 'literal:', 'text: C {2}', 'literal:\r\n', 'text:)'],
      ['text:a1 OK done'],
    ]);
  });

  it('reads a trailing "{n}" in resp-text as text, but as a literal inside a response code (BADCHARSET)', () => {
    assert.deepEqual(texts('a1 NO size {5}\r\n+ more {2}\r\n* BYE {1}\r\n'), [['text:a1 NO size {5}'], ['text:+ more {2}'], ['text:* BYE {1}']]);
    assert.deepEqual(texts('a1 NO [BADCHARSET ("a]" {5}\r\nUTF-8)] x {3}\r\n'), [['text:a1 NO [BADCHARSET ("a]" {5}', 'literal:UTF-8', 'text:)] x {3}']]);
    assert.deepEqual(texts('a1 NO [ALERT] {3}\r\n'), [['text:a1 NO [ALERT] {3}']]);
  });

  it('frames "{n+}" like "{n}" to stay in step (the tokenizer reports it)', () => {
    assert.deepEqual(readLiteralAnnouncement(latin1('BODY[] {12+}')), { length: 12, offset: 7 });
    assert.deepEqual(readLiteralAnnouncement(latin1('x {}')), undefined);
    assert.deepEqual(readLiteralAnnouncement(latin1('x 5}')), undefined);
    assert.deepEqual(texts('* 1 FETCH (BODY[] {2+}\r\nab)\r\n'), [['text:* 1 FETCH (BODY[] {2+}', 'literal:ab', 'text:)']]);
  });

  it('reports a bare LF at the octet where the CR was due (CRLF, §2.2)', () => {
    const { responses } = frameResponses(latin1('* 1 FETCH (BODY[] {1}\nx)\r\n'));
    assert.deepEqual(located(responses[0]!.violations), [['CRLF', '2.2', 21]]);
    assert.deepEqual(located(parseWire('a1 OK done\n').violations), [['CRLF', '2.2', 10]]);
  });

  it('truncates at a literal over maxLiteralSize or past maxParts (limit.*)', () => {
    const big = frameResponses(latin1('* 1 FETCH (BODY[] {11}\r\nhello world)\r\n'), { maxLiteralSize: 10 });
    assert.equal(big.responses.length, 1);
    assert.equal(big.responses[0]!.truncated, true);
    assert.deepEqual(big.responses[0]!.violations.map((v) => [v.rule, v.level, v.offset]), [['limit.literal-size', 'MAY', 18]]);
    const many = frameResponses(latin1('* 1 FETCH (A {1}\r\nx B {1}\r\ny)\r\n'), { maxParts: 4 });
    assert.deepEqual(rules(many.responses[0]!.violations), ['limit.parts']);
    assert.deepEqual(many.responses[0]!.raw.parts.length, 3);
  });

  it('leaves an incomplete response in rest', () => {
    const { responses, rest } = frameResponses(latin1('a1 OK x\r\n* 1 FETCH (BODY[] {10}\r\nabc'));
    assert.equal(responses.length, 1);
    assert.equal(rest.toString('latin1'), 'abc');
  });
});
