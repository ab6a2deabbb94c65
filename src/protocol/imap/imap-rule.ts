import { createViolation, sectionOf, type ProtocolRule } from '../shared/rule.js';

/** IMAP rules are protocol rules; the name stays for readers of this layer. */
export type ImapRule = ProtocolRule;

export const rfc3501 = sectionOf(3501);
export const rfc5530 = sectionOf(5530);

/**
 * The RFC 3501 §9 rule names the response grammar checks, spelled as in the ABNF. A closed union
 * so a typo in a rule name is a compile error, not a new fault-catalogue key.
 */
export type ImapGrammarRuleName =
  | 'address' | 'astring' | 'ATOM-CHAR' | 'atom' | 'body' | 'body-ext-1part' | 'body-ext-mpart' | 'body-extension'
  | 'body-fields' | 'body-fld-dsp' | 'body-fld-enc' | 'body-fld-lang' | 'body-fld-lines' | 'body-fld-octets'
  | 'body-fld-param' | 'body-type-1part' | 'body-type-basic' | 'body-type-mpart' | 'body-type-msg' | 'body-type-text'
  | 'capability' | 'capability-data' | 'CHAR8' | 'continue-req' | 'CRLF' | 'date-day-fixed' | 'date-month'
  | 'date-time' | 'date-year' | 'envelope' | 'env-bcc' | 'env-cc' | 'env-from' | 'env-reply-to' | 'env-sender'
  | 'env-to' | 'flag' | 'flag-extension' | 'flag-fetch' | 'flag-list' | 'flag-perm' | 'greeting' | 'header-list'
  | 'literal' | 'mailbox' | 'mailbox-data' | 'mailbox-list' | 'mbx-list-flags' | 'media-subtype' | 'message-data'
  | 'msg-att' | 'msg-att-dynamic' | 'msg-att-static' | 'nil' | 'nstring' | 'number' | 'nz-number' | 'quoted'
  | 'QUOTED-CHAR' | 'resp-cond-auth' | 'resp-cond-bye' | 'resp-cond-state' | 'resp-text' | 'resp-text-code'
  | 'response-data' | 'response-tagged' | 'section' | 'section-spec' | 'status-att' | 'status-att-list' | 'string'
  | 'tag' | 'text' | 'TEXT-CHAR' | 'time' | 'uniqueid' | 'zone';

/**
 * A §9 grammar rule. "[ABNF] rules MUST be followed strictly" (RFC 3501 §9, Note): every grammar
 * mismatch is a MUST; prose that says otherwise gets its own constant below.
 */
export function grammarRule(name: ImapGrammarRuleName): ImapRule {
  return { rule: name, ref: rfc3501('9'), level: 'MUST' };
}

/** Rules stated in prose (or in ABNF comments that cite prose), where a section other than §9 says it. */
export const IMAP_PROSE_RULES = {
  /** "All interactions transmitted by client and server are in the form of lines, that is, strings that end with a CRLF." (§2.2) */
  crlf: { rule: 'CRLF', ref: rfc3501('2.2'), level: 'MUST' },
  /** §5.1.3: names "MUST end in US-ASCII", base64 "MUST NOT be used to represent any printing US-ASCII character". */
  modifiedUtf7: { rule: 'mailbox.modified-utf7', ref: rfc3501('5.1.3'), level: 'MUST' },
  /** §7.1: "Additional response codes ... SHOULD be prefixed with an "X"". */
  respTextCodeX: { rule: 'resp-text-code.x-prefix', ref: rfc3501('7.1'), level: 'SHOULD' },
  /** RFC 5530 §4: its codes are bare names, `resp-text-code =/ "UNAVAILABLE" / ...`. */
  rfc5530Code: { rule: 'resp-text-code', ref: rfc5530('4'), level: 'MUST' },
  /** §7.4.2: "Extension data is never returned with the BODY fetch". */
  bodyNoExtension: { rule: 'body.extension-data', ref: rfc3501('7.4.2'), level: 'MUST' },
  /** §7.2.2: \Noselect, \Marked, \Unmarked: "only one per LIST response" (ABNF comment, mbx-list-sflag). */
  listOneSflag: { rule: 'mbx-list-flags', ref: rfc3501('9'), level: 'MUST' },
  /** §4.3.1: "unencoded binary strings are not permitted" — a NUL in a literal. */
  binaryString: { rule: 'CHAR8', ref: rfc3501('4.3.1'), level: 'MUST' },
} as const satisfies Record<string, ImapRule>;

/**
 * A limit of ours was hit (see limits.ts). Not an RFC requirement — the RFC sets no maximum — so the
 * level is MAY: the report shows where the tool stopped reading, not a server fault. The ref names
 * the data format the limit cuts short: §4.3 (literal) or §4.4 (parenthesized list).
 */
export function limitRule(name: 'literal-size' | 'parts' | 'depth'): ImapRule {
  return { rule: `limit.${name}`, ref: rfc3501(name === 'depth' ? '4.4' : '4.3'), level: 'MAY' };
}

/** Violations are built the same way for every protocol (offsets here: octets from the start of the response). */
export const createImapViolation = createViolation;
