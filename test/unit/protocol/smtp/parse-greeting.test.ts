import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkGreeting, findHostSyntaxError } from '../../../../src/protocol/smtp/parse-greeting.js';
import { SmtpReplyAssembler, type SmtpReply } from '../../../../src/protocol/smtp/reply-assembler.js';
import { framedLines } from '../../../helpers/framed-lines.js';

function replyOf(text: string): SmtpReply {
  const assembler = new SmtpReplyAssembler();
  for (const line of framedLines(text)) {
    const reply = assembler.push(line);
    if (reply !== undefined) return reply;
  }
  throw new Error(`no complete reply in ${JSON.stringify(text)}`);
}

function greetingViolations(text: string): [string, string, string, number][] {
  return checkGreeting(replyOf(text)).map((v) => [v.rule, v.ref.section, v.level, v.offset]);
}

describe('checkGreeting', () => {
  const valid = [
    '220 mail.example.test ESMTP Postfix\r\n',
    '220 ISIF.USC.EDU Service ready\r\n',
    '220 [10.0.0.1] Clueless host service ready\r\n',
    '220 [IPv6:2001:db8::1] ready\r\n',
    '220 localhost\r\n',
    '220-mail.example.test ESMTP\r\n220-\r\n220 second banner line\r\n',
    '554 No SMTP service here\r\n',
    '421 mail.example.test Too many connections\r\n',
    '554\r\n',
  ];
  for (const text of valid) {
    it(`accepts ${JSON.stringify(text)}`, () => assert.deepEqual(greetingViolations(text), []));
  }

  it('reports a greeting code other than 220, 554 or 421 (SHOULD, §4.3.2)', () => {
    assert.deepEqual(greetingViolations('250 mail.example.test hello\r\n'), [['Greeting.code', '4.3.2', 'SHOULD', 0]]);
    assert.deepEqual(greetingViolations('450 busy\r\n'), [['Greeting.code', '4.3.2', 'SHOULD', 0]]);
  });

  it('leaves a code that is not three digits to the Reply-code check', () => {
    const reply = replyOf('2x0 hello\r\n');
    assert.deepEqual(checkGreeting(reply), []);
    assert.equal(reply.violations[0]?.rule, 'Reply-code.digits');
  });

  const badHosts: [string, string, number][] = [
    ['no name at all', '220 \r\n', 4],
    ['a bare 220', '220\r\n', 3],
    ['text instead of a name', '220 Welcome!\r\n', 11],
    ['an underscore', '220 mail_1.example.test\r\n', 8],
    ['a trailing hyphen', '220 mail-.example.test\r\n', 8],
    ['an empty label', '220 mail..example.test\r\n', 9],
    // The offset is where a Let-dig was expected: after the final ".".
    ['a trailing dot', '220 mail.example.test.\r\n', 22],
    ['a leading hyphen', '220-mail.-x.test\r\n220 ok\r\n', 9],
    ['a tab after the name', '220 mail.example.test\tESMTP\r\n', 21],
    ['an IPv4 octet over 255', '220 [10.0.0.256] hi\r\n', 5],
    ['an unclosed literal', '220 [10.0.0.1 hi\r\n', 13],
    ['a bad IPv6 literal', '220 [IPv6:2001:db8:::1]\r\n', 5],
  ];
  for (const [what, text, offset] of badHosts) {
    it(`reports a 220 greeting with ${what} at offset ${offset}`, () => {
      assert.deepEqual(greetingViolations(text), [['Greeting.domain', '4.2', 'MUST', offset]]);
    });
  }

  it('does not check the name of a 554 or 421 greeting (they follow Reply-line)', () => {
    assert.deepEqual(greetingViolations('554 Go away!\r\n'), []);
    assert.deepEqual(greetingViolations('421 Service not available\r\n'), []);
  });

  it('does not repeat a bad separator as a bad name', () => {
    assert.deepEqual(greetingViolations('220mail.example.test\r\n'), []);
  });
});

describe('findHostSyntaxError (Domain / address-literal, §4.1.2 and §4.1.3)', () => {
  const valid = [
    'example',
    'a',
    '0',
    'mail.example.test',
    'xn--bcher-kva.example',
    '1-2.3com',
    '[0.0.0.0]',
    '[255.255.255.255]',
    '[010.1.1.1]',
    '[IPv6:2001:db8:0:0:0:0:0:1]',
    '[IPv6:::]',
    '[IPv6:::1]',
    '[IPv6:fe80::]',
    '[IPv6:1:2:3::4:5:6]',
    '[ipv6:ABCD::ef]',
    '[IPv6:1:2:3:4:5:6:1.2.3.4]',
    '[IPv6:::ffff:192.0.2.1]',
    '[IPv6:1:2:3::4:1.2.3.4]',
    '[IPv6:1::1.2.3.4]',
    '[X-tag:any!thing]',
    // Standardized-tag = Ldh-str, which (unlike sub-domain) may start with "-".
    '[-tag:x]',
  ];
  for (const host of valid) {
    it(`accepts ${host}`, () => assert.equal(findHostSyntaxError(host), undefined));
  }

  const invalid = [
    '',
    '-a',
    'a-',
    'a..b',
    '.a',
    'a.',
    'a_b',
    'ex ample',
    '[]',
    '[1.2.3]',
    '[1.2.3.4.5]',
    '[1.2.3.1000]',
    '[IPv6:1:2:3:4:5:6:7]',
    '[IPv6:1:2:3:4:5:6:7:8:9]',
    '[IPv6:1:2:3:4::5:6:7]',
    '[IPv6:1::2::3]',
    '[IPv6:12345::]',
    '[IPv6:g::]',
    '[IPv6:1:2:3:4:5::1.2.3.4]',
    '[IPv6:1:2:3:4:5:1.2.3.4]',
    '[IPv6:::1.2.3]',
    '[tag:]',
    '[tag:a]b]',
    '[tag:a\\b]',
  ];
  for (const host of invalid) {
    it(`rejects ${JSON.stringify(host)}`, () => assert.notEqual(findHostSyntaxError(host), undefined));
  }
});
