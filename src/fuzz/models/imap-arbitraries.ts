import fc from 'fast-check';
import { FUZZ_KEYWORD, SETTABLE_SYSTEM_FLAGS } from '../../model/imap-flags.js';
import type { ImapSearchKey } from '../../model/imap-search-key.js';
import type { ImapSeqRange, ImapSequenceSet } from '../../model/imap-sequence-set.js';

/** Message numbers stay small: runs hold a handful of messages, and preconditions drop sets beyond the count. */
const MAX_SEQ_NUMBER = 4;
/** UIDs in a fresh mailbox usually start at 1; numbers past the last UID test "ignored without any error" (§6.4.8). */
const uidNumber = fc.integer({ min: 1, max: 8 });

function rangeOf(n: fc.Arbitrary<number>): fc.Arbitrary<ImapSeqRange> {
  return fc.oneof(
    { weight: 3, arbitrary: n.map((from): ImapSeqRange => ({ from })) },
    { weight: 2, arbitrary: fc.tuple(n, n).map(([from, to]): ImapSeqRange => ({ from, to })) },
    { weight: 1, arbitrary: n.map((from): ImapSeqRange => ({ from, to: '*' })) },
    { weight: 1, arbitrary: fc.constant<ImapSeqRange>({ from: '*' }) },
  );
}

/** A sequence set of message numbers up to `max`: "2", "1:3", "3:*", "*", "1,3". */
export function seqSetArbitraryUpTo(max: number): fc.Arbitrary<ImapSequenceSet> {
  return fc.array(rangeOf(fc.integer({ min: 1, max })), { minLength: 1, maxLength: 2 });
}

export const seqSetArbitrary: fc.Arbitrary<ImapSequenceSet> = seqSetArbitraryUpTo(MAX_SEQ_NUMBER);
/** A sequence set of UIDs. */
export const uidSetArbitrary: fc.Arbitrary<ImapSequenceSet> = fc.array(rangeOf(uidNumber), { minLength: 1, maxLength: 2 });

/** Flags a client can set: the five settable system flags and one keyword (used where PERMANENTFLAGS allows it). */
export const flagArbitrary = fc.constantFrom<string>(...SETTABLE_SYSTEM_FLAGS, FUZZ_KEYWORD);
export const flagListArbitrary = fc.uniqueArray(flagArbitrary, { maxLength: 3 });

/** A search key the model answers for certain (§6.4.4), nested at most twice. */
export const searchKeyArbitrary: fc.Arbitrary<ImapSearchKey> = fc.letrec<{ key: ImapSearchKey; leaf: ImapSearchKey }>((tie) => ({
  leaf: fc.oneof(
    { weight: 1, arbitrary: fc.constant<ImapSearchKey>({ kind: 'all' }) },
    { weight: 5, arbitrary: fc.record({ flag: flagArbitrary, set: fc.boolean() }).map((f): ImapSearchKey => ({ kind: 'flag', ...f })) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('larger' as const, 'smaller' as const), octets: fc.integer({ min: 100, max: 700 }) }) },
    { weight: 2, arbitrary: seqSetArbitrary.map((set): ImapSearchKey => ({ kind: 'seq', set })) },
    { weight: 2, arbitrary: uidSetArbitrary.map((set): ImapSearchKey => ({ kind: 'uid', set })) },
  ),
  key: fc.oneof(
    { depthSize: 'small', maxDepth: 2, withCrossShrink: true },
    { weight: 4, arbitrary: tie('leaf') },
    { weight: 1, arbitrary: tie('key').map((key): ImapSearchKey => ({ kind: 'not', key })) },
    { weight: 1, arbitrary: fc.tuple(tie('key'), tie('key')).map(([left, right]): ImapSearchKey => ({ kind: 'or', left, right })) },
    { weight: 1, arbitrary: fc.array(tie('key'), { minLength: 2, maxLength: 3 }).map((keys): ImapSearchKey => ({ kind: 'and', keys })) },
  ),
})).key;

/**
 * Body lines that have tripped mail software: a lone ".", leading dots (SMTP/POP3 stuffing must
 * not leak into IMAP), "From " (mbox escaping), 8-bit octets (§6.3.11 "8-bit characters are
 * permitted in the message"), an empty line, a long line. Never NUL (§4.3.1) nor bare CR/LF.
 */
const bodyLineArbitrary: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('.', '..', '.leading dot', 'From the start', '', '-- ', 'Subject: not a header'),
  fc.string({ unit: fc.constantFrom('a', 'b', 'z', ' ', '.', '=', '\t'), maxLength: 40 }),
  fc.string({ unit: fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 8 }),
  fc.integer({ min: 100, max: 300 }).map((n) => 'x'.repeat(n)),
);

/** An APPEND literal: a small RFC 5322 message with CRLF line ends, built only from the generated parts. */
export const messageArbitrary: fc.Arbitrary<Buffer> = fc
  .record({ subject: fc.integer({ min: 1, max: 999 }), mime: fc.boolean(), lines: fc.array(bodyLineArbitrary, { maxLength: 6 }) })
  .map(({ subject, mime, lines }) => {
    const header = [
      'From: fuzz <fuzz@mailconform.test>',
      'To: model@mailconform.test',
      `Subject: model ${subject}`,
      'Date: Mon, 7 Feb 1994 21:52:25 -0800',
      `Message-ID: <m${subject}@mailconform.test>`,
      ...(mime ? ['MIME-Version: 1.0', 'Content-Type: text/plain; charset=iso-8859-1', 'Content-Transfer-Encoding: 8bit'] : []),
    ];
    return Buffer.from(`${header.join('\r\n')}\r\n\r\n${lines.map((l) => `${l}\r\n`).join('')}`, 'latin1');
  });

/** An APPEND date-time (§9 date-time, without DQUOTEs), or none; fixed instants so runs repeat. */
export const appendDateArbitrary: fc.Arbitrary<string | undefined> = fc.option(
  fc.constantFrom('17-Jul-1996 02:44:25 -0700', '01-Jan-2001 00:00:00 +0000', ' 9-Mar-2024 23:59:59 +1400'),
  { nil: undefined },
);
