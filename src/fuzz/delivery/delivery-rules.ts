import { sectionOf, type ProtocolRule } from '../../protocol/shared/rule.js';

const rfc5321 = sectionOf(5321);

/** What smtp.delivery holds a server to, once it accepted a message with 250. */
export const DELIVERY_RULES = {
  /**
   * The body arrives as sent. "When a line of mail text is received by the SMTP server, it checks
   * the line. If the line is composed of a single period, it is treated as the end of mail
   * indicator. If the first character is a period and there are other characters on the line,
   * the first character is deleted." "All characters are to be delivered to the recipient's
   * mailbox, including spaces, vertical and horizontal tabs, and other control characters." and
   * transformations made when storing "MUST be reversible" (§4.5.2).
   */
  body: { rule: 'delivery.body-unchanged', ref: rfc5321('4.5.2'), level: 'MUST' },
  /** Every header line sent arrives unchanged: the same §4.5.2; the message is complete, so no §6.4 repair applies. */
  header: { rule: 'delivery.header-unchanged', ref: rfc5321('4.5.2'), level: 'MUST' },
  /**
   * "When the receiver-SMTP accepts a piece of mail (by sending a "250 OK" message in response to
   * DATA), it is accepting responsibility for delivering or relaying the message. ... It MUST NOT
   * lose the message for frivolous reasons" (§6.1). SHOULD, not MUST: a failed delivery may be
   * answered by a notification to the sender, which the tool cannot see, and a wait that ran out
   * proves a delay, not a loss.
   */
  arrives: { rule: 'delivery.accepted-arrives', ref: rfc5321('6.1'), level: 'SHOULD' },
} as const satisfies Record<string, ProtocolRule>;

/** A broken delivery rule, in the shape modelFailure takes. */
export interface DeliveryBreach {
  readonly rule: ProtocolRule;
  readonly message: string;
  readonly expected: string;
  readonly received: string;
}

/** The §4.5.2 sentence quoted in findings where a line starting with "." arrived changed. */
export const LEADING_PERIOD_SENTENCE = 'If the first character is a period and there are other characters on the line, the first character is deleted.';
