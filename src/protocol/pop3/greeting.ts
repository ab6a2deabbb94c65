import type { Violation } from '../shared/violation.js';
import { createPop3Violation, rfc1939, rfc2449, type Pop3Rule } from './pop3-rule.js';
import type { Pop3StatusLine } from './parse-status-line.js';

export const GREETING_RULES = {
  /**
   * "Once the TCP connection has been opened by a POP3 client, the POP3 server issues a one line
   * greeting. This can be any positive response." (RFC 1939 §4); RFC 2449 §3:
   * `greeting = "+OK" ...`. No other greeting is defined, so -ERR breaks the grammar: MUST.
   */
  positive: { rule: 'greeting.positive', ref: rfc1939('4'), level: 'MUST' },
  /**
   * "The syntax of the timestamp corresponds to the `msg-id' in [RFC822]" (RFC 1939 §7);
   * RFC 2449 §3: `timestamp = "<" *VCHAR ">" ;MUST conform to RFC-822 msg-id`.
   */
  timestamp: { rule: 'greeting.timestamp', ref: rfc1939('7'), level: 'MUST' },
  /** gchar = %x21-3B / %x3D-7F ;printable ASCII, excluding "<" (RFC 2449 §3): one "<", the timestamp's. */
  gchar: { rule: 'greeting.gchar', ref: rfc2449('3'), level: 'MUST' },
} as const satisfies Record<string, Pop3Rule>;

export interface Pop3GreetingCheck {
  /** The APOP challenge with its angle brackets, when the greeting has a closed "<…>". */
  readonly apopTimestamp: string | undefined;
  /** Greeting-specific violations (line offsets); the line's own grammar is checked elsewhere. */
  readonly violations: Violation[];
}

const LT = 0x3c;
const GT = 0x3e;

/**
 * Checks the connection greeting and extracts the APOP timestamp: "A POP3 server which implements
 * the APOP command will include a timestamp in its banner greeting." (RFC 1939 §7) The timestamp
 * is returned even when it is not a valid msg-id: APOP digests whatever the server sent.
 */
export function checkGreeting(line: Pop3StatusLine): Pop3GreetingCheck {
  const bytes = line.raw.bytes;
  const violations: Violation[] = [];
  // An unrecognised status is a 'status' violation already; only a real -ERR is judged here.
  if (line.status === '-ERR') {
    violations.push(createPop3Violation(GREETING_RULES.positive, 0, 'greeting is not a positive response', '"+OK"', bytes.subarray(0, 4)));
  }
  if (line.status === undefined) return { apopTimestamp: undefined, violations };
  const lt = bytes.indexOf(LT);
  if (lt < 0) return { apopTimestamp: undefined, violations };
  const gt = bytes.indexOf(GT, lt + 1);
  if (gt < 0) {
    violations.push(createPop3Violation(GREETING_RULES.timestamp, lt, 'timestamp opened with "<" is never closed', '">" closing the timestamp', bytes.subarray(lt)));
    return { apopTimestamp: undefined, violations };
  }
  const timestamp = bytes.subarray(lt, gt + 1).toString('latin1');
  const error = findMsgIdError(timestamp);
  if (error !== undefined) {
    violations.push(
      createPop3Violation(GREETING_RULES.timestamp, lt + error.offset, `timestamp ${timestamp} is not an RFC 822 msg-id`, error.expected, bytes.subarray(lt + error.offset, lt + error.offset + 1)),
    );
  }
  const second = bytes.indexOf(LT, gt + 1);
  if (second >= 0) {
    violations.push(createPop3Violation(GREETING_RULES.gchar, second, 'a second "<" in the greeting', 'gchar (printable ASCII, excluding "<")', bytes.subarray(second, second + 1)));
  }
  return { apopTimestamp: timestamp, violations };
}

// RFC 822 §3.3: specials = ( ) < > @ , ; : \ " . [ ]; atom = 1*<any CHAR except specials, SPACE and CTLs>.
const ATOM = String.raw`[^()<>@,;:\\".\[\]\x00-\x20\x7f-\xff]+`;
const QUOTED_STRING = String.raw`"(?:[^"\\\r]|\\[\x00-\x7f])*"`;
const DOMAIN_LITERAL = String.raw`\[(?:[^\[\]\\\r]|\\[\x00-\x7f])*\]`;
const WORD = `(?:${ATOM}|${QUOTED_STRING})`;
const SUB_DOMAIN = `(?:${ATOM}|${DOMAIN_LITERAL})`;
// msg-id = "<" addr-spec ">"; addr-spec = local-part "@" domain (RFC 822 §6.1)
const ADDR_SPEC = new RegExp(`^${WORD}(?:\\.${WORD})*@${SUB_DOMAIN}(?:\\.${SUB_DOMAIN})*$`);

/** Where `<…>` stops being `"<" *VCHAR ">"` carrying an RFC 822 addr-spec, or undefined. */
function findMsgIdError(timestamp: string): { offset: number; expected: string } | undefined {
  for (let i = 1; i < timestamp.length - 1; i++) {
    const c = timestamp.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return { offset: i, expected: 'VCHAR (timestamp = "<" *VCHAR ">")' };
  }
  const inner = timestamp.slice(1, -1);
  if (ADDR_SPEC.test(inner)) return undefined;
  const at = inner.lastIndexOf('@');
  return at < 0 ? { offset: timestamp.length - 1, expected: '"@" domain (msg-id = "<" addr-spec ">")' } : { offset: 1, expected: 'local-part "@" domain' };
}
