import type { Violation } from '../shared/violation.js';
import type { FramedLine } from '../../transport/framed-line.js';
import { checkCrlf, createPop3Violation, rfc5034, type Pop3Rule } from './pop3-rule.js';
import { readStatus } from './parse-status-line.js';

/** A SASL server challenge during AUTH (RFC 5034 §4): "+" SP base64. */
export interface Pop3ContinuationLine {
  readonly kind: 'continuation';
  /** The base64 challenge as sent (after "+ "), latin1. */
  readonly text: string;
  readonly raw: FramedLine;
}

export const CONTINUATION_RULES = {
  /** continue-req = "+" SP [base64] CRLF (RFC 5034 §5) */
  separator: { rule: 'continue-req.separator', ref: rfc5034('5'), level: 'MUST' },
  /**
   * "A server challenge is sent as a line consisting of a "+" character, followed by a single
   * space and a string encoded using Base64 ... This line MUST NOT contain any text other than the
   * BASE64-encoded challenge." (RFC 5034 §4)
   */
  base64: { rule: 'continue-req.base64', ref: rfc5034('4'), level: 'MUST' },
} as const satisfies Record<string, Pop3Rule>;

const PLUS = 0x2b;
const SP = 0x20;
// base64 = base64-terminal / ( 1*(4base64-CHAR) [base64-terminal] ), or nothing ([base64]) (§5)
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** During AUTH, a line starting with "+" that is not "+OK" (in any case) is a challenge. */
export function isContinuationLine(bytes: Uint8Array): boolean {
  return bytes[0] === PLUS && readStatus(bytes) === undefined;
}

/** Parses one challenge line. Never throws; violations have line offsets. */
export function parseContinuationLine(line: FramedLine): { line: Pop3ContinuationLine; violations: Violation[] } {
  const bytes = line.bytes;
  const violations: Violation[] = [];
  const hasSp = bytes[1] === SP;
  if (!hasSp) {
    violations.push(createPop3Violation(CONTINUATION_RULES.separator, 1, '"+" not followed by SP', 'SP', bytes.subarray(1, 2)));
  }
  const start = hasSp ? 2 : 1;
  const text = bytes.subarray(start).toString('latin1');
  if (!BASE64.test(text)) {
    const offset = start + findBase64Error(text);
    violations.push(
      createPop3Violation(CONTINUATION_RULES.base64, offset, 'challenge is not base64', 'base64 (RFC 4648 §4 alphabet, "=" only as padding)', bytes.subarray(offset, offset + 1)),
    );
  }
  const crlf = checkCrlf(line);
  if (crlf) violations.push(crlf);
  return { line: { kind: 'continuation', text, raw: line }, violations };
}

/** Index of the first octet that breaks base64: outside the alphabet, a misplaced "=", or the end. */
function findBase64Error(text: string): number {
  const outside = text.search(/[^A-Za-z0-9+/=]/);
  if (outside >= 0) return outside;
  const pad = text.indexOf('=');
  const padOk = pad < 0 || (pad >= text.length - 2 && /^=*$/.test(text.slice(pad)) && text.length % 4 === 0);
  return padOk ? text.length : pad;
}
