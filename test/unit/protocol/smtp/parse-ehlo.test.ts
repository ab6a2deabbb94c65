import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseEhloReply } from '../../../../src/protocol/smtp/parse-ehlo.js';
import { SmtpReplyAssembler, type SmtpReply } from '../../../../src/protocol/smtp/reply-assembler.js';
import { framedLines } from '../../../helpers/framed-lines.js';

function replyOf(lines: string[]): SmtpReply {
  const assembler = new SmtpReplyAssembler();
  for (const line of framedLines(lines.map((l) => `${l}\r\n`).join(''))) {
    const reply = assembler.push(line);
    if (reply !== undefined) return reply;
  }
  throw new Error('no complete reply');
}

const POSTFIX = [
  '250-mail.example.test',
  '250-PIPELINING',
  '250-SIZE 10240000',
  '250-VRFY',
  '250-ETRN',
  '250-ENHANCEDSTATUSCODES',
  '250-8BITMIME',
  '250-DSN',
  '250-SMTPUTF8',
  '250 CHUNKING',
];

describe('parseEhloReply', () => {
  it('reads a Postfix EHLO reply without any violation', () => {
    const reply = replyOf(POSTFIX);
    assert.deepEqual(reply.violations, []);
    const ehlo = parseEhloReply(reply);
    assert.deepEqual(ehlo.violations, []);
    assert.equal(ehlo.domain, 'mail.example.test');
    assert.equal(ehlo.greet, '');
    assert.deepEqual(
      [...ehlo.keywords],
      [
        ['PIPELINING', []],
        ['SIZE', ['10240000']],
        ['VRFY', []],
        ['ETRN', []],
        ['ENHANCEDSTATUSCODES', []],
        ['8BITMIME', []],
        ['DSN', []],
        ['SMTPUTF8', []],
        ['CHUNKING', []],
      ],
    );
  });

  it('reads a single-line reply with a greeting', () => {
    const ehlo = parseEhloReply(replyOf(['250 mx.example.test Hello client.example [192.0.2.1]']));
    assert.deepEqual(ehlo.violations, []);
    assert.equal(ehlo.domain, 'mx.example.test');
    assert.equal(ehlo.greet, 'Hello client.example [192.0.2.1]');
    assert.equal(ehlo.keywords.size, 0);
  });

  it('uppercases keywords (they are case-insensitive) and keeps params as sent', () => {
    const ehlo = parseEhloReply(replyOf(['250-mx.example.test', '250-auth PLAIN login', '250 Size 100']));
    assert.deepEqual(ehlo.violations, []);
    assert.deepEqual(ehlo.keywords.get('AUTH'), ['PLAIN', 'login']);
    assert.deepEqual(ehlo.keywords.get('SIZE'), ['100']);
  });

  it('accepts an address literal as the server name', () => {
    assert.deepEqual(parseEhloReply(replyOf(['250-[192.0.2.1]', '250 DSN'])).violations, []);
  });

  it('ignores a reply that is not 250', () => {
    const ehlo = parseEhloReply(replyOf(['502 Command not implemented']));
    assert.deepEqual(ehlo, { domain: '', greet: '', keywords: new Map(), violations: [] });
  });

  it('reports a bad server name at its offset', () => {
    const ehlo = parseEhloReply(replyOf(['250-mail_x.example', '250 DSN']));
    assert.deepEqual(
      ehlo.violations.map((v) => [v.rule, v.ref.section, v.level, v.offset]),
      [['ehlo-ok-rsp.domain', '4.1.1.1', 'MUST', 8]],
    );
  });

  it('reports a bad keyword, located in the reply', () => {
    // Line 1 is 21 + 2 bytes; "AUTH=PLAIN" starts at 23 + 4, its "=" at 27 + 4.
    const ehlo = parseEhloReply(replyOf(['250-mail.example.test', '250-AUTH=PLAIN LOGIN', '250 DSN']));
    assert.deepEqual(
      ehlo.violations.map((v) => [v.rule, v.ref.section, v.level, v.offset, v.received]),
      [['ehlo-keyword', '4.1.1.1', 'MUST', 31, '=']],
    );
    assert.deepEqual(ehlo.keywords.get('AUTH=PLAIN'), ['LOGIN']);
  });

  it('reports a keyword starting with "-" and an empty keyword line', () => {
    const ehlo = parseEhloReply(replyOf(['250-a.test', '250--X', '250 ']));
    assert.deepEqual(
      ehlo.violations.map((v) => [v.rule, v.offset]),
      [
        ['ehlo-keyword', 16],
        ['ehlo-keyword', 24],
      ],
    );
  });

  it('reports an empty param (double or trailing SP) at the SP', () => {
    const ehlo = parseEhloReply(replyOf(['250-a.test', '250-SIZE  100', '250 DSN ']));
    assert.deepEqual(
      ehlo.violations.map((v) => [v.rule, v.offset]),
      [
        ['ehlo-param', 20],
        ['ehlo-param', 34],
      ],
    );
    assert.deepEqual(ehlo.keywords.get('SIZE'), ['100']);
  });

  it('reports a control character in a param', () => {
    const ehlo = parseEhloReply(replyOf(['250-a.test', '250 AUTH PLAIN\tLOGIN']));
    assert.deepEqual(
      ehlo.violations.map((v) => [v.rule, v.offset, v.received]),
      [['ehlo-param', 26, '\\t']],
    );
  });
});
