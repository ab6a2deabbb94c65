import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Pop3Conversation } from '../../../../src/protocol/pop3/conversation.js';
import type { Violation } from '../../../../src/protocol/shared/violation.js';
import { framedLine } from '../../../helpers/framed-lines.js';

/** A conversation in TRANSACTION after USER/PASS. */
function loggedIn(): Pop3Conversation {
  const conversation = new Pop3Conversation();
  run(conversation, 'S: +OK ready\nC: USER mrose\nS: +OK\nC: PASS tanstaaf\nS: +OK');
  return conversation;
}

/** Plays "C: x" / "S: x" lines (CRLF added; "S:" alone is an empty line); returns every violation. */
function run(conversation: Pop3Conversation, script: string): Violation[] {
  const violations: Violation[] = [];
  for (const raw of script.split('\n')) {
    const line = raw.trimStart();
    if (line.startsWith('C: ')) conversation.onSend(Buffer.from(`${line.slice(3)}\r\n`, 'latin1'));
    if (line.startsWith('S: ') || line === 'S:') violations.push(...conversation.onLine(framedLine(`${line.slice(3)}\r\n`)).violations);
  }
  return violations;
}

/** [rule, "rfc §section", level, offset] of each violation a script produces after login. */
const located = (script: string, conversation = loggedIn()) =>
  run(conversation, script).map((v) => [v.rule, `${v.ref.rfc} §${v.ref.section}`, v.level, v.offset]);

describe('STAT drop listing (RFC 1939 §5)', () => {
  it('accepts "+OK nn mm"', () => {
    assert.deepEqual(located('C: STAT\nS: +OK 2 320'), []);
  });

  it('reports a missing size, a non-number, a number running into text', () => {
    assert.deepEqual(located('C: STAT\nS: +OK 2'), [['STAT.format', '1939 §5', 'MUST', 5]]);
    assert.deepEqual(located('C: STAT\nS: +OK two 320'), [['STAT.format', '1939 §5', 'MUST', 4]]);
    assert.deepEqual(located('C: STAT\nS: +OK 2 320octets'), [['STAT.format', '1939 §5', 'MUST', 9]]);
    assert.deepEqual(located('C: STAT\nS: +OK  2 320'), [['STAT.format', '1939 §5', 'MUST', 4]]);
  });

  it('allows, but flags as SHOULD, information after the size ("STRONGLY discourages")', () => {
    assert.deepEqual(located('C: STAT\nS: +OK 2 320 (2 messages)'), [['STAT.extra-information', '1939 §5', 'SHOULD', 9]]);
  });

  it('does not judge the format of a -ERR', () => {
    assert.deepEqual(located('C: STAT\nS: -ERR not now'), []);
  });
});

describe('LIST scan listings (RFC 1939 §5)', () => {
  it('reports a malformed scan listing at its byte, response-relative', () => {
    // "+OK\r\n" 5, "1 120\r\n" 7: the second listing starts at 12, its doubled SP at 14.
    assert.deepEqual(located('C: LIST\nS: +OK\nS: 1 120\nS: 2  200\nS: .'), [['LIST.format', '1939 §5', 'MUST', 14]]);
    assert.deepEqual(located('C: LIST\nS: +OK\nS: 0 120\nS: .'), [['LIST.format', '1939 §5', 'MUST', 5]]);
    assert.deepEqual(located('C: LIST\nS: +OK\nS: 1 120 Subject: hi\nS: .'), [['LIST.extra-information', '1939 §5', 'SHOULD', 10]]);
  });

  it('checks LIST n\'s single line and that it is about message n', () => {
    assert.deepEqual(located('C: LIST 2\nS: +OK 2 200'), []);
    assert.deepEqual(located('C: LIST 2\nS: +OK 200'), [['LIST.format', '1939 §5', 'MUST', 7]]);
    assert.deepEqual(located('C: LIST 2\nS: +OK 3 200'), [['LIST.msg-number', '1939 §5', 'MUST', 4]]);
  });
});

