import { firstDifference } from '../../protocol/pop3/check-top.js';
import { escapeBytes } from '../../protocol/shared/bytes.js';
import { DELIVERY_RULES as R, LEADING_PERIOD_SENTENCE, type DeliveryBreach } from './delivery-rules.js';

/**
 * Fields a server may put on top of a message on its way to the mailbox: Return-Path and Received
 * ("SMTP servers MUST prepend Received lines", RFC 5321 §4.4), and Delivered-To and X-Original-To,
 * which delivery agents such as Postfix local(8) add. Only a leading block of them is skipped.
 */
export const TRACE_FIELDS: ReadonlySet<string> = new Set(['return-path', 'received', 'delivered-to', 'x-original-to']);

const DOT = 0x2e;
const SP = 0x20;
const HT = 0x09;
/** Octets shown before the first difference in a long line. */
const CONTEXT_BEFORE = 20;
const SHOWN = 100;

/** What was sent, as lines without line ends. */
export interface SentMessage {
  readonly headers: readonly Buffer[];
  readonly body: readonly Buffer[];
}

/**
 * Holds a delivered message (its lines, as RETR gave them) to the one sent: after the trace fields
 * the server prepended, every header line sent, in order and unchanged (other fields may be added);
 * after the empty line that ends the header section (RFC 5322 §2.1), the body line for line, octet
 * for octet. Returns the first breach, or undefined.
 */
export function compareDelivered(sent: SentMessage, delivered: readonly Buffer[]): DeliveryBreach | undefined {
  const blank = delivered.findIndex((line) => line.length === 0);
  if (blank < 0) {
    return { rule: R.body, message: `the delivered message has no empty line ending its header section (RFC 5322 §2.1), so no body (${delivered.length} lines)`, expected: 'header lines, an empty line, the body', received: `${delivered.length} lines, none empty` };
  }
  return compareHeaders(sent.headers, delivered.slice(0, blank)) ?? compareBody(sent.body, delivered.slice(blank + 1));
}

/** Header lines grouped into fields: a line starting with SP or HT continues the field before it (RFC 5322 §2.2.3). */
export function headerFields(lines: readonly Buffer[]): Buffer[][] {
  const fields: Buffer[][] = [];
  for (const line of lines) {
    const last = fields.at(-1);
    if (last !== undefined && (line[0] === SP || line[0] === HT)) last.push(line);
    else fields.push([line]);
  }
  return fields;
}

/** The fields after the leading block of trace fields. */
export function withoutLeadingTrace(fields: readonly Buffer[][]): Buffer[][] {
  const first = fields.findIndex((field) => !TRACE_FIELDS.has(fieldName(field[0]!)));
  return first < 0 ? [] : fields.slice(first);
}

function compareHeaders(sent: readonly Buffer[], delivered: readonly Buffer[]): DeliveryBreach | undefined {
  const fields = withoutLeadingTrace(headerFields(delivered));
  let from = 0;
  for (const header of sent) {
    const at = fields.findIndex((field, i) => i >= from && field.length === 1 && field[0]!.equals(header));
    if (at >= 0) {
      from = at + 1;
      continue;
    }
    const name = fieldName(header);
    const same = fields.find((field) => fieldName(field[0]!) === name);
    return {
      rule: R.header,
      message: `the header line ${JSON.stringify(escapeBytes(header, 80))} sent did not arrive unchanged and in order (below the trace fields the server prepends)`,
      expected: escapeBytes(header, SHOWN),
      received: same === undefined ? `no ${name} field` : escapeBytes(Buffer.concat(same.flatMap((line, i) => (i === 0 ? [line] : [Buffer.from('\r\n'), line]))), SHOWN),
    };
  }
  return undefined;
}

function compareBody(sent: readonly Buffer[], delivered: readonly Buffer[]): DeliveryBreach | undefined {
  const at = firstDifference(delivered, sent);
  if (at === undefined) return undefined;
  const expected = sent[at];
  const received = delivered[at];
  const octet = firstDifferingOctet(expected ?? Buffer.alloc(0), received ?? Buffer.alloc(0));
  const dotLine = expected?.[0] === DOT || received?.[0] === DOT;
  const why = dotLine ? `; a line starting with "." (RFC 5321 §4.5.2: "${LEADING_PERIOD_SENTENCE}")` : '';
  return {
    rule: R.body,
    message: `the body arrived changed: line ${at + 1} differs first at octet ${octet + 1} (${sent.length} lines sent, ${delivered.length} delivered)${why}`,
    expected: showLine(expected, octet),
    received: showLine(received, octet),
  };
}

/** Index of the first octet that differs, or the shorter length when one is a prefix of the other. */
export function firstDifferingOctet(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

/** The line escaped; a long one from just before `octet`, so the difference is in view. */
function showLine(line: Buffer | undefined, octet: number): string {
  if (line === undefined) return '(no such line)';
  if (octet <= CONTEXT_BEFORE || line.length <= SHOWN) return escapeBytes(line, SHOWN);
  const from = octet - CONTEXT_BEFORE;
  return `…(${from} octets) ${escapeBytes(line.subarray(from), SHOWN)}`;
}

/** Field name, lowercased (RFC 5322 §2.2: up to the colon). */
function fieldName(line: Buffer): string {
  const colon = line.indexOf(0x3a);
  return line.toString('latin1', 0, colon < 0 ? line.length : colon).trim().toLowerCase();
}
