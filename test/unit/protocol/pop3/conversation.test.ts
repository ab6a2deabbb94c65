import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Pop3Conversation } from '../../../../src/protocol/pop3/conversation.js';
import { encodeMultilineBody } from '../../../../src/protocol/pop3/multiline.js';
import type { Pop3Line, Pop3Response } from '../../../../src/protocol/pop3/pop3-response.js';
import { Pop3State } from '../../../../src/protocol/pop3/session-state.js';
import type { Violation } from '../../../../src/protocol/shared/violation.js';
import type { SessionTracker } from '../../../../src/script/adapter.js';
import { framedLine, framedLines } from '../../../helpers/framed-lines.js';

interface Played {
  readonly conversation: Pop3Conversation;
  readonly responses: Pop3Response[];
  readonly violations: Violation[];
}

/**
 * Plays a transcript: "C: x" sends x + CRLF, "S: x" receives x + CRLF; other lines (blank,
 * indented notes) are skipped. Every event's violations are collected.
 */
function play(script: string, conversation = new Pop3Conversation()): Played {
  const responses: Pop3Response[] = [];
  const violations: Violation[] = [];
  for (const raw of script.split('\n')) {
    const line = raw.trimStart();
    if (line.startsWith('C: ')) conversation.onSend(Buffer.from(`${line.slice(3)}\r\n`, 'latin1'));
    if (!line.startsWith('S: ') && line !== 'S:') continue;
    const event = conversation.onLine(framedLine(`${line.slice(3)}\r\n`));
    violations.push(...event.violations);
    if (event.response) responses.push(event.response);
  }
  return { conversation, responses, violations };
}

/** A message of exactly `octets` octets (CRLF counted as 2): a Subject, a blank line, filler lines. */
function makeMessage(octets: number, subject: string): string {
  const head = `Subject: ${subject}\r\n\r\n`;
  const body = 'x'.repeat(octets - head.length - 2);
  const message = `${head}${body}\r\n`;
  assert.equal(message.length, octets);
  return message;
}

/** "S: " lines carrying a message's stuffed body and terminator. */
function serverBody(message: string): string {
  const wire = encodeMultilineBody(Buffer.from(message, 'latin1')).toString('latin1');
  return wire.split('\r\n').slice(0, -1).map((l) => `S: ${l}`).join('\n');
}

const SEED_MESSAGE =
  'From: Bob <bob@example.org>\r\nTo: mrose@example.org\r\nSubject: Seed test\r\n\r\n.leading dot line\r\nPOP3 seed session body...\r\n';

