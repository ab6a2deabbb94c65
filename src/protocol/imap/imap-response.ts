/**
 * The IMAP4rev1 response AST (RFC 3501 §7, §9). Values, not wire forms: a string is the same value
 * whether it came quoted or as a literal, so compileResponse() can pick the canonical form and the
 * round trip parse(compile(ast)) = ast holds.
 *
 * Strings from the wire (envelope fields, body fields, text) are octet strings: one JS char per
 * octet (latin1), so 8-bit octets in literals survive exactly. Message contents are Buffers
 * (or a digest when large, see ImapContent). Mailbox names are decoded (modified UTF-7, §5.1.3).
 */

export type ImapStatus = 'OK' | 'NO' | 'BAD';

/** resp-text-code names that take no arguments: RFC 3501 §7.1 and RFC 5530 §3. */
export const SIMPLE_CODE_NAMES = [
  'ALERT', 'PARSE', 'READ-ONLY', 'READ-WRITE', 'TRYCREATE',
  'UNAVAILABLE', 'AUTHENTICATIONFAILED', 'AUTHORIZATIONFAILED', 'EXPIRED', 'PRIVACYREQUIRED', 'CONTACTADMIN',
  'NOPERM', 'INUSE', 'EXPUNGEISSUED', 'CORRUPTION', 'SERVERBUG', 'CLIENTBUG', 'CANNOT', 'LIMIT', 'OVERQUOTA',
  'ALREADYEXISTS', 'NONEXISTENT',
] as const;
export type ImapSimpleCodeName = (typeof SIMPLE_CODE_NAMES)[number];

/** `resp-text-code` (§9), the names upper-cased (they are case-insensitive, §9 Note 1). */
export type ImapRespTextCode =
  | { readonly kind: 'simple'; readonly name: ImapSimpleCodeName }
  /** `"BADCHARSET" [SP "(" astring *(SP astring) ")"]`: [] when the list is absent. */
  | { readonly kind: 'badcharset'; readonly charsets: readonly string[] }
  | { readonly kind: 'capability'; readonly capabilities: readonly string[] }
  /** `"PERMANENTFLAGS" SP "(" [flag-perm *(SP flag-perm)] ")"`, flags as sent ("\*" included). */
  | { readonly kind: 'permanentflags'; readonly flags: readonly string[] }
  | { readonly kind: 'number'; readonly name: 'UIDNEXT' | 'UIDVALIDITY' | 'UNSEEN'; readonly value: number }
  /** `atom [SP 1*<any TEXT-CHAR except "]">]`: any other code, name as sent; text undefined without SP. */
  | { readonly kind: 'other'; readonly name: string; readonly text: string | undefined };

/** `resp-text = ["[" resp-text-code "]" SP] text` */
export interface ImapRespText {
  readonly code: ImapRespTextCode | undefined;
  readonly text: string;
}

/** `response-tagged = tag SP resp-cond-state CRLF` */
export interface ImapTaggedResponse extends ImapRespText {
  readonly kind: 'tagged';
  readonly tag: string;
  readonly status: ImapStatus;
}

/** `"*" SP resp-cond-bye` (response-fatal, a BYE in response-data, or a greeting). */
export interface ImapByeResponse extends ImapRespText {
  readonly kind: 'bye';
}

/** `continue-req = "+" SP (resp-text / base64)`: text holds the base64 when there is no code. */
export interface ImapContinuationResponse extends ImapRespText {
  readonly kind: 'continuation';
}

/** Untagged `resp-cond-state`, or `resp-cond-auth` in a greeting (PREAUTH). */
export interface ImapConditionResponse extends ImapRespText {
  readonly kind: 'untagged';
  readonly type: 'condition';
  readonly status: ImapStatus | 'PREAUTH';
}

export interface ImapCapabilityResponse {
  readonly kind: 'untagged';
  readonly type: 'capability';
  /** As sent, in order ("IMAP4rev1" included). */
  readonly capabilities: readonly string[];
}

export interface ImapFlagsResponse {
  readonly kind: 'untagged';
  readonly type: 'flags';
  readonly flags: readonly string[];
}

/** A mailbox name: the astring's octets and their meaning. */
export interface ImapMailboxName {
  /** Octets as sent (latin1), string form removed. */
  readonly raw: string;
  /** "INBOX" for any case variant of INBOX (§9 `mailbox`); otherwise modified UTF-7 decoded (§5.1.3). */
  readonly name: string;
}

