import type { Protocol } from '../../report/result.js';
import type { FuzzProperty } from '../fuzz-property.js';
import { FUZZ_PROTOCOLS } from '../fuzz-protocol.js';
import { removeNamespaceMailboxes } from '../imap-namespace-cleanup.js';
import { imapGrammar } from '../robustness/imap-grammar.js';
import { pop3Grammar } from '../robustness/pop3-grammar.js';
import { smtpGrammar } from '../robustness/smtp-grammar.js';
import { imapMailboxModel } from './imap-mailbox-model.js';
import { imapTwoSessionModel } from './imap-two-session-model.js';
import { pop3MaildropModelProperty } from './pop3-maildrop-model.js';
import { robustnessProperty } from './robustness.js';
import { smtpDeliveryProperty } from './smtp-delivery.js';
import { smtpEnvelopeModelProperty } from './smtp-envelope-model.js';

/**
 * Every fuzz property, by protocol. Robustness cites the rule that every command is answered:
 * RFC 5321 §4.2 ("Every command MUST generate exactly one reply"), RFC 1939 §3 ("A server MUST
 * respond to an unrecognized, unimplemented, or syntactically invalid command by responding with a
 * negative status indicator"), RFC 3501 §2.2.2 (data and a completion result for each command).
 */
export const FUZZ_PROPERTIES: Readonly<Record<Protocol, readonly FuzzProperty<unknown>[]>> = {
  smtp: [robustnessProperty({ protocol: 'smtp', fuzz: FUZZ_PROTOCOLS.smtp, grammar: smtpGrammar, ref: { rfc: 5321, section: '4.2' } }), smtpEnvelopeModelProperty, smtpDeliveryProperty],
  pop3: [robustnessProperty({ protocol: 'pop3', fuzz: FUZZ_PROTOCOLS.pop3, grammar: pop3Grammar, ref: { rfc: 1939, section: '3' } }), pop3MaildropModelProperty],
  imap: [robustnessProperty({ protocol: 'imap', fuzz: FUZZ_PROTOCOLS.imap, grammar: imapGrammar, ref: { rfc: 3501, section: '2.2.2' }, cleanUp: removeNamespaceMailboxes }), imapMailboxModel, imapTwoSessionModel],
};

export function findProperty(name: string): FuzzProperty<unknown> | undefined {
  return Object.values(FUZZ_PROPERTIES).flat().find((p) => p.name === name);
}