describe('Pop3Conversation: sessions from the RFC and the seed document', () => {
  it('follows the seed POP3 session (USER/PASS/STAT/LIST/RETR/DELE/QUIT) without a violation', () => {
    assert.equal(SEED_MESSAGE.length, 120);
    const { conversation, responses, violations } = play(`
      S: +OK POP3 server ready
      C: USER mrose
      S: +OK User accepted
      C: PASS tanstaaf
      S: +OK Pass accepted
      C: STAT
      S: +OK 1 120
      C: LIST
      S: +OK 1 message (120 octets)
      S: 1 120
      S: .
      C: RETR 1
      S: +OK 120 octets
      ${serverBody(SEED_MESSAGE)}
      C: DELE 1
      S: +OK message 1 deleted
      C: QUIT
      S: +OK POP3 server signing off
    `);
    assert.deepEqual(violations, []);
    assert.deepEqual(
      responses.map((r) => [r.command.verb, r.status]),
      ['<greeting>', 'USER', 'PASS', 'STAT', 'LIST', 'RETR', 'DELE', 'QUIT'].map((v) => [v, '+OK']),
    );
    const retr = responses[5]!;
    assert.equal(retr.octets, 120);
    assert.equal(retr.lines[4]!.toString('latin1'), '.leading dot line');
    assert.equal(conversation.state, Pop3State.Update);
    assert.equal(conversation.awaitingLines(), false);
  });

  it('follows the RFC 1939 §10 example session (APOP, two messages)', () => {
    const { conversation, violations, responses } = play(`
      S: +OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>
      C: APOP mrose c4c9334bac560ecc979e58001b3e22fb
      S: +OK mrose's maildrop has 2 messages (320 octets)
      C: STAT
      S: +OK 2 320
      C: LIST
      S: +OK 2 messages (320 octets)
      S: 1 120
      S: 2 200
      S: .
      C: RETR 1
      S: +OK 120 octets
      ${serverBody(makeMessage(120, 'one'))}
      C: DELE 1
      S: +OK message 1 deleted
      C: RETR 2
      S: +OK 200 octets
      ${serverBody(makeMessage(200, 'two'))}
      C: DELE 2
      S: +OK message 2 deleted
      C: QUIT
      S: +OK dewey POP3 server signing off (maildrop empty)
    `);
    assert.deepEqual(violations, []);
    assert.equal(conversation.apopTimestamp, '<1896.697170952@dbc.mtview.ca.us>');
    assert.deepEqual(responses.map((r) => r.octets), [0, 0, 0, 14, 120, 0, 200, 0, 0]);
    assert.equal(conversation.state, Pop3State.Update);
  });

  it('accepts the command examples of RFC 1939 §§4-7', () => {
    const { violations, conversation } = play(`
      S: +OK POP3 server ready
      C: USER frated
      S: -ERR sorry, no mailbox for frated here
      C: USER mrose
      S: +OK mrose is a real hoopy frood
      C: PASS secret
      S: -ERR maildrop already locked
      C: USER mrose
      S: +OK mrose is a real hoopy frood
      C: PASS secret
      S: +OK mrose's maildrop has 2 messages (320 octets)
      C: LIST 2
      S: +OK 2 200
      C: LIST 3
      S: -ERR no such message, only 2 messages in maildrop
      C: UIDL
      S: +OK
      S: 1 whqtswO00WBw418f9t5JxYwZ
      S: 2 QhdPYR:00WBw1Ph7x7
      S: .
      C: UIDL 2
      S: +OK 2 QhdPYR:00WBw1Ph7x7
      C: UIDL 3
      S: -ERR no such message, only 2 messages in maildrop
      C: TOP 1 10
      S: +OK
      S: Subject: one
      S:
      S: first body line
      S: .
      C: TOP 100 3
      S: -ERR no such message
      C: NOOP
      S: +OK
      C: DELE 1
      S: +OK message 1 deleted
      C: DELE 1
      S: -ERR message 1 already deleted
      C: RSET
      S: +OK maildrop has 2 messages (320 octets)
      C: QUIT
      S: +OK dewey POP3 server signing off (2 messages left)
    `);
    assert.deepEqual(violations, []);
    assert.equal(conversation.state, Pop3State.Update);
  });

  it('accepts the APOP example of RFC 1939 §7', () => {
    const { violations, conversation } = play(`
      S: +OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>
      C: APOP mrose c4c9334bac560ecc979e58001b3e22fb
      S: +OK maildrop has 1 message (369 octets)
    `);
    assert.deepEqual(violations, []);
    assert.equal(conversation.state, Pop3State.Transaction);
  });

  it('closes without UPDATE on QUIT in AUTHORIZATION (§4 example)', () => {
    const { violations, conversation } = play(`
      S: +OK POP3 server ready
      C: QUIT
      S: +OK dewey POP3 server signing off
    `);
    assert.deepEqual(violations, []);
    assert.equal(conversation.state, Pop3State.Closed);
  });

  it('reads the RFC 2449 §5 CAPA example into capabilities, and its §8 resp-code example', () => {
    const { violations, conversation, responses } = play(`
      S: +OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>
      C: CAPA
      S: +OK Capability list follows
      S: TOP
      S: USER
      S: SASL CRAM-MD5 KERBEROS_V4
      S: RESP-CODES
      S: LOGIN-DELAY 900
      S: PIPELINING
      S: EXPIRE 60
      S: UIDL
      S: IMPLEMENTATION Shlemazle-Plotz-v302
      S: .
      C: APOP mrose c4c9334bac560ecc979e58001b3e22fb
      S: -ERR [IN-USE] Do you have another POP session running?
    `);
    assert.deepEqual(violations, []);
    assert.deepEqual(conversation.capabilities?.get('SASL'), ['CRAM-MD5', 'KERBEROS_V4']);
    assert.deepEqual(conversation.capabilities?.get('LOGIN-DELAY'), ['900']);
    assert.equal(conversation.capabilities?.size, 9);
    assert.deepEqual(responses[2]!.codes, ['IN-USE']);
    assert.equal(conversation.state, Pop3State.Authorization);
  });
});

