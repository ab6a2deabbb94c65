import type { Finding } from '../../src/fuzz/findings/finding.js';
import type { Protocol } from '../../src/report/result.js';

/**
 * True deviations the robustness campaigns find in Debian's Postfix 3.7 and Dovecot 2.3, each
 * checked against the RFC: grammar rule → its requirement level. A finding outside this list is
 * a bug of the server or of ours; the fuzz tests and the detection matrix treat it as one.
 */
export const FUZZ_DEVIATIONS: Readonly<Record<Protocol, Readonly<Record<string, string>>>> = {
  // RFC 5321 §4.5.3.1.5 (SHOULD, per §4.5.3.1): Postfix echoes an over-long MAIL parameter in its 555 reply, making the line longer than 512 octets.
  smtp: { 'Reply-line.length': 'SHOULD' },
  // RFC 2449 §9 (text = *schar / resp-code *CHAR): Dovecot echoes the client's control and 8-bit bytes in "-ERR Unknown command: …".
  pop3: { 'text.control': 'MUST', 'text.non-ascii': 'MUST' },
  // RFC 3501 §9 (TEXT-CHAR excludes 8-bit): Dovecot puts a mailbox name decoded from modified UTF-7 into the text of its NO, as raw UTF-8.
  // and RFC 3501 §3.4 ("MUST NOT unilaterally close the connection without sending an untagged BYE"): on a
  // command line over its limit, Dovecot answers "* BAD Error in IMAP command received by server." and closes.
  // (Seen only when the close is orderly; when our unread bytes make it a reset, the close is not judged.)
  imap: { 'TEXT-CHAR': 'MUST', 'close.bye': 'MUST' },
};

/** Whether a finding is one of the documented deviations of the clean servers. */
export function isKnownFuzzDeviation(protocol: Protocol, finding: Finding): boolean {
  return (finding.kind === 'malformed' || finding.kind === 'reset') && finding.rule !== undefined && FUZZ_DEVIATIONS[protocol][finding.rule] === finding.level;
}