/** `mailbox-list = "(" [mbx-list-flags] ")" SP (DQUOTE QUOTED-CHAR DQUOTE / nil) SP mailbox` */
export interface ImapListResponse {
  readonly kind: 'untagged';
  readonly type: 'list' | 'lsub';
  readonly attributes: readonly string[];
  /** The hierarchy delimiter, or null for NIL (a flat name). */
  readonly delimiter: string | null;
  readonly mailbox: ImapMailboxName;
}

/** `"SEARCH" *(SP nz-number)`, and RFC 7162's `[1*(SP nz-number) SP search-sort-mod-seq]`. */
export interface ImapSearchResponse {
  readonly kind: 'untagged';
  readonly type: 'search';
  readonly numbers: readonly number[];
  /** RFC 7162 `"(" "MODSEQ" SP mod-sequence-value ")"` after the numbers, when sent. */
  readonly modseq: ImapModSeq | undefined;
}

export type ImapStatusAttributeName = 'MESSAGES' | 'RECENT' | 'UIDNEXT' | 'UIDVALIDITY' | 'UNSEEN';

/**
 * `"STATUS" SP mailbox SP "(" [status-att-list] ")"` — attribute names upper-cased. The extension
 * items, whose values are not 32-bit numbers, have fields of their own.
 */
export interface ImapStatusResponse {
  readonly kind: 'untagged';
  readonly type: 'status';
  readonly mailbox: ImapMailboxName;
  /** `status-att SP number` items: RFC 3501's, and unknown ones (reported), in order. */
  readonly attributes: ReadonlyArray<{ readonly name: string; readonly value: number }>;
  /** RFC 7162 `"HIGHESTMODSEQ" SP mod-sequence-valzer` ("0": no persistent mod-sequences), when sent. */
  readonly highestModSeq: ImapModSeq | undefined;
  /** RFC 7889 `"APPENDLIMIT" SP (number / nil)`: octets, null for NIL (no limit), undefined when not sent. */
  readonly appendLimit: number | null | undefined;
}

/** `number SP "EXISTS"` / `number SP "RECENT"` / `nz-number SP "EXPUNGE"` */
export interface ImapCountResponse {
  readonly kind: 'untagged';
  readonly type: 'exists' | 'recent' | 'expunge';
  readonly number: number;
}

/** `nz-number SP "FETCH" SP msg-att` */
export interface ImapFetchResponse {
  readonly kind: 'untagged';
  readonly type: 'fetch';
  readonly seq: number;
  readonly attributes: readonly ImapFetchAttribute[];
}

/**
 * `"*" SP "X" atom …`: untagged data of an experimental command (§6.5.1: "Any added untagged
 * responses issued by an experimental command MUST also be prefixed with an X"). Not a violation
 * here: whether the client "requested it by issuing the associated experimental command" is for the
 * session to check.
 */
export interface ImapExperimentalResponse {
  readonly kind: 'untagged';
  readonly type: 'experimental';
  /** The response name as sent ("XPIG-LATIN"). */
  readonly name: string;
  /** Everything after the name and its SP, as octets (latin1); undefined when the name ends the response. */
  readonly text: string | undefined;
}

/** RFC 5161 `enable-data = "ENABLED" *(SP capability)`: the extensions enabled, as sent. */
export interface ImapEnabledResponse {
  readonly kind: 'untagged';
  readonly type: 'enabled';
  readonly capabilities: readonly string[];
}

/** RFC 2971 `id_response = "ID" SP id_params_list`: field/value pairs in order, or null for NIL. */
export interface ImapIdResponse {
  readonly kind: 'untagged';
  readonly type: 'id';
  readonly params: ReadonlyArray<readonly [string, string | null]> | null;
}

/** RFC 2342 `"(" string SP (<"> QUOTED_CHAR <"> / nil) *(Namespace_Response_Extension) ")"` */
export interface ImapNamespaceDescr {
  /** The prefix's octets (latin1). */
  readonly prefix: string;
  /** The hierarchy delimiter, or null for NIL. */
  readonly delimiter: string | null;
  /** `SP string SP "(" string *(SP string) ")"` each. */
  readonly extensions: ReadonlyArray<{ readonly name: string; readonly values: readonly string[] }>;
}

/** RFC 2342 `"NAMESPACE" SP Namespace SP Namespace SP Namespace`: each null for NIL. */
export interface ImapNamespaceResponse {
  readonly kind: 'untagged';
  readonly type: 'namespace';
  readonly personal: readonly ImapNamespaceDescr[] | null;
  readonly otherUsers: readonly ImapNamespaceDescr[] | null;
  readonly shared: readonly ImapNamespaceDescr[] | null;
}

