import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkGreeting } from '../../../../src/protocol/pop3/greeting.js';
import { parseStatusLine } from '../../../../src/protocol/pop3/parse-status-line.js';
import { framedLine } from '../../../helpers/framed-lines.js';

const check = (text: string) => checkGreeting(parseStatusLine(framedLine(text)).line);
const located = (text: string) => check(text).violations.map((v) => [v.rule, `${v.ref.rfc} §${v.ref.section}`, v.level, v.offset]);

describe('checkGreeting', () => {
  it('accepts the RFC 1939 §4 greeting, which has no APOP timestamp', () => {
    assert.deepEqual(check('+OK POP3 server ready\r\n'), { apopTimestamp: undefined, violations: [] });
  });

  it('extracts the APOP timestamp of RFC 1939 §7, angle brackets included', () => {
    assert.deepEqual(check('+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n'), {
      apopTimestamp: '<1896.697170952@dbc.mtview.ca.us>',
      violations: [],
    });
  });

  it('accepts a resp-code before the banner (RFC 2449 §3 greeting)', () => {
    assert.deepEqual(check('+OK [SYS/TEMP] ready <1.2@h>\r\n').violations, []);
  });

  it('reports a -ERR greeting (RFC 1939 §4: "any positive response")', () => {
    assert.deepEqual(located('-ERR too many connections\r\n'), [['greeting.positive', '1939 §4', 'MUST', 0]]);
  });

  it('reports a "<" never closed, and extracts nothing', () => {
    const result = check('+OK ready <1896.697@host\r\n');
    assert.equal(result.apopTimestamp, undefined);
    assert.deepEqual(located('+OK ready <1896.697@host\r\n'), [['greeting.timestamp', '1939 §7', 'MUST', 10]]);
  });

  it('reports a timestamp that is not an RFC 822 msg-id, but still extracts it for APOP', () => {
    const result = check('+OK ready <nodomain>\r\n');
    assert.equal(result.apopTimestamp, '<nodomain>');
    assert.deepEqual(located('+OK ready <nodomain>\r\n'), [['greeting.timestamp', '1939 §7', 'MUST', 19]]);
    assert.deepEqual(located('+OK ready <a b@c>\r\n'), [['greeting.timestamp', '1939 §7', 'MUST', 12]]);
    assert.deepEqual(located('+OK ready <a..b@c>\r\n'), [['greeting.timestamp', '1939 §7', 'MUST', 11]]);
  });

  it('accepts quoted local-parts and domain literals in the msg-id', () => {
    assert.deepEqual(located('+OK <"x.y"@[10.0.0.1]>\r\n'), []);
  });

  it('reports a second "<" (gchar excludes "<", RFC 2449 §3)', () => {
    assert.deepEqual(located('+OK <1@h> and <2@h>\r\n'), [['greeting.gchar', '2449 §3', 'MUST', 14]]);
  });
});
