/**
 * Reply code classes (RFC 5321 §4.2.1): the first digit is all a client needs to decide what to
 * do next, and §4.3.2 asks clients to "interpret only the first digit of the reply" when possible.
 */
export type SmtpReplyClass = 2 | 3 | 4 | 5;

export const REPLY_CLASS = {
  /** 2yz: "The requested action has been successfully completed." */
  POSITIVE_COMPLETION: 2,
  /** 3yz: accepted, "pending receipt of further information" (354 after DATA). */
  POSITIVE_INTERMEDIATE: 3,
  /** 4yz: "the error condition is temporary, and the action may be requested again." */
  TRANSIENT_NEGATIVE: 4,
  /** 5yz: "The SMTP client SHOULD NOT repeat the exact request (in the same sequence)." */
  PERMANENT_NEGATIVE: 5,
} as const satisfies Record<string, SmtpReplyClass>;

/** The class of `code`, or undefined for a missing code or one outside 200-599. */
export function replyClass(code: number | undefined): SmtpReplyClass | undefined {
  if (code === undefined || !Number.isInteger(code) || code < 200 || code > 599) return undefined;
  return Math.floor(code / 100) as SmtpReplyClass;
}
