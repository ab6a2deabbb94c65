import type { Violation } from '../shared/violation.js';
import { createViolation, type SmtpRule } from './parse-reply-line.js';
import type { SmtpReply } from './reply-assembler.js';

export const GREETING_RULES = {
  /**
   * "CONNECTION ESTABLISHMENT S: 220 E: 554" (§4.3.2); of that table §4.3.1 says "These SHOULD be
   * strictly adhered to.", hence SHOULD. 554 is also §3.1's refusal. 421 is legal too: §3.8 lets the server close "after detecting the need
   * to shut down the SMTP service and returning a 421 response code", "if necessary,
   * asynchronously from command receipt" — that includes before the greeting.
   */
  code: { rule: 'Greeting.code', ref: { rfc: 5321, section: '4.3.2' }, level: 'SHOULD' },
  domain: { rule: 'Greeting.domain', ref: { rfc: 5321, section: '4.2' }, level: 'MUST' },
} as const satisfies Record<string, SmtpRule>;

/** Codes a server may open a connection with: 220, 554 (§3.1) and 421 (§3.8). */
export const GREETING_CODES: ReadonlySet<number> = new Set([220, 421, 554]);

/** A host-name syntax error: where in the checked token, and what was allowed there. */
export interface HostSyntaxError {
  readonly offset: number;
  readonly expected: string;
}

/**
 * Checks the connection greeting (§4.2 Greeting, §3.1, §4.3.2). Returns only greeting-specific
 * violations: the reply's own grammar violations are already in `reply.violations`, and a code
 * that is not three digits is not reported twice.
 */
export function checkGreeting(reply: SmtpReply): Violation[] {
  const first = reply.lines[0];
  if (first === undefined || reply.code === undefined) return [];
  if (!GREETING_CODES.has(reply.code)) {
    return [
      createViolation(
        GREETING_RULES.code,
        0,
        `connection greeting with code ${reply.code}`,
        '220, or 554 / 421 to refuse the session',
        first.raw.bytes.subarray(0, 3),
      ),
    ];
  }
  // "(Other possible server responses upon connection follow the syntax of Reply-line.)" (§4.2)
  if (reply.code !== 220) return [];
  // Greeting = ( "220 " (Domain / address-literal) [ SP textstring ] CRLF ) / ( "220-" ... (§4.2)
  const v = checkHostAfterCode(first.raw.bytes, GREETING_RULES.domain);
  return v === undefined ? [] : [v];
}

/**
 * Checks that a first reply line carries `(Domain / address-literal)` right after "NNN " or
 * "NNN-", ended by SP or end of line. Offsets are within the line, which for a reply's first line
 * is also the reply offset. Shared with the EHLO reply check.
 */
export function checkHostAfterCode(bytes: Buffer, spec: SmtpRule): Violation | undefined {
  const sep = bytes[3];
  // A bad separator is a Reply-line violation already; checking past it would only echo that.
  if (sep !== undefined && sep !== 0x20 && sep !== 0x2d) return undefined;
  const rest = bytes.subarray(4).toString('latin1');
  const spaceAt = rest.indexOf(' ');
  const host = spaceAt < 0 ? rest : rest.slice(0, spaceAt);
  const error = findHostSyntaxError(host);
  if (error === undefined) return undefined;
  const offset = Math.min(4 + error.offset, bytes.length);
  return createViolation(
    spec,
    offset,
    host === '' ? 'no server name after the reply code' : `"${host}" is not a Domain or address-literal`,
    error.expected,
    bytes.subarray(offset, offset + 1),
  );
}

/** Returns where `host` stops matching `Domain / address-literal` (§4.1.2, §4.1.3), or undefined. */
export function findHostSyntaxError(host: string): HostSyntaxError | undefined {
  if (!host.startsWith('[')) return findDomainSyntaxError(host);
  if (!host.endsWith(']') || host.length < 2) {
    return { offset: host.length, expected: '"]" closing the address-literal' };
  }
  return isAddressLiteralBody(host.slice(1, -1))
    ? undefined
    : { offset: 1, expected: 'IPv4-address-literal / IPv6-address-literal / General-address-literal' };
}