describe('Pop3Conversation: framing and bookkeeping', () => {
  it('is a SessionTracker for the transcript engine (structural typing, no import from script/ in src)', () => {
    const tracker: SessionTracker<Pop3Line> = new Pop3Conversation();
    assert.equal(tracker.awaitingLines(), true);
    assert.equal(tracker.describeState(), 'AUTHORIZATION');
  });

  it('matches pipelined commands to responses in order, reading each multi-line body whole', () => {
    const conversation = new Pop3Conversation();
    play('S: +OK hi\nC: USER a\nS: +OK\nC: PASS b\nS: +OK', conversation);
    conversation.onSend(Buffer.from('STAT\r\nLIST\r\nUIDL 1\r\nRETR 1\r\nNOOP\r\n'));
    const wire = '+OK 1 4\r\n+OK\r\n1 4\r\n.\r\n+OK 1 u1\r\n+OK\r\n...\r\n.\r\n+OK\r\n';
    const responses = framedLines(wire).flatMap((l) => conversation.onLine(l).response ?? []);
    assert.deepEqual(responses.map((r) => r.command.verb), ['STAT', 'LIST', 'UIDL', 'RETR', 'NOOP']);
    assert.deepEqual(responses.flatMap((r) => r.violations), []);
    assert.equal(responses[3]!.lines[0]!.toString(), '..');
    assert.equal(conversation.awaitingLines(), false);
  });

  it('keeps a bare LF inside a client line: only CRLF ends a command', () => {
    const conversation = new Pop3Conversation();
    conversation.onLine(framedLine('+OK\r\n'));
    conversation.onSend(Buffer.from('NOOP\nNOOP\r\n'));
    conversation.onLine(framedLine('-ERR bad command\r\n'));
    assert.equal(conversation.awaitingLines(), false);
  });

  it('reports a line nobody asked for (response.unsolicited)', () => {
    const { violations } = play('S: +OK hi\nS: +OK extra');
    assert.deepEqual(violations.map((v) => [v.rule, v.ref.section, v.offset]), [['response.unsolicited', '5', 0]]);
  });

  it('redacts the PASS argument in the command it remembers', () => {
    const { responses } = play('S: +OK\nC: USER a\nS: +OK\nC: PASS top secret\nS: +OK');
    assert.deepEqual(responses[2]!.command, { verb: 'PASS', args: ['<redacted>'] });
  });

  it('owes the rest of a body until its terminator; at close the body comes back cut, with the violation', () => {
    const conversation = new Pop3Conversation();
    play('S: +OK\nC: USER a\nS: +OK\nC: PASS b\nS: +OK\nC: RETR 1\nS: +OK\nS: line one', conversation);
    assert.equal(conversation.awaitingLines(), true);
    assert.match(conversation.describeState(), /RETR body/);
    const cut = conversation.onClose(Buffer.from('partial'));
    assert.ok(cut);
    assert.equal(cut.complete, false);
    assert.deepEqual(cut.lines.map(String), ['line one']);
    // "+OK\r\n" 5 + "line one\r\n" 10: the "." line was due at 15.
    assert.deepEqual(cut.violations.map((v) => [v.rule, v.ref.section, v.offset, v.received]), [['multi-line.terminator', '3', 15, 'partial']]);
    assert.equal(conversation.state, Pop3State.Closed);
  });

  it('returns nothing at close when no body was open', () => {
    const conversation = new Pop3Conversation();
    conversation.onLine(framedLine('+OK\r\n'));
    conversation.onSend(Buffer.from('NOOP\r\n'));
    assert.equal(conversation.onClose(), undefined);
  });

  it('reports +OK to a command given in the wrong state (command.state, §3)', () => {
    const { violations, conversation } = play('S: +OK\nC: STAT\nS: +OK 0 0\nC: USER a\nS: +OK\nC: PASS b\nS: +OK\nC: USER c\nS: +OK');
    assert.deepEqual(violations.map((v) => [v.rule, v.ref.section, v.level, v.offset]), [
      ['command.state', '3', 'MUST', 0],
      ['command.state', '3', 'MUST', 0],
    ]);
    assert.equal(conversation.state, Pop3State.Transaction);
  });

  it('reports +OK to PASS without a successful USER right before it (§7)', () => {
    const { violations } = play('S: +OK\nC: USER a\nS: -ERR who\nC: PASS b\nS: +OK');
    assert.deepEqual(violations.map((v) => [v.rule, v.ref.section, v.offset]), [['PASS.after-USER', '7', 0]]);
  });

  it('reports a -ERR greeting and closes the session', () => {
    const { violations, conversation } = play('S: -ERR too busy');
    assert.deepEqual(violations.map((v) => v.rule), ['greeting.positive']);
    assert.equal(conversation.state, Pop3State.Closed);
  });
});

describe('the greeting grammar', () => {
  it('owes no SP after +OK (greeting = "+OK" [resp-code] *gchar ..., RFC 2449 §3), unlike a single-line response', () => {
    const greeting = play('S: +OKready');
    assert.deepEqual(greeting.violations.map((v) => v.rule), []);
    const reply = play('S: +OK ready\nC: NOOP\nS: +OKfine');
    assert.ok(reply.violations.some((v) => v.rule === 'status.separator' && v.offset === 3));
  });
});
