import type { SmtpReplyLine } from '../../../protocol/smtp/parse-reply-line.js';
import { smtpAdapter } from '../../../script/adapters/smtp-adapter.js';
import type { CaseProtocol, ExpectLine } from './case-protocol.js';

const ANY_CODE = '2xx|3xx|4xx|5xx';
/** §3.8: a server that must close "SHOULD reply to the command with a 421": allowed in place of any reply. */
const CLOSING = '421';

/** Every reply line of one reply, continuation lines first. */
function reply(codes: string): ExpectLine[] {
  return [
    { prefix: 'S*:', pattern: `${codes}-*` },
    { prefix: 'S:', pattern: `${codes} *` },
  ];
}

/**
 * The reply codes a model's `expected` names ("503", "250 or 251", "354 or a 4yz/5yz refusal"),
 * or undefined when it says something a code list cannot ("a VRFY reply …, not 503").
 */
export function expectedCodes(expected: string): string[] | undefined {
  if (/\bnot\b|\.\.\.|…/.test(expected)) return undefined;
  const codes = expected.match(/\b[2-5](?:\d\d|yz|xx)\b/g);
  return codes ? [...new Set(codes.map((c) => c.replace('yz', 'xx')))] : undefined;
}

export const SMTP_CASE_PROTOCOL: CaseProtocol<SmtpReplyLine> = {
  adapter: smtpAdapter,
  probe: 'NOOP',
  credentialLine: /^AUTH /i,
  open: () => ({
    sent: () => false,
    widen: (line) => {
      const code = /^[2-5]\d\d$/.test(line.codeText) ? line.codeText : ANY_CODE;
      return line.isFinal ? { prefix: 'S:', pattern: `${code} *` } : { prefix: 'S*:', pattern: `${code}-*` };
    },
    anyAnswer: () => reply(ANY_CODE),
    demanded: (expected) => {
      const codes = expectedCodes(expected);
      return codes && reply([...codes, CLOSING].join('|'));
    },
  }),
};