describe('UIDL unique-id listings (RFC 1939 §7)', () => {
  it('reports a unique-id over 70 octets at its 71st octet', () => {
    const uid = 'u'.repeat(71);
    // "+OK\r\n" 5, "1 " 2: the unique-id starts at 7, its 71st octet at 77.
    assert.deepEqual(located(`C: UIDL\nS: +OK\nS: 1 ${uid}\nS: .`), [['UIDL.unique-id.length', '1939 §7', 'MUST', 77]]);
    assert.deepEqual(located(`C: UIDL\nS: +OK\nS: 1 ${'u'.repeat(70)}\nS: .`), []);
  });

  it('reports an octet outside 0x21-0x7E, and information after the unique-id', () => {
    assert.deepEqual(located('C: UIDL\nS: +OK\nS: 1 ab\x7fc\nS: .'), [['UIDL.unique-id.char', '1939 §7', 'MUST', 9]]);
    assert.deepEqual(located('C: UIDL 1\nS: +OK 1 abc def'), [['UIDL.format', '1939 §7', 'MUST', 9]]);
    assert.deepEqual(located('C: UIDL 1\nS: +OK 2 abc'), [['UIDL.msg-number', '1939 §7', 'MUST', 4]]);
  });

  // "+OK\r\n" 5, "1 same\r\n" 8: the second unique-id starts at 15.
  it('notes a shared unique-id (MAY: identical copies may share one) and fails it when sizes differ', () => {
    assert.deepEqual(located('C: UIDL\nS: +OK\nS: 1 same\nS: 2 same\nS: .'), [['UIDL.unique-id.shared', '1939 §7', 'MAY', 15]]);
    const conversation = loggedIn();
    run(conversation, 'C: LIST\nS: +OK\nS: 1 100\nS: 2 200\nS: .');
    assert.deepEqual(located('C: UIDL\nS: +OK\nS: 1 same\nS: 2 same\nS: .', conversation), [['UIDL.unique-id.duplicate', '1939 §7', 'MUST', 15]]);
  });

  it('reports a unique-id that changes within the session', () => {
    assert.deepEqual(located('C: UIDL\nS: +OK\nS: 1 abc\nS: .\nC: UIDL 1\nS: +OK 1 abd'), [['UIDL.unique-id.changed', '1939 §7', 'MUST', 6]]);
  });
});

describe('sizes and counts agree across commands', () => {
  it('reports RETR octets that differ from the LIST size, at the terminator (LIST.size-matches-RETR)', () => {
    const violations = located('C: LIST\nS: +OK\nS: 1 9\nS: .\nC: RETR 1\nS: +OK\nS: 1234567\nS: .');
    // "+OK\r\n" 5, "1234567\r\n" 9: the terminator is at 14; the body is 9 octets, LIST said 9.
    assert.deepEqual(violations, []);
    assert.deepEqual(located('C: LIST\nS: +OK\nS: 1 10\nS: .\nC: RETR 1\nS: +OK\nS: 1234567\nS: .'), [
      ['LIST.size-matches-RETR', '1939 §5', 'MUST', 14],
    ]);
  });

  it('counts the body unstuffed: a stuffed ".." line is one octet plus CRLF', () => {
    assert.deepEqual(located('C: LIST 1\nS: +OK 1 3\nC: RETR 1\nS: +OK\nS: ..\nS: .'), []);
  });

  it('checks LIST after RETR too, at the listed size', () => {
    assert.deepEqual(located('C: RETR 1\nS: +OK\nS: abc\nS: .\nC: LIST 1\nS: +OK 1 6'), [['LIST.size-matches-RETR', '1939 §5', 'MUST', 6]]);
  });

  it('reports a STAT count or size that a full LIST contradicts, whichever came first', () => {
    assert.deepEqual(located('C: LIST\nS: +OK\nS: 1 120\nS: 2 200\nS: .\nC: STAT\nS: +OK 3 320'), [['STAT.count-matches-LIST', '1939 §5', 'MUST', 4]]);
    assert.deepEqual(located('C: LIST\nS: +OK\nS: 1 120\nS: 2 200\nS: .\nC: STAT\nS: +OK 2 330'), [['STAT.size-matches-LIST', '1939 §5', 'SHOULD', 6]]);
    // STAT first: reported on LIST's terminator ("+OK\r\n1 120\r\n2 200\r\n" = 19).
    assert.deepEqual(located('C: STAT\nS: +OK 3 320\nC: LIST\nS: +OK\nS: 1 120\nS: 2 200\nS: .'), [['STAT.count-matches-LIST', '1939 §5', 'MUST', 19]]);
  });

  it('leaves deleted messages out of STAT\'s expected totals (§5), and counts them back after RSET', () => {
    const script = 'C: LIST\nS: +OK\nS: 1 120\nS: 2 200\nS: .\nC: DELE 1\nS: +OK\nC: STAT\nS: +OK 1 200\nC: RSET\nS: +OK\nC: STAT\nS: +OK 2 320';
    assert.deepEqual(located(script), []);
    assert.deepEqual(located('C: LIST\nS: +OK\nS: 1 120\nS: .\nC: DELE 1\nS: +OK\nC: STAT\nS: +OK 1 120'), [
      ['STAT.count-matches-LIST', '1939 §5', 'MUST', 4],
      ['STAT.size-matches-LIST', '1939 §5', 'SHOULD', 6],
    ]);
  });

  it('does not compare a STAT and a LIST that a DELE separates', () => {
    assert.deepEqual(located('C: STAT\nS: +OK 2 320\nC: DELE 1\nS: +OK\nC: LIST\nS: +OK\nS: 2 200\nS: .'), []);
  });
});

