import fc from 'fast-check';
import { formatDateTime } from '../../../../src/protocol/imap/date-time.js';
import { isAstringChar, isAtomChar, isTagChar, isTextChar } from '../../../../src/protocol/imap/formal-syntax.js';
import {
  SIMPLE_CODE_NAMES, type ImapAddress, type ImapBodyExtensionTail, type ImapBodyFields, type ImapBodyParams, type ImapBodyStructure,
  type ImapContent, type ImapDateTime, type ImapEnvelope, type ImapFetchAttribute, type ImapMailboxName, type ImapRespTextCode,
  type ImapResponse, type ImapSection,
} from '../../../../src/protocol/imap/imap-response.js';
import { encodeModifiedUtf7 } from '../../../../src/protocol/imap/modified-utf7.js';

/**
 * Arbitrary valid ImapResponse ASTs, in exactly the shape parseResponse returns (keys with
 * undefined values included), so compile → frame → parse must give them back unchanged.
 */

/** fc.record with plain objects: parseResponse builds them with Object.prototype, and deepEqual compares prototypes. */
const record = <T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> => fc.record(model, { noNullPrototype: true });

const charsWhere = (test: (b: number) => boolean): string[] =>
  Array.from({ length: 256 }, (_, b) => b).filter(test).map((b) => String.fromCharCode(b));
const stringOf = (chars: string[], minLength = 0, maxLength = 12): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...chars), minLength, maxLength });

const ATOM = stringOf(charsWhere(isAtomChar), 1, 10);
const TEXT = charsWhere(isTextChar);
/** Octet strings as nstring/string values carry them: any CHAR8 (quoted or literal). */
const OCTETS = stringOf(charsWhere((b) => b !== 0), 0, 16);
const NSTRING = fc.option(OCTETS, { nil: null });
const NUMBER = fc.tuple(fc.nat(0xffff), fc.nat(0xffff)).map(([h, l]) => h * 0x10000 + l);
const NZ_NUMBER = NUMBER.filter((n) => n > 0);

/** text = 1*TEXT-CHAR; without a code before it, it must not start with "[". */
const text = (afterCode: boolean): fc.Arbitrary<string> =>
  stringOf(TEXT, 1, 20).filter((t) => afterCode || !t.startsWith('['));

const KNOWN = new Set(['BADCHARSET', 'CAPABILITY', 'PERMANENTFLAGS', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', ...SIMPLE_CODE_NAMES]);
const capabilities = fc.tuple(fc.array(ATOM, { maxLength: 4 }), fc.array(ATOM, { maxLength: 4 })).map(([a, b]) => [...a, 'IMAP4rev1', ...b]);
const SYSTEM_FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'];
const flag = (extra: string[]): fc.Arbitrary<string> => fc.oneof(fc.constantFrom(...SYSTEM_FLAGS, ...extra), ATOM);

const code: fc.Arbitrary<ImapRespTextCode> = fc.oneof(
  fc.constantFrom(...SIMPLE_CODE_NAMES).map((name) => ({ kind: 'simple' as const, name })),
  fc.array(fc.oneof(ATOM.filter((a) => a.toUpperCase() !== 'NIL'), OCTETS), { maxLength: 3 }).map((charsets) => ({ kind: 'badcharset' as const, charsets })),
  capabilities.map((c) => ({ kind: 'capability' as const, capabilities: c })),
  fc.array(flag(['\\*']), { maxLength: 5 }).map((flags) => ({ kind: 'permanentflags' as const, flags })),
  record({ kind: fc.constant('number' as const), name: fc.constantFrom('UIDNEXT' as const, 'UIDVALIDITY' as const, 'UNSEEN' as const), value: NZ_NUMBER }),
  record({
    kind: fc.constant('other' as const),
    name: ATOM.map((a) => `X${a}`).filter((n) => !KNOWN.has(n.toUpperCase())),
    text: fc.option(stringOf(TEXT.filter((c) => c !== ']'), 1, 12), { nil: undefined }),
  }),
);

const respText = fc.oneof(
  record({ code: fc.constant(undefined), text: text(false) }),
  record({ code, text: text(true) }),
);

/** A mailbox as a conforming server names it: modified UTF-7, INBOX in any case meaning INBOX. */
const mailbox: fc.Arbitrary<ImapMailboxName> = fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), fc.constantFrom('INBOX', 'inbox', 'INBOX/Sent', 'a]b'))
  .map((name) => {
    const raw = encodeModifiedUtf7(name);
    return { raw, name: raw.toUpperCase() === 'INBOX' ? 'INBOX' : name };
  });