/** `search-return-data` of RFC 4731 (and MODSEQ, RFC 4731 §4 with RFC 7162). */
export type ImapSearchReturnData =
  | { readonly name: 'MIN' | 'MAX' | 'COUNT'; readonly value: number }
  | { readonly name: 'ALL'; readonly set: ImapNumberSet }
  | { readonly name: 'MODSEQ'; readonly modseq: ImapModSeq }
  /** A label RFC 4731 does not define (reported): as sent, its tagged-ext-val read generically. */
  | { readonly name: 'unknown'; readonly label: string; readonly value: ImapBodyExtension };

/** RFC 4466 `esearch-response = "ESEARCH" [search-correlator] [SP "UID"] *(SP search-return-data)` */
export interface ImapEsearchResponse {
  readonly kind: 'untagged';
  readonly type: 'esearch';
  /** The correlator's tag-string, undefined without `(TAG …)`. */
  readonly tag: string | undefined;
  readonly uid: boolean;
  readonly data: readonly ImapSearchReturnData[];
}

/** RFC 7162 `expunged-resp = "VANISHED" [SP "(EARLIER)"] SP known-uids` */
export interface ImapVanishedResponse {
  readonly kind: 'untagged';
  readonly type: 'vanished';
  readonly earlier: boolean;
  readonly uids: ImapNumberSet;
}

/** A response whose type RFC 3501 does not define, or that could not be parsed: its octets (latin1). */
export interface ImapUnparsedResponse {
  readonly kind: 'unparsed';
  readonly text: string;
}

export type ImapUntaggedResponse =
  | ImapConditionResponse | ImapCapabilityResponse | ImapFlagsResponse | ImapListResponse | ImapSearchResponse
  | ImapStatusResponse | ImapCountResponse | ImapFetchResponse | ImapExperimentalResponse
  | ImapEnabledResponse | ImapIdResponse | ImapNamespaceResponse | ImapEsearchResponse | ImapVanishedResponse;

export type ImapResponse =
  | ImapTaggedResponse | ImapUntaggedResponse | ImapByeResponse | ImapContinuationResponse | ImapUnparsedResponse;

/** `seq-number = nz-number / "*"` (RFC 3501 §9). */
export type ImapSeqNumber = number | '*';

/** One element of a sequence-set: a number, or `from ":" to` as sent (`to` undefined for a single number). */
export interface ImapSetRange {
  readonly from: ImapSeqNumber;
  readonly to: ImapSeqNumber | undefined;
}

/** `sequence-set` (RFC 3501 §9), `uid-set` (RFC 4315), `known-uids` (RFC 7162): elements in order. */
export type ImapNumberSet = readonly ImapSetRange[];

/**
 * RFC 7162 `mod-sequence-value` ("Positive unsigned 63-bit integer") or `mod-sequence-valzer`, as
 * decimal digits without leading zeros: exact, where a JS number is not past 2^53 (compare with BigInt()).
 */
export type ImapModSeq = string;

/** `address = "(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")"` — group markers have host null. */
export interface ImapAddress {
  readonly name: string | null;
  readonly adl: string | null;
  readonly mailbox: string | null;
  readonly host: string | null;
}

/** `envelope` (§9); address lists are null for NIL (an empty list "()" is not allowed). */
export interface ImapEnvelope {
  readonly date: string | null;
  readonly subject: string | null;
  readonly from: readonly ImapAddress[] | null;
  readonly sender: readonly ImapAddress[] | null;
  readonly replyTo: readonly ImapAddress[] | null;
  readonly to: readonly ImapAddress[] | null;
  readonly cc: readonly ImapAddress[] | null;
  readonly bcc: readonly ImapAddress[] | null;
  readonly inReplyTo: string | null;
  readonly messageId: string | null;
}

/** `date-time` fields; zone as sent ("+0200", "-0000"). */
export interface ImapDateTime {
  readonly year: number;
  /** 1–12 */
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly zone: string;
}

/** Message content: all octets, or past the large-literal threshold a digest and a prefix. */
export type ImapContent =
  | { readonly kind: 'bytes'; readonly bytes: Buffer }
  | { readonly kind: 'digest'; readonly length: number; readonly sha256: string; readonly prefix: Buffer };

/** `section-spec`: part path ([] for the top level) and the optional text specifier. */
export interface ImapSection {
  readonly part: readonly number[];
  readonly text: 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME' | undefined;
  /** header-list of HEADER.FIELDS(.NOT), names as sent. */
  readonly fields: readonly string[] | undefined;
}

