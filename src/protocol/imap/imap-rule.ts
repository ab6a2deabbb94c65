import type { RfcRef } from '../shared/rfc.js';
import { createViolation, sectionOf, type ProtocolRule } from '../shared/rule.js';

/** IMAP rules are protocol rules; the name stays for readers of this layer. */
export type ImapRule = ProtocolRule;

export const rfc3501 = sectionOf(3501);
export const rfc5530 = sectionOf(5530);
export const rfc2342 = sectionOf(2342);
export const rfc2971 = sectionOf(2971);
export const rfc4315 = sectionOf(4315);
export const rfc4466 = sectionOf(4466);
export const rfc4731 = sectionOf(4731);
export const rfc5161 = sectionOf(5161);
export const rfc6154 = sectionOf(6154);
export const rfc7162 = sectionOf(7162);
export const rfc7889 = sectionOf(7889);

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
  | 'response-data' | 'response-tagged' | 'section' | 'section-spec' | 'seq-number' | 'sequence-set' | 'status-att' | 'status-att-list' | 'string'
  | 'tag' | 'text' | 'TEXT-CHAR' | 'time' | 'uniqueid' | 'zone';

/**
 * Rules of extension grammars, spelled as in each extension's ABNF, with the section that defines
 * them: a violation cites the extension's RFC, not RFC 3501. (RFC 7889's sections were taken from a
 * secondary source: its text is not in /work/shared/rfc.)
 */
const EXTENSION_GRAMMAR = {
  'enable-data': rfc5161('4'),
  id_response: rfc2971('4'),
  id_params_list: rfc2971('4'),
  Namespace_Response: rfc2342('6'),
  Namespace: rfc2342('6'),
  Namespace_Response_Extension: rfc2342('6'),
  'esearch-response': rfc4466('3'),
  'search-correlator': rfc4466('3'),
  'tagged-ext-val': rfc4466('3'),
  'search-return-data': rfc4731('4'),
  'fetch-mod-resp': rfc7162('7'),
  'mod-sequence-value': rfc7162('7'),
  'mod-sequence-valzer': rfc7162('7'),
  'search-sort-mod-seq': rfc7162('7'),
  'expunged-resp': rfc7162('7'),
  'known-uids': rfc7162('7'),
  'resp-code-apnd': rfc4315('4'),
  'resp-code-copy': rfc4315('4'),
  'uid-set': rfc4315('4'),
  'status-att-val.appendlimit': rfc7889('5'),
  'capability.appendlimit': rfc7889('5'),
} as const satisfies Record<string, RfcRef>;

export type ImapExtensionRuleName = keyof typeof EXTENSION_GRAMMAR;

/** Any grammar rule the response parser checks: RFC 3501 §9's, or an extension's. */
export type ImapRuleName = ImapGrammarRuleName | ImapExtensionRuleName;

function isExtensionRule(name: ImapRuleName): name is ImapExtensionRuleName {
  return Object.hasOwn(EXTENSION_GRAMMAR, name);
}

/**
 * A grammar rule. "[ABNF] rules MUST be followed strictly" (RFC 3501 §9, Note), and the extensions'
 * ABNF extends that grammar: every grammar mismatch is a MUST; prose that says otherwise gets its own
 * constant below.
 */
export function grammarRule(name: ImapRuleName): ImapRule {
  return { rule: name, ref: isExtensionRule(name) ? EXTENSION_GRAMMAR[name] : rfc3501('9'), level: 'MUST' };
}

/** A rule by its grammar name, or a rule constant (prose, or an extension's addition to an RFC 3501 rule). */
export type ImapRuleRef = ImapRuleName | ImapRule;

export function ruleOf(ref: ImapRuleRef): ImapRule {
  return typeof ref === 'string' ? grammarRule(ref) : ref;
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
  /** RFC 4315 §4: UIDNOTSTICKY is a bare name (`resp-text-code =/ ... / "UIDNOTSTICKY"`). */
  rfc4315Code: { rule: 'resp-text-code', ref: rfc4315('4'), level: 'MUST' },
  /** RFC 6154 §6: `resp-text-code =/ "USEATTR"`, a bare name. */
  rfc6154Code: { rule: 'resp-text-code', ref: rfc6154('6'), level: 'MUST' },
  /** RFC 7162 §7: `resp-text-code =/ "HIGHESTMODSEQ" SP mod-sequence-value / "NOMODSEQ" / "MODIFIED" SP sequence-set / "CLOSED"`. */
  rfc7162Code: { rule: 'resp-text-code', ref: rfc7162('7'), level: 'MUST' },
  /** RFC 7162 §7: `status-att-val =/ "HIGHESTMODSEQ" SP mod-sequence-valzer`. */
  rfc7162StatusAtt: { rule: 'status-att-val', ref: rfc7162('7'), level: 'MUST' },
  /** RFC 7162 §7: `mailbox-data =/ "SEARCH" [1*(SP nz-number) SP search-sort-mod-seq]`. */
  rfc7162Search: { rule: 'mailbox-data', ref: rfc7162('7'), level: 'MUST' },
  /** RFC 7162 §7: `message-data =/ expunged-resp`. */
  rfc7162MessageData: { rule: 'message-data', ref: rfc7162('7'), level: 'MUST' },
  /** RFC 2971 §3.3: "Field strings MUST NOT be longer than 30 octets." */
  idFieldLength: { rule: 'id_params_list.field-length', ref: rfc2971('3.3'), level: 'MUST' },
  /** RFC 2971 §3.3: "Value strings MUST NOT be longer than 1024 octets." */
  idValueLength: { rule: 'id_params_list.value-length', ref: rfc2971('3.3'), level: 'MUST' },
  /** RFC 2971 §3.3: "Implementations MUST NOT send more than 30 field-value pairs." */
  idPairs: { rule: 'id_params_list.pairs', ref: rfc2971('3.3'), level: 'MUST' },
  /** RFC 2971 §3.3: "Implementations MUST NOT send the same field name more than once." (Strings are not case-sensitive.) */
  idDuplicateField: { rule: 'id_params_list.duplicate-field', ref: rfc2971('3.3'), level: 'MUST' },
  /** RFC 2342 §5: "Namespace_Response_Extensions which are not on the IETF standards track, MUST be prefixed with an "X-"." */
  namespaceExtensionX: { rule: 'Namespace_Response_Extension.x-prefix', ref: rfc2342('5'), level: 'MUST' },
  /** RFC 4731 §3.1: MIN, MAX, ALL: "If the SEARCH results in no matches, the server MUST NOT include the … result option". */
  esearchNoMatch: { rule: 'search-return-data.no-match', ref: rfc4731('3.1'), level: 'MUST' },
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
