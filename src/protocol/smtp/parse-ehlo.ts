import type { Violation } from '../shared/violation.js';
import { checkHostAfterCode } from './parse-greeting.js';
import { createViolation, type SmtpReplyLine, type SmtpRule } from './parse-reply-line.js';
import { offsetInReply, type SmtpReply } from './reply-assembler.js';

export interface SmtpEhloReply {
  /** The server's name from the first line (empty if the reply is not a 250). */
  readonly domain: string;
  /** Text after the name on the first line (ehlo-greet), possibly empty. */
  readonly greet: string;
  /** Keyword, uppercased (§4.1.1.1: case-insensitive) → its parameters, in order. */
  readonly keywords: Map<string, string[]>;
  /** EHLO-specific violations; offsets are reply-relative like SmtpReply.violations. */
  readonly violations: Violation[];
}

const rfc5321 = { rfc: 5321, section: '4.1.1.1' } as const;

export const EHLO_RULES = {
  /**
   * ehlo-ok-rsp = ( "250" SP Domain [ SP ehlo-greet ] CRLF ) / ( "250-" Domain ... (§4.1.1.1).
   * An address-literal is accepted too: §4.3.1 says "all the greeting-type replies have the
   * official name ... Sometimes the host will have no meaningful name. See Section 4.1.3".
   */
  domain: { rule: 'ehlo-ok-rsp.domain', ref: rfc5321, level: 'MUST' },
  keyword: { rule: 'ehlo-keyword', ref: rfc5321, level: 'MUST' },
  param: { rule: 'ehlo-param', ref: rfc5321, level: 'MUST' },
} as const satisfies Record<string, SmtpRule>;

// ehlo-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
const isKeywordStart = (c: string): boolean => /^[A-Za-z0-9]$/.test(c);
const isKeywordChar = (c: string): boolean => /^[A-Za-z0-9-]$/.test(c);
// ehlo-param = 1*(%d33-126) ; any CHAR excluding <SP> and all control characters
const isParamChar = (c: string): boolean => c >= '\x21' && c <= '\x7e';

/**
 * Reads a reply to EHLO (§4.1.1.1). Only a 250 reply is interpreted: whether a failure reply is
 * acceptable is the session's call, so other codes give empty results and no violations.
 * Lines that break the grammar are still read (keyword uppercased, empty params skipped) and
 * each deviation is reported. ehlo-greet (%d0-9 / %d11-12 / %d14-127) admits controls that
 * textstring does not; the line parser still reports them, since §4.2's Reply-line covers all replies.
 */
export function parseEhloReply(reply: SmtpReply): SmtpEhloReply {
  const keywords = new Map<string, string[]>();
  const violations: Violation[] = [];
  const [first, ...rest] = reply.lines;
  if (reply.code !== 250 || first === undefined) return { domain: '', greet: '', keywords, violations };

  const hostError = checkHostAfterCode(first.raw.bytes, EHLO_RULES.domain);
  if (hostError !== undefined) violations.push(hostError);
  const spaceAt = first.text.indexOf(' ');
  const domain = spaceAt < 0 ? first.text : first.text.slice(0, spaceAt);
  const greet = spaceAt < 0 ? '' : first.text.slice(spaceAt + 1);

  rest.forEach((line, i) => {
    const base = offsetInReply(reply, i + 1, textOffset(line));
    const { keyword, params } = readEhloLine(line.text, base, violations);
    const key = keyword.toUpperCase();
    // RFC 5321 says nothing about repeated keywords; the first one wins.
    if (!keywords.has(key)) keywords.set(key, params);
  });
  return { domain, greet, keywords, violations };
}

function textOffset(line: SmtpReplyLine): number {
  return line.separator === 'other' ? 3 : 4;
}

/** ehlo-line = ehlo-keyword *( SP ehlo-param ); `base` is the reply offset of text[0]. */
function readEhloLine(text: string, base: number, violations: Violation[]): { keyword: string; params: string[] } {
  const tokens = text.split(' ');
  const keyword = tokens[0] ?? '';
  const badAt = [...keyword].findIndex((c, i) => !(i === 0 ? isKeywordStart(c) : isKeywordChar(c)));
  if (keyword === '' || badAt >= 0) {
    const keywordAt = keyword === '' ? 0 : badAt;
    violations.push(
      createViolation(
        EHLO_RULES.keyword,
        base + keywordAt,
        keyword === '' ? 'EHLO line without a keyword' : `"${keyword}" is not an ehlo-keyword`,
        keywordAt === 0 ? 'ALPHA / DIGIT' : 'ALPHA / DIGIT / "-"',
        Buffer.from(keyword.slice(keywordAt, keywordAt + 1), 'latin1'),
      ),
    );
  }

  const params: string[] = [];
  let at = keyword.length + 1;
  for (const param of tokens.slice(1)) {
    const bad = param === '' ? -1 : [...param].findIndex((c) => !isParamChar(c));
    if (param === '' || bad >= 0) {
      // An empty param is an SP followed by another SP or the end: point at that SP.
      const offset = param === '' ? at - 1 : at + bad;
      violations.push(
        createViolation(
          EHLO_RULES.param,
          base + offset,
          param === '' ? 'SP not followed by an ehlo-param' : `"${param}" is not an ehlo-param`,
          '1*(%d33-126)',
          Buffer.from(param === '' ? ' ' : param.slice(bad, bad + 1), 'latin1'),
        ),
      );
    }
    if (param !== '') params.push(param);
    at += param.length + 1;
  }
  return { keyword, params };
}
