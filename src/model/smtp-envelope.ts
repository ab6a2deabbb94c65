import { replyClass } from '../protocol/smtp/reply-codes.js';
import { SMTP_MODEL_RULES as R, type SmtpBreach } from './smtp-model-rules.js';

/**
 * The mail transaction as the server confirmed it (§3.3): none open, MAIL accepted, at least one
 * RCPT accepted, or unknown after a reply the RFC leaves open (until RSET, EHLO or the end of
 * data settles it again).
 */
export type SmtpTransaction = 'none' | 'mail' | 'rcpt' | 'unknown';

/** Recipients the model sends: the account's, an unknown one at its domain, one elsewhere, one without domain, Postmaster. */
export type SmtpRecipientKind = 'valid' | 'unknown-local' | 'off-domain' | 'unqualified' | 'postmaster';

export const SMTP_RECIPIENT_KINDS: readonly SmtpRecipientKind[] = ['valid', 'unknown-local', 'off-domain', 'unqualified', 'postmaster'];

/** §4.1.4 and §4.3.2: what a refused EHLO may say. 421 (closing) is possible for any command. */
const EHLO_REFUSALS: ReadonlySet<number> = new Set([500, 501, 502, 504, 550]);
const SERVICE_CLOSING = 421;
const BAD_SEQUENCE = 503;

const show = (code: number | undefined): string => (code === undefined ? 'no code' : String(code));

/**
 * The expected state of one SMTP session (RFC 5321 §3.3, §4.1.4): whether EHLO/HELO was accepted,
 * where the mail transaction stands, and whether the server has closed (421). Each `on*` method
 * takes the reply code to one command, returns the rules it broke, and moves the state the way the
 * server said it moved. Pure.
 */
export class SmtpEnvelopeModel {
  greeted = false;
  transaction: SmtpTransaction = 'none';
  /** After 421 the server closes (§3.8): nothing more is sent. */
  closed = false;

  onHello(verb: 'EHLO' | 'HELO', code: number | undefined): SmtpBreach[] {
    if (this.closing(code)) return [];
    const cls = replyClass(code);
    if (cls === 2) {
      // "the SMTP server MUST clear all buffers and reset the state exactly as if a RSET command had been issued" (§4.1.4)
      this.greeted = true;
      this.transaction = 'none';
      return [];
    }
    // A refused EHLO: "The SMTP server MUST stay in the same state" (§4.1.4).
    if (verb === 'EHLO' && (code === undefined || !EHLO_REFUSALS.has(code))) {
      return [{ rule: R.ehloRefusal, message: `EHLO answered ${show(code)}, neither accepted (250) nor refused with a code §4.1.4 lists`, expected: '250, or 500/501/502/504/550', received: show(code) }];
    }
    return [];
  }

  /**
   * MAIL: free to accept or refuse (a sender, or a session without EHLO, §4.1.4). Inside an open
   * transaction, a 503 keeps it (§4.1.4 "MUST stay in the same state"), and an acceptance starts a
   * new one: MAIL "tells the SMTP-receiver that a new mail transaction is starting and to reset all
   * its state tables and buffers" (§3.3). Any other refusal there leaves the state unknown.
   */
  onMail(code: number | undefined): SmtpBreach[] {
    if (this.closing(code)) return [];
    const open = this.transaction !== 'none';
    if (replyClass(code) === 2) this.transaction = 'mail';
    else if (open && code !== BAD_SEQUENCE) this.transaction = 'unknown';
    return [];
  }

  onRcpt(kind: SmtpRecipientKind, code: number | undefined): SmtpBreach[] {
    if (this.closing(code)) return [];
    const accepted = replyClass(code) === 2;
    if (this.transaction === 'none' && code !== BAD_SEQUENCE) {
      return [{ rule: R.rcptBeforeMail, message: `RCPT with no MAIL accepted in this transaction answered ${show(code)}`, expected: '503', received: show(code) }];
    }
    if (kind === 'postmaster' && (this.transaction === 'mail' || this.transaction === 'rcpt') && !accepted) {
      return [{ rule: R.postmaster, message: `RCPT TO:<Postmaster> in an open transaction answered ${show(code)}`, expected: '250 or 251', received: show(code) }];
    }
    if (accepted && this.transaction !== 'unknown') this.transaction = 'rcpt';
    return [];
  }

  /**
   * The reply to DATA itself: 354 or a refusal, never a 2yz. Without MAIL or accepted RCPT the
   * server "MAY return ... (503) or ... (554)" (§3.3), and may even say 354 and fail later ("the
   * DATA command should fail only if the mail transaction was incomplete (for example, no
   * recipients)"), so no refusal is required. Returns whether the content must now be sent.
   */
  onData(code: number | undefined): { breaches: SmtpBreach[]; sendContent: boolean } {
    if (this.closing(code)) return { breaches: [], sendContent: false };
    const cls = replyClass(code);
    if (cls === 3) return { breaches: [], sendContent: true };
    // 503: "the SMTP server MUST stay in the same state" (§4.1.4). Other refusals of an open transaction: the RFC does not say.
    if (code !== BAD_SEQUENCE && this.transaction !== 'none') this.transaction = 'unknown';
    if (cls === 2) return { breaches: [{ rule: R.dataReply, message: `DATA answered ${show(code)}: a completion, though no content was sent`, expected: '354 or a 4yz/5yz refusal', received: show(code) }], sendContent: false };
    return { breaches: [], sendContent: false };
  }

  /** The reply after the end of mail data, whatever it says, ends the transaction: "these buffers are cleared" (§4.1.1.4). */
  onDataEnd(code: number | undefined): SmtpBreach[] {
    if (this.closing(code)) return [];
    this.transaction = 'none';
    return [];
  }

  onRset(code: number | undefined): SmtpBreach[] {
    if (this.closing(code)) return [];
    // The RFC demands 250 whatever happened before, so the transaction is gone either way.
    this.transaction = 'none';
    return code === 250 ? [] : [{ rule: R.rset, message: `RSET answered ${show(code)}`, expected: '250', received: show(code) }];
  }

  onNoop(code: number | undefined): SmtpBreach[] {
    if (this.closing(code) || code === 250) return [];
    if (!this.greeted && code === BAD_SEQUENCE) return [{ rule: R.beforeEhlo, message: 'NOOP before EHLO answered 503', expected: '250', received: '503' }];
    return [{ rule: R.noop, message: `NOOP answered ${show(code)}`, expected: '250', received: show(code) }];
  }

  /** VRFY: any answer (§3.5.3 lets the server decline), but no 503 for want of EHLO (§4.1.4); it leaves the buffers alone (§4.1.1.6). */
  onVrfy(code: number | undefined): SmtpBreach[] {
    if (this.closing(code)) return [];
    if (!this.greeted && code === BAD_SEQUENCE) return [{ rule: R.beforeEhlo, message: 'VRFY before EHLO answered 503', expected: 'a VRFY reply (250, 251, 252, 550, ...), not 503', received: '503' }];
    return [];
  }

  /** "Service shutting down and closing transmission channel" may answer any command (§4.3.2): the session is over, nothing broken. */
  private closing(code: number | undefined): boolean {
    if (code === SERVICE_CLOSING) this.closed = true;
    return this.closed;
  }
}