describe('deleted messages may not be referred to (RFC 1939 §5, §7)', () => {
  const afterDele = (script: string) => located(`C: DELE 1\nS: +OK message 1 deleted\n${script}`);

  it('reports +OK to LIST, RETR, TOP, UIDL or DELE of a deleted message', () => {
    assert.deepEqual(afterDele('C: LIST 1\nS: +OK 1 120'), [['LIST.deleted-message', '1939 §5', 'MUST', 0]]);
    assert.deepEqual(afterDele('C: RETR 1\nS: +OK\nS: x\nS: .'), [['RETR.deleted-message', '1939 §5', 'MUST', 0]]);
    assert.deepEqual(afterDele('C: TOP 1 0\nS: +OK\nS: .'), [['TOP.deleted-message', '1939 §7', 'MUST', 0]]);
    assert.deepEqual(afterDele('C: UIDL 1\nS: +OK 1 abc'), [['UIDL.deleted-message', '1939 §7', 'MUST', 0]]);
    assert.deepEqual(afterDele('C: DELE 1\nS: +OK'), [['DELE.deleted-message', '1939 §5', 'MUST', 0]]);
  });

  it('reports a full listing that still lists it', () => {
    assert.deepEqual(afterDele('C: LIST\nS: +OK\nS: 1 120\nS: .'), [['LIST.lists-deleted', '1939 §5', 'MUST', 5]]);
    assert.deepEqual(afterDele('C: UIDL\nS: +OK\nS: 1 abc\nS: .'), [['UIDL.lists-deleted', '1939 §7', 'MUST', 5]]);
  });

  it('accepts -ERR for it, and +OK again after RSET', () => {
    assert.deepEqual(afterDele('C: RETR 1\nS: -ERR message 1 already deleted\nC: RSET\nS: +OK\nC: RETR 1\nS: +OK\nS: x\nS: .'), []);
  });
});

describe('TOP (RFC 1939 §7)', () => {
  const message = 'C: RETR 1\nS: +OK\nS: Subject: t\nS:\nS: one\nS: two\nS: three\nS: .';

  it('accepts the headers, the blank line and the first m body lines of RETR', () => {
    assert.deepEqual(located(`${message}\nC: TOP 1 2\nS: +OK\nS: Subject: t\nS:\nS: one\nS: two\nS: .`), []);
    assert.deepEqual(located(`${message}\nC: TOP 1 0\nS: +OK\nS: Subject: t\nS:\nS: .`), []);
    assert.deepEqual(located(`${message}\nC: TOP 1 9\nS: +OK\nS: Subject: t\nS:\nS: one\nS: two\nS: three\nS: .`), []);
  });

  it('reports more body lines than asked for, at the first extra line', () => {
    // "+OK\r\n" 5, "Subject: t\r\n" 12, "\r\n" 2, "one\r\n" 5: the extra line starts at 24.
    assert.deepEqual(located('C: TOP 1 1\nS: +OK\nS: Subject: t\nS:\nS: one\nS: two\nS: .'), [['TOP.body-lines', '1939 §7', 'MUST', 24]]);
  });

  it('reports a TOP that is not RETR\'s prefix, at the first differing line', () => {
    assert.deepEqual(located(`${message}\nC: TOP 1 2\nS: +OK\nS: Subject: t\nS:\nS: one\nS: .`), [['TOP.matches-RETR', '1939 §7', 'MUST', 24]]);
    assert.deepEqual(located(`${message}\nC: TOP 1 1\nS: +OK\nS: Subject: t\nS: one\nS: .`), [['TOP.matches-RETR', '1939 §7', 'MUST', 17]]);
  });

  it('without RETR, holds a short TOP (the entire message) to LIST\'s size', () => {
    // Subject: t (10+2) + blank (2) + one (3+2) = 19 octets.
    assert.deepEqual(located('C: LIST 1\nS: +OK 1 19\nC: TOP 1 5\nS: +OK\nS: Subject: t\nS:\nS: one\nS: .'), []);
    assert.deepEqual(located('C: LIST 1\nS: +OK 1 24\nC: TOP 1 5\nS: +OK\nS: Subject: t\nS:\nS: one\nS: .'), [
      ['TOP.size-matches-LIST', '1939 §7', 'MUST', 24],
    ]);
  });
});

describe('robustness', () => {
  const commandArb = fc.constantFrom('STAT', 'LIST', 'LIST 1', 'UIDL', 'UIDL 1', 'RETR 1', 'TOP 1 1', 'TOP 1 x', 'DELE 1', 'RSET', 'CAPA', 'AUTH PLAIN', 'QUIT');
  const serverLineArb = fc.constantFrom('+OK', '+OK 1 5', '-ERR', '.', '..', '.x', '1 5', '1 abc', '+ ', '+', '', '[', '+OK [', 'a b c', '\xff', 'Subject: s');

  it('never throws, whatever the server sends in answer to whatever was asked', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(commandArb.map((c) => `C: ${c}`), serverLineArb.map((l) => `S: ${l}`)), { maxLength: 40 }), (script) => {
        const conversation = loggedIn();
        assert.doesNotThrow(() => run(conversation, script.join('\n')));
        assert.doesNotThrow(() => conversation.onClose());
      }),
    );
  });
});
