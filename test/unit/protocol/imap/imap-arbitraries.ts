import fc from 'fast-check';
import { formatDateTime } from '../../../../src/protocol/imap/date-time.js';
import { isAstringChar, isAtomChar, isTagChar, isTextChar } from '../../../../src/protocol/imap/formal-syntax.js';
import {
  SIMPLE_CODE_NAMES, type ImapAddress, type ImapBodyExtensionTail, type ImapBodyFields, type ImapBodyParams, type ImapBodyStructure,
  type ImapContent, type ImapDateTime, type ImapEnvelope, type ImapFetchAttribute, type ImapMailboxName, type ImapRespTextCode,
  type ImapNamespaceDescr, type ImapNumberSet, type ImapResponse, type ImapSection, type ImapSeqNumber,
} from '../../../../src/protocol/imap/imap-response.js';
import { formatNumberSet } from '../../../../src/protocol/imap/compile-extension-data.js';
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
/** RFC 7162 mod-sequence-value (1 to 2^63-1) as its canonical digits; valzer adds "0". */
const MODSEQ = fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }).map(String);
const MODSEQ_VALZER = fc.oneof(MODSEQ, fc.constant('0'));
/** sequence-set elements: a number or a range, "*" allowed (`star`) or not. */
const numberSet = (star: boolean): fc.Arbitrary<ImapNumberSet> => {
  const seq: fc.Arbitrary<ImapSeqNumber> = star ? fc.oneof(NZ_NUMBER, fc.constant('*' as const)) : NZ_NUMBER;
  return fc.array(record({ from: seq, to: fc.option(seq, { nil: undefined }) }), { minLength: 1, maxLength: 4 });
};

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
  // Extension codes stay `other`, their text checked against RFC 4315 / RFC 7162.
  fc.tuple(NZ_NUMBER, numberSet(false)).map(([v, uids]) => ({ kind: 'other' as const, name: 'APPENDUID', text: `${v} ${formatNumberSet(uids)}` })),
  fc.tuple(NZ_NUMBER, numberSet(false), numberSet(false)).map(([v, a, b]) => ({ kind: 'other' as const, name: 'COPYUID', text: `${v} ${formatNumberSet(a)} ${formatNumberSet(b)}` })),
  MODSEQ.map((m) => ({ kind: 'other' as const, name: 'HIGHESTMODSEQ', text: m })),
  numberSet(true).map((set) => ({ kind: 'other' as const, name: 'MODIFIED', text: formatNumberSet(set) })),
  fc.constantFrom('NOMODSEQ', 'CLOSED', 'UIDNOTSTICKY', 'USEATTR').map((name) => ({ kind: 'other' as const, name, text: undefined })),
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
  MODSEQ.map((modseq) => ({ name: 'MODSEQ' as const, modseq })),
);

/** RFC 2342 Namespace: NIL, or descriptions with X- extensions. */
const namespace: fc.Arbitrary<ImapNamespaceDescr[] | null> = fc.option(fc.array(record({
  prefix: OCTETS,
  delimiter: fc.option(fc.constantFrom(...charsWhere((b) => isTextChar(b) && b < 0x80)), { nil: null }),
  extensions: fc.array(record({ name: ATOM.map((a) => `X-${a}`), values: fc.array(OCTETS, { minLength: 1, maxLength: 2 }) }), { maxLength: 2 }),
}), { minLength: 1, maxLength: 3 }), { nil: null });

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
  fc.array(NZ_NUMBER, { maxLength: 6 }).chain((numbers) => fc.option(MODSEQ, { nil: undefined })
    .map((modseq) => ({ kind: 'untagged' as const, type: 'search' as const, numbers, modseq: numbers.length > 0 ? modseq : undefined }))),
  record({
    kind: fc.constant('untagged' as const), type: fc.constant('status' as const), mailbox,
    attributes: fc.array(record({ name: fc.constantFrom('MESSAGES', 'RECENT', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN'), value: NUMBER }), { maxLength: 5 }),
    highestModSeq: fc.option(MODSEQ_VALZER, { nil: undefined }),
    appendLimit: fc.option(fc.option(NUMBER, { nil: null }), { nil: undefined }),
  }),
  fc.array(ATOM, { maxLength: 3 }).map((c) => ({ kind: 'untagged' as const, type: 'enabled' as const, capabilities: c })),
  fc.option(fc.uniqueArray(fc.tuple(stringOf(charsWhere((b) => b !== 0), 0, 30), fc.option(OCTETS, { nil: null })), { maxLength: 4, selector: ([f]) => f.toLowerCase() }), { nil: null })
    .map((params) => ({ kind: 'untagged' as const, type: 'id' as const, params })),
  record({ kind: fc.constant('untagged' as const), type: fc.constant('namespace' as const), personal: namespace, otherUsers: namespace, shared: namespace }),
  record({
    kind: fc.constant('untagged' as const), type: fc.constant('esearch' as const), tag: fc.option(OCTETS, { nil: undefined }), uid: fc.boolean(),
    data: fc.array(fc.oneof(
      record({ name: fc.constantFrom('MIN' as const, 'MAX' as const), value: NZ_NUMBER }),
      NZ_NUMBER.map((value) => ({ name: 'COUNT' as const, value })),
      numberSet(true).map((set) => ({ name: 'ALL' as const, set })),
      MODSEQ.map((modseq) => ({ name: 'MODSEQ' as const, modseq })),
    ), { maxLength: 4 }),
  }),
  record({ kind: fc.constant('untagged' as const), type: fc.constant('vanished' as const), earlier: fc.boolean(), uids: numberSet(false) }),
  record({ kind: fc.constant('untagged' as const), type: fc.constantFrom('exists' as const, 'recent' as const), number: NUMBER }),
  NZ_NUMBER.map((number) => ({ kind: 'untagged' as const, type: 'expunge' as const, number })),
  record({ kind: fc.constant('untagged' as const), type: fc.constant('fetch' as const), seq: NZ_NUMBER, attributes: fc.array(attribute, { minLength: 1, maxLength: 5 }) }),
);