const address: fc.Arbitrary<ImapAddress> = record({ name: NSTRING, adl: NSTRING, mailbox: NSTRING, host: NSTRING });
const addresses = fc.option(fc.array(address, { minLength: 1, maxLength: 3 }), { nil: null });
const envelope: fc.Arbitrary<ImapEnvelope> = record({
  date: NSTRING, subject: NSTRING, from: addresses, sender: addresses, replyTo: addresses, to: addresses, cc: addresses, bcc: addresses,
  inReplyTo: NSTRING, messageId: NSTRING,
});

const dateTime: fc.Arbitrary<ImapDateTime> = record({
  year: fc.integer({ min: 1970, max: 2100 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 28 }),
  hour: fc.integer({ min: 0, max: 23 }), minute: fc.integer({ min: 0, max: 59 }), second: fc.integer({ min: 0, max: 59 }),
  zone: fc.tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
    .map(([sign, h, m]) => `${sign}${String(h).padStart(2, '0')}${String(m).padStart(2, '0')}`),
});

const params: fc.Arbitrary<ImapBodyParams> = fc.option(fc.array(fc.tuple(OCTETS, OCTETS), { minLength: 1, maxLength: 3 }), { nil: null });
const fields: fc.Arbitrary<ImapBodyFields> = record({ params, id: NSTRING, description: NSTRING, encoding: OCTETS, octets: NUMBER });

/** The optional extension tail: each field only if the ones before it are there. */
const extensionTail: fc.Arbitrary<ImapBodyExtensionTail> = record({
  present: fc.integer({ min: 0, max: 3 }),
  disposition: fc.option(record({ type: OCTETS, params }), { nil: null }),
  language: fc.oneof(NSTRING, fc.array(OCTETS, { minLength: 1, maxLength: 3 })),
  location: NSTRING,
}).map(({ present, disposition, language, location }) =>
  present === 0 ? {} : present === 1 ? { disposition } : present === 2 ? { disposition, language } : { disposition, language, location });

const NOT_SPECIAL = OCTETS.filter((s) => !['TEXT', 'MESSAGE'].includes(s.toUpperCase()));

function body(extensible: boolean, depth: number): fc.Arbitrary<ImapBodyStructure> {
  const ext1 = extensible ? fc.option(fc.tuple(NSTRING, extensionTail).map(([md5, tail]) => ({ md5, ...tail })), { nil: undefined }) : fc.constant(undefined);
  const extM = extensible ? fc.option(fc.tuple(params, extensionTail).map(([p, tail]) => ({ params: p, ...tail })), { nil: undefined }) : fc.constant(undefined);
  const basic = record({ kind: fc.constant('basic' as const), type: NOT_SPECIAL, subtype: OCTETS, fields, extension: ext1 });
  const textPart = record({ kind: fc.constant('text' as const), type: fc.constantFrom('TEXT', 'text'), subtype: OCTETS, fields, lines: NUMBER, extension: ext1 });
  if (depth === 0) return fc.oneof(basic, textPart);
  const inner = body(extensible, depth - 1);
  const message = record({
    kind: fc.constant('message' as const), type: fc.constant('MESSAGE'), subtype: fc.constantFrom('RFC822', 'rfc822'), fields, envelope, body: inner, lines: NUMBER, extension: ext1,
  });
  const multipart = record({ kind: fc.constant('multipart' as const), parts: fc.array(inner, { minLength: 1, maxLength: 3 }), subtype: OCTETS, extension: extM });
  return fc.oneof({ depthSize: 'small' }, basic, textPart, message, multipart);
}

const content: fc.Arbitrary<ImapContent | null> = fc.option(
  fc.uint8Array({ maxLength: 40 }).map((a) => ({ kind: 'bytes' as const, bytes: Buffer.from(a.map((b) => b || 1)) })),
  { nil: null },
);