const isLetDig = (c: string | undefined): boolean => c !== undefined && /^[A-Za-z0-9]$/.test(c);

/**
 * Domain = sub-domain *("." sub-domain); sub-domain = Let-dig [Ldh-str];
 * Ldh-str = *( ALPHA / DIGIT / "-" ) Let-dig (§4.1.2). Points at the first byte that breaks it.
 */
export function findDomainSyntaxError(domain: string): HostSyntaxError | undefined {
  let labelStart = 0;
  for (let i = 0; i <= domain.length; i++) {
    const c = domain[i];
    if (c === undefined || c === '.') {
      if (i === labelStart) return { offset: i, expected: 'Let-dig (start of sub-domain)' };
      if (!isLetDig(domain[i - 1])) return { offset: i - 1, expected: 'Let-dig (end of sub-domain)' };
      labelStart = i + 1;
    } else if (i === labelStart ? !isLetDig(c) : !isLetDig(c) && c !== '-') {
      return { offset: i, expected: i === labelStart ? 'Let-dig' : 'ALPHA / DIGIT / "-"' };
    }
  }
  return undefined;
}

function isAddressLiteralBody(body: string): boolean {
  if (isIpv4AddressLiteral(body)) return true;
  const colon = body.indexOf(':');
  if (colon < 0) return false;
  const tag = body.slice(0, colon);
  const value = body.slice(colon + 1);
  // ABNF string literals are case-insensitive (RFC 5234 §2.3). "IPv6" also matches
  // Standardized-tag, but a General-address-literal tagged IPv6 must still be an IPv6-addr.
  if (tag.toLowerCase() === 'ipv6') return isIpv6Addr(value);
  // General-address-literal = Standardized-tag ":" 1*dcontent; Standardized-tag = Ldh-str;
  // dcontent = %d33-90 / %d94-126. Only syntax: IANA registration is not checked here.
  return /^[A-Za-z0-9-]*[A-Za-z0-9]$/.test(tag) && /^[\x21-\x5a\x5e-\x7e]+$/.test(value);
}

/** IPv4-address-literal = Snum 3("." Snum); Snum = 1*3DIGIT, value 0-255 (§4.1.3). */
function isIpv4AddressLiteral(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^[0-9]{1,3}$/.test(p) && Number(p) <= 255);
}

/**
 * IPv6-addr = IPv6-full / IPv6-comp / IPv6v4-full / IPv6v4-comp (§4.1.3), including the comments
 * that bound the groups around "::" (at most 6, or 4 before an IPv4 tail).
 */
function isIpv6Addr(s: string): boolean {
  const lastColon = s.lastIndexOf(':');
  if (lastColon < 0) return false;
  const tail = s.slice(lastColon + 1);
  if (!tail.includes('.')) return areHexGroups(s, 8, 6);
  if (!isIpv4AddressLiteral(tail)) return false;
  // Keep a "::" that ends right before the IPv4 part; otherwise drop the single ":" separator.
  const head = s.slice(0, lastColon + 1);
  return areHexGroups(head.endsWith('::') ? head : head.slice(0, -1), 6, 4);
}

function areHexGroups(s: string, fullCount: number, maxCompressed: number): boolean {
  const halves = s.split('::');
  const groupsOf = (part: string): string[] | undefined => {
    if (part === '') return [];
    const groups = part.split(':');
    return groups.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g)) ? groups : undefined;
  };
  if (halves.length === 1) return groupsOf(s)?.length === fullCount;
  if (halves.length !== 2) return false;
  const left = groupsOf(halves[0]!);
  const right = groupsOf(halves[1]!);
  return left !== undefined && right !== undefined && left.length + right.length <= maxCompressed;
}