export type ImapFetchAttribute =
  | { readonly name: 'FLAGS'; readonly flags: readonly string[] }
  | { readonly name: 'ENVELOPE'; readonly envelope: ImapEnvelope }
  /** date undefined when the date-time could not be read; raw is the quoted string's content. */
  | { readonly name: 'INTERNALDATE'; readonly date: ImapDateTime | undefined; readonly raw: string }
  | { readonly name: 'RFC822' | 'RFC822.HEADER' | 'RFC822.TEXT'; readonly content: ImapContent | null }
  | { readonly name: 'RFC822.SIZE'; readonly size: number }
  /** BODY (no extension data allowed) or BODYSTRUCTURE. */
  | { readonly name: 'BODY' | 'BODYSTRUCTURE'; readonly structure: ImapBodyStructure }
  | { readonly name: 'BODY[]'; readonly section: ImapSection; readonly origin: number | undefined; readonly content: ImapContent | null }
  | { readonly name: 'UID'; readonly uid: number }
  /** RFC 7162 `fetch-mod-resp = "MODSEQ" SP "(" permsg-modsequence ")"` */
  | { readonly name: 'MODSEQ'; readonly modseq: ImapModSeq }
  /** A data item RFC 3501 does not define (reported): its name as sent and its value, read generically. */
  | { readonly name: 'unknown'; readonly item: string; readonly value: ImapBodyExtension };

/** `body-fld-param`: attribute/value pairs, or null for NIL. */
export type ImapBodyParams = ReadonlyArray<readonly [string, string]> | null;

/** `body-fld-dsp = "(" string SP body-fld-param ")" / nil` */
export type ImapBodyDisposition = { readonly type: string; readonly params: ImapBodyParams } | null;

/** `body-extension = nstring / number / "(" body-extension *(SP body-extension) ")"` */
export type ImapBodyExtension = string | number | null | readonly ImapBodyExtension[];

/**
 * Extension data after the defined fields, each present only if the ones before it are
 * (`[SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc *(SP body-extension)]]]`).
 */
export interface ImapBodyExtensionTail {
  readonly disposition?: ImapBodyDisposition;
  /** `body-fld-lang = nstring / "(" string *(SP string) ")"`: the list form is an array. */
  readonly language?: string | null | readonly string[];
  readonly location?: string | null;
  readonly extensions?: readonly ImapBodyExtension[];
}

/** `body-ext-1part = body-fld-md5 [SP …]` */
export interface ImapBodyExt1Part extends ImapBodyExtensionTail {
  readonly md5: string | null;
}

/** `body-ext-mpart = body-fld-param [SP …]` */
export interface ImapBodyExtMPart extends ImapBodyExtensionTail {
  readonly params: ImapBodyParams;
}

/** `body-fields = body-fld-param SP body-fld-id SP body-fld-desc SP body-fld-enc SP body-fld-octets` */
export interface ImapBodyFields {
  readonly params: ImapBodyParams;
  readonly id: string | null;
  readonly description: string | null;
  readonly encoding: string;
  readonly octets: number;
}

interface ImapBodySinglePart {
  /** Media type and subtype as sent. */
  readonly type: string;
  readonly subtype: string;
  readonly fields: ImapBodyFields;
  /** Only from BODYSTRUCTURE (BODY never carries extension data, §7.4.2). */
  readonly extension: ImapBodyExt1Part | undefined;
}

/** `body-type-basic` */
export interface ImapBodyBasic extends ImapBodySinglePart {
  readonly kind: 'basic';
}

/** `body-type-text`: TEXT/* with its line count. */
export interface ImapBodyText extends ImapBodySinglePart {
  readonly kind: 'text';
  readonly lines: number;
}

/** `body-type-msg`: MESSAGE/RFC822 with the encapsulated message's envelope, body and line count. */
export interface ImapBodyMessage extends ImapBodySinglePart {
  readonly kind: 'message';
  readonly envelope: ImapEnvelope;
  readonly body: ImapBodyStructure;
  readonly lines: number;
}

/** `body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]` */
export interface ImapBodyMultipart {
  readonly kind: 'multipart';
  readonly parts: readonly ImapBodyStructure[];
  readonly subtype: string;
  readonly extension: ImapBodyExtMPart | undefined;
}

export type ImapBodyStructure = ImapBodyBasic | ImapBodyText | ImapBodyMessage | ImapBodyMultipart;
