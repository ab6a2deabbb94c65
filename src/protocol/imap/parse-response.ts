import type { Violation } from '../shared/violation.js';
import { SP, isDigit, isTagChar } from './formal-syntax.js';
import { createImapViolation, grammarRule, type ImapRuleName } from './imap-rule.js';
import type { ImapFetchAttribute, ImapResponse, ImapRespText, ImapStatus, ImapUnparsedResponse } from './imap-response.js';
import { DEFAULT_IMAP_LIMITS, resolveImapLimits, type ImapLimits } from './limits.js';
import { parseMsgAtt } from './parse-fetch.js';
import { parseFlagList } from './parse-flags.js';
import { parseMailboxList, parseSearch, parseStatus } from './parse-mailbox-data.js';
import { parseCapabilityList } from './parse-capability.js';
import { parseEsearch } from './parse-esearch.js';
import { parseId } from './parse-id.js';
import { parseNamespaceResponse } from './parse-namespace.js';
import { parseRespText } from './parse-resp-text.js';
import { parseVanished } from './parse-vanished.js';
import type { ImapRawResponse } from './response-framer.js';
import { ImapCursor, ImapParseAbort } from './scan-cursor.js';
import { ImapTokenizer } from './tokenize.js';

/** An extension's response ends where its own rule does: octets after it violate that rule. */
const EXTENSION_END_RULES: ReadonlyMap<string, ImapRuleName> = new Map<string, ImapRuleName>([
  ['ENABLED', 'enable-data'], ['ID', 'id_response'], ['NAMESPACE', 'Namespace_Response'], ['ESEARCH', 'esearch-response'], ['VANISHED', 'expunged-resp'],
]);

export interface ImapParseOptions {
  /** The first response of a connection: only `greeting = "*" SP (resp-cond-auth / resp-cond-bye) CRLF` is allowed. */
  readonly greeting?: boolean;
  readonly limits?: Partial<ImapLimits>;
}

export interface ImapParseResult {
  /** As much as could be read: a response stopped half-way keeps what was read before (FETCH items, the tag and status). */
  readonly response: ImapResponse;
  /** Grammar violations, at response offsets, in offset order. Framing ones come from the framer. */
  readonly violations: Violation[];
  /** The grammar read the response to its end (false after a hard error, and for unparsed responses). */
  readonly complete: boolean;
}

/** Holds the response as far as it is known, for when the parse stops half-way. */
interface Draft {
  value: ImapResponse | undefined;
}

/**
 * Parses one framed server response (RFC 3501 §7, grammar §9). Pure and total on server input:
 * never throws for what the server sent, never repairs silently — every deviation is a Violation.
 */
export function parseResponse(raw: ImapRawResponse, options: ImapParseOptions = {}): ImapParseResult {
  const t = new ImapTokenizer(raw, resolveImapLimits(options.limits));
  const draft: Draft = { value: undefined };
  let response: ImapResponse;
  let complete = true;
  try {
    response = parseAny(t, draft, options.greeting === true);
  } catch (e) {
    if (!(e instanceof ImapParseAbort)) throw e;
    response = draft.value ?? renderUnparsed(raw);
    complete = false;
  }
  if (response.kind === 'unparsed') complete = false;
  if (options.greeting === true && !isGreeting(response)) {
    t.violations.push(createImapViolation(grammarRule('greeting'), 0, 'greeting is not "*" SP (OK / PREAUTH / BYE) SP resp-text', '"*" SP (resp-cond-auth / resp-cond-bye)', raw.parts[0]?.bytes.subarray(0, 16) ?? ''));
  }
  return { response, violations: t.violations.sort((a, b) => a.offset - b.offset), complete };
}

function isGreeting(r: ImapResponse): boolean {
  return r.kind === 'bye' || (r.kind === 'untagged' && r.type === 'condition' && (r.status === 'OK' || r.status === 'PREAUTH'));
}

function parseAny(t: ImapTokenizer, draft: Draft, greeting: boolean): ImapResponse {
  if (t.take(0x2b)) return parseContinuation(t, draft);
  if (t.take(0x2a)) return parseUntagged(t, draft, greeting);
  return parseTagged(t, draft);
}