const section: fc.Arbitrary<ImapSection> = fc.array(NZ_NUMBER, { maxLength: 3 }).chain((part) => fc.oneof(
  fc.constant({ part, text: undefined, fields: undefined }),
  fc.constantFrom(...(part.length > 0 ? ['HEADER', 'TEXT', 'MIME'] as const : ['HEADER', 'TEXT'] as const)).map((t) => ({ part, text: t, fields: undefined })),
  record({
    part: fc.constant(part),
    text: fc.constantFrom('HEADER.FIELDS' as const, 'HEADER.FIELDS.NOT' as const),
    fields: fc.array(fc.oneof(stringOf(charsWhere(isAstringChar), 1, 8), OCTETS), { minLength: 1, maxLength: 3 }),
  }),
));

const attribute: fc.Arbitrary<ImapFetchAttribute> = fc.oneof(
  fc.array(flag(['\\Recent']), { maxLength: 4 }).map((flags) => ({ name: 'FLAGS' as const, flags })),
  envelope.map((e) => ({ name: 'ENVELOPE' as const, envelope: e })),
  dateTime.map((date) => ({ name: 'INTERNALDATE' as const, date, raw: formatDateTime(date) })),
  record({ name: fc.constantFrom('RFC822' as const, 'RFC822.HEADER' as const, 'RFC822.TEXT' as const), content }),
  NUMBER.map((size) => ({ name: 'RFC822.SIZE' as const, size })),
  body(false, 2).map((structure) => ({ name: 'BODY' as const, structure })),
  body(true, 2).map((structure) => ({ name: 'BODYSTRUCTURE' as const, structure })),
  record({ name: fc.constant('BODY[]' as const), section, origin: fc.option(NUMBER, { nil: undefined }), content }),
  NZ_NUMBER.map((uid) => ({ name: 'UID' as const, uid })),
);

const LIST_FLAGS = ['\\Noinferiors', '\\HasChildren', '\\HasNoChildren', '\\Sent', '\\Trash'];

/** Arbitrary valid responses: tagged, status, BYE, continuation, and the main untagged data. */
export const imapResponse: fc.Arbitrary<ImapResponse> = fc.oneof(
  fc.tuple(stringOf(charsWhere(isTagChar), 1, 8), fc.constantFrom('OK' as const, 'NO' as const, 'BAD' as const), respText)
    .map(([tag, status, rt]) => ({ kind: 'tagged' as const, tag, status, ...rt })),
  fc.tuple(fc.constantFrom('OK' as const, 'NO' as const, 'BAD' as const), respText).map(([status, rt]) => ({ kind: 'untagged' as const, type: 'condition' as const, status, ...rt })),
  respText.map((rt) => ({ kind: 'bye' as const, ...rt })),
  fc.oneof(respText, record({ code: fc.constant(undefined), text: fc.constant('') })).map((rt) => ({ kind: 'continuation' as const, ...rt })),
  capabilities.map((c) => ({ kind: 'untagged' as const, type: 'capability' as const, capabilities: c })),
  fc.array(flag([]), { maxLength: 6 }).map((flags) => ({ kind: 'untagged' as const, type: 'flags' as const, flags })),
  record({
    kind: fc.constant('untagged' as const),
    type: fc.constantFrom('list' as const, 'lsub' as const),
    attributes: fc.tuple(fc.subarray(LIST_FLAGS), fc.option(fc.constantFrom('\\Noselect', '\\Marked', '\\Unmarked'), { nil: undefined }))
      .map(([o, s]) => (s === undefined ? o : [...o, s])),
    delimiter: fc.option(fc.constantFrom(...charsWhere((b) => isTextChar(b) && b < 0x80)), { nil: null }),
    mailbox,
  }),
  fc.array(NZ_NUMBER, { maxLength: 6 }).map((numbers) => ({ kind: 'untagged' as const, type: 'search' as const, numbers })),
  record({
    kind: fc.constant('untagged' as const), type: fc.constant('status' as const), mailbox,
    attributes: fc.array(record({ name: fc.constantFrom('MESSAGES', 'RECENT', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN'), value: NUMBER }), { maxLength: 5 }),
  }),
  record({ kind: fc.constant('untagged' as const), type: fc.constantFrom('exists' as const, 'recent' as const), number: NUMBER }),
  NZ_NUMBER.map((number) => ({ kind: 'untagged' as const, type: 'expunge' as const, number })),
  record({ kind: fc.constant('untagged' as const), type: fc.constant('fetch' as const), seq: NZ_NUMBER, attributes: fc.array(attribute, { minLength: 1, maxLength: 5 }) }),
);
