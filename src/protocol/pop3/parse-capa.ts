import type { Violation } from '../shared/violation.js';
import { createPop3Violation, rfc2449, type Pop3Rule } from './pop3-rule.js';

export const CAPA_RULES = {
  /** capa-tag = 1*cchar; cchar = %x21-2D / %x2F-7F ;printable ASCII, excluding "." (RFC 2449 §3) */
  tag: { rule: 'capability.tag', ref: rfc2449('3'), level: 'MUST' },
  /**
   * capability = capa-tag *(SP param); param = 1*VCHAR (§3); "Each capability name MAY be
   * followed by a single space and a space-separated list of parameters." (§5)
   */
  param: { rule: 'capability.param', ref: rfc2449('3'), level: 'MUST' },
  /**
   * "Each capability line is limited to 512 octets (including the CRLF)." (§5) Stated as a limit,
   * repeated as ";512 octets maximum" in §3: MUST, like the response line limit.
   */
  length: { rule: 'capability.length', ref: rfc2449('5'), level: 'MUST' },
} as const satisfies Record<string, Pop3Rule>;

export const MAX_CAPABILITY_LINE_OCTETS = 512;

const SP = 0x20;
const DOT = 0x2e;
// DEL (7F) is excluded although the ABNF's ranges run to 7F: its comments say "printable ASCII".
const isCchar = (b: number): boolean => b >= 0x21 && b <= 0x7e && b !== DOT;
const isVchar = (b: number): boolean => b >= 0x21 && b <= 0x7e;

/**
 * Reads CAPA's capability lines (unstuffed body lines, with their response offsets). Tags are
 * upper-cased ("CAPA response tags are case-insensitive", §5); a repeated tag keeps its first
 * parameters (RFC 2449 says nothing of repeats). Malformed lines are still read, and reported.
 */
export function parseCapabilities(
  lines: readonly Buffer[],
  offsets: readonly number[],
): { capabilities: Map<string, string[]>; violations: Violation[] } {
  const capabilities = new Map<string, string[]>();
  const violations: Violation[] = [];
  lines.forEach((line, index) => {
    const base = offsets[index] ?? 0;
    const [tag = '', ...params] = line.toString('latin1').split(' ');
    checkTag(line, tag.length, base, violations);
    checkParams(line, tag.length, base, violations);
    if (line.length + 2 > MAX_CAPABILITY_LINE_OCTETS) {
      const at = MAX_CAPABILITY_LINE_OCTETS - 2;
      violations.push(
        createPop3Violation(CAPA_RULES.length, base + at, `capability line of ${line.length + 2} octets including CRLF`, `at most ${MAX_CAPABILITY_LINE_OCTETS} octets`, line.subarray(at, at + 16)),
      );
    }
    const key = tag.toUpperCase();
    if (!capabilities.has(key)) capabilities.set(key, params.filter((p) => p !== ''));
  });
  return { capabilities, violations };
}

function checkTag(line: Buffer, length: number, base: number, violations: Violation[]): void {
  const bad = length === 0 ? 0 : line.subarray(0, length).findIndex((b) => !isCchar(b));
  if (length > 0 && bad < 0) return;
  violations.push(
    createPop3Violation(
      CAPA_RULES.tag,
      base + bad,
      length === 0 ? 'capability line without a tag' : 'octet not allowed in a capa-tag',
      'cchar (printable ASCII, excluding ".")',
      line.subarray(bad, bad + 1),
    ),
  );
}

/** Each param is 1*VCHAR after exactly one SP: an empty param means a doubled or trailing SP. */
function checkParams(line: Buffer, tagLength: number, base: number, violations: Violation[]): void {
  let i = tagLength;
  while (i < line.length) {
    // line[i] is the SP before a param.
    const start = i + 1;
    let end = start;
    while (end < line.length && line[end] !== SP) end++;
    const bad = line.subarray(start, end).findIndex((b) => !isVchar(b));
    if (end === start || bad >= 0) {
      const at = end === start ? i : start + bad;
      violations.push(
        createPop3Violation(
          CAPA_RULES.param,
          base + at,
          end === start ? 'SP not followed by a param' : 'octet not allowed in a param',
          '1*VCHAR after a single SP',
          line.subarray(at, at + 1),
        ),
      );
      return;
    }
    i = end;
  }
}