/** continue-req = "+" SP (resp-text / base64) CRLF — an empty base64 makes "+ " alone valid. */
function parseContinuation(t: ImapTokenizer, draft: Draft): ImapResponse {
  draft.value = { kind: 'continuation', code: undefined, text: '' };
  if (t.atLineEnd()) {
    t.report(grammarRule('continue-req'), 'continue-req: "+" not followed by SP', '"+" SP (resp-text / base64)');
    return draft.value;
  }
  t.expectOneSp('continue-req');
  const text: ImapRespText = t.peek() === 0x5b ? parseRespText(t) : { code: undefined, text: t.readText('text', true) };
  t.expectEnd('continue-req');
  return { kind: 'continuation', ...text };
}

/** response-tagged = tag SP resp-cond-state CRLF; tag = 1*<any ASTRING-CHAR except "+"> */
function parseTagged(t: ImapTokenizer, draft: Draft): ImapResponse {
  const tagAt = t.offset;
  const tagBytes = t.readWhile((b) => b !== SP);
  if (tagBytes.length === 0) t.fail('tag', 'tag, "*" or "+"', 'response starts with neither a tag, "*" nor "+"');
  const bad = tagBytes.findIndex((b) => !isTagChar(b));
  if (bad >= 0) {
    t.report(grammarRule('tag'), 'tag: octet outside 1*<any ASTRING-CHAR except "+">', 'ASTRING-CHAR except "+"', tagAt + bad, tagBytes.subarray(bad, bad + 1));
  }
  const tag = tagBytes.toString('latin1');
  t.expectSp('response-tagged');
  const statusAt = t.offset;
  const keyword = t.readKeyword();
  const word = keyword.toUpperCase();
  if (word !== 'OK' && word !== 'NO' && word !== 'BAD') {
    // BYE and PREAUTH "are always untagged" (§7.1).
    const what = `response-tagged: ${word === '' ? 'no status' : `status ${word}`} after the tag`;
    t.report(grammarRule('resp-cond-state'), what, '"OK" / "NO" / "BAD"', statusAt, word === '' ? t.receivedHere() : Buffer.from(keyword, 'latin1'));
    throw new ImapParseAbort();
  }
  draft.value = { kind: 'tagged', tag, status: word, code: undefined, text: '' };
  const text = parseCondText(t);
  t.expectEnd('response-tagged');
  return { kind: 'tagged', tag, status: word, ...text };
}

/** After a status word: SP resp-text. A status ending the line is one violation, not two. */
function parseCondText(t: ImapTokenizer): ImapRespText {
  if (t.atLineEnd()) {
    t.report(grammarRule('resp-text'), 'status not followed by SP and text', 'SP resp-text');
    return { code: undefined, text: '' };
  }
  t.expectOneSp('resp-cond-state');
  return parseRespText(t);
}

/**
 * "*" SP (resp-cond-state / resp-cond-bye / mailbox-data / message-data / capability-data) CRLF, and
 * the response-data of ENABLE (RFC 5161), ID (RFC 2971), NAMESPACE (RFC 2342), ESEARCH (RFC 4466 /
 * RFC 4731) and VANISHED (RFC 7162).
 */
function parseUntagged(t: ImapTokenizer, draft: Draft, greeting: boolean): ImapResponse {
  t.expectSp('response-data');
  if (isDigit(t.peek())) return parseNumbered(t, draft);
  const at = t.offset;
  const keyword = t.readKeyword();
  const word = keyword.toUpperCase();
  let response: ImapResponse;
  switch (word) {
    case 'OK':
    case 'NO':
    case 'BAD':
    case 'PREAUTH': {
      if (word === 'PREAUTH' && !greeting) {
        t.report(grammarRule('resp-cond-auth'), 'PREAUTH outside the greeting (resp-cond-auth only occurs in greeting)', 'resp-cond-state / resp-cond-bye', at, Buffer.from(keyword, 'latin1'));
      }
      const status: ImapStatus | 'PREAUTH' = word;
      draft.value = { kind: 'untagged', type: 'condition', status, code: undefined, text: '' };
      response = { kind: 'untagged', type: 'condition', status, ...parseCondText(t) };
      break;
    }
    case 'BYE':
      draft.value = { kind: 'bye', code: undefined, text: '' };
      response = { kind: 'bye', ...parseCondText(t) };
      break;
    case 'CAPABILITY':
      response = { kind: 'untagged', type: 'capability', capabilities: parseCapabilityList(t, at, { inCode: false, rule: 'capability-data' }) };
      break;
    // Extension responses are read whenever they come: the parser has no session, and a server that
    // sends one unasked is for the session to judge; what is checked here is their grammar.
    case 'ENABLED':
      response = { kind: 'untagged', type: 'enabled', capabilities: parseCapabilityList(t, at, { inCode: false, rule: 'enable-data' }) };
      break;
    case 'ID':
      response = parseId(t);
      break;
    case 'NAMESPACE':
      response = parseNamespaceResponse(t);
      break;
    case 'ESEARCH':
      response = parseEsearch(t);
      break;
    case 'VANISHED':
      response = parseVanished(t);
      break;
    case 'FLAGS':
      t.expectSp('mailbox-data');
      response = { kind: 'untagged', type: 'flags', flags: parseFlagList(t, 'flag-list') };
      break;
    case 'LIST':
    case 'LSUB':
      response = parseMailboxList(t, word === 'LIST' ? 'list' : 'lsub');
      break;
    case 'SEARCH':
      response = parseSearch(t);
      break;
    case 'STATUS':
      response = parseStatus(t);
      break;
    default:
      if (word.startsWith('X')) return { kind: 'untagged', type: 'experimental', name: keyword, text: t.take(SP) ? t.readRest() : undefined };
      return reportUnknown(t, at, keyword);
  }
  t.expectEnd(EXTENSION_END_RULES.get(word) ?? 'response-data');
  return response;
}

/** number SP "EXISTS" / number SP "RECENT" / nz-number SP ("EXPUNGE" / ("FETCH" SP msg-att)) */
function parseNumbered(t: ImapTokenizer, draft: Draft): ImapResponse {
  const numberAt = t.offset;
  const start = t.position;
  const number = t.readNumber('number', 'response-data');
  const digits = t.slice(start);
  t.expectSp('response-data');
  const at = t.offset;
  const keyword = t.readKeyword();
  const word = keyword.toUpperCase();
  if ((word === 'EXPUNGE' || word === 'FETCH') && digits[0] === 0x30) {
    t.report(grammarRule('nz-number'), `message-data: ${number === 0 ? 'message number 0' : 'leading zero'} (nz-number)`, 'nz-number = digit-nz *DIGIT', numberAt, digits);
  }
  let response: ImapResponse;
  if (word === 'EXISTS' || word === 'RECENT' || word === 'EXPUNGE') {
    response = { kind: 'untagged', type: word === 'EXISTS' ? 'exists' : word === 'RECENT' ? 'recent' : 'expunge', number };
  } else if (word === 'FETCH') {
    t.expectSp('message-data');
    const attributes: ImapFetchAttribute[] = [];
    response = { kind: 'untagged', type: 'fetch', seq: number, attributes };
    draft.value = response;
    parseMsgAtt(t, attributes);
  } else {
    return reportUnknown(t, at, keyword);
  }
  t.expectEnd(word === 'FETCH' || word === 'EXPUNGE' ? 'message-data' : 'mailbox-data');
  return response;
}

/**
 * A response type neither RFC 3501 nor an extension read here defines. "Server responses MUST
 * conform to this document until the client issues a command that uses the associated capability"
 * (§7.2.1): reported. The octets are kept so the session can go on.
 */
function reportUnknown(t: ImapTokenizer, at: number, keyword: string): never {
  t.report(grammarRule('response-data'), `response type ${keyword === '' ? '(none)' : keyword} is not defined by RFC 3501 or an extension this parser reads`, 'resp-cond-state / resp-cond-bye / mailbox-data / message-data / capability-data', at, keyword === '' ? t.receivedHere() : Buffer.from(keyword, 'latin1'));
  throw new ImapParseAbort();
}

/** The response's octets (latin1), line endings included except the last. */
function renderUnparsed(raw: ImapRawResponse): ImapUnparsedResponse {
  return { kind: 'unparsed', text: new ImapCursor(raw, DEFAULT_IMAP_LIMITS).readRest() };
}
