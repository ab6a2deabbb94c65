import fc from 'fast-check';
import { SMTP_RECIPIENT_KINDS } from '../../model/smtp-envelope.js';
import type { ArbitraryReplay, FuzzSettings } from '../fuzz-property.js';
import { DataCommand, HelloCommand, MailCommand, NoopCommand, RcptCommand, RsetCommand, VrfyCommand, type SmtpModelCommand } from './smtp-commands.js';

/** One envelope-model run: the commands of one SMTP session. */
export type SmtpEnvelopeInput = Iterable<SmtpModelCommand>;

const MAX_BODY_LINES = 5;

/** Body lines that exercise transparency (RFC 5321 §4.5.2): ".", "..", ".x", empty lines. */
const bodyLine: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', '.', '..', '.leading dot', 'plain text'),
  fc.string({ unit: fc.constantFrom('a', 'b', '.', ' ', '-'), maxLength: 12 }),
);

/**
 * Any command in any order: the transaction commands twice over (the order rules are about them),
 * the session commands once. HELO and EHLO, the sender and the null reverse-path, and each kind of
 * recipient.
 */
export function smtpModelCommands(): Array<fc.Arbitrary<SmtpModelCommand>> {
  const hello = fc.constantFrom<'EHLO' | 'HELO'>('EHLO', 'EHLO', 'HELO').map((verb) => new HelloCommand(verb));
  const mail = fc.boolean().map((nullPath) => new MailCommand(nullPath));
  const rcpt = fc.constantFrom(...SMTP_RECIPIENT_KINDS, 'valid').map((kind) => new RcptCommand(kind));
  const data = fc.array(bodyLine, { maxLength: MAX_BODY_LINES }).map((lines) => new DataCommand(lines));
  return [
    hello, mail, mail, rcpt, rcpt, rcpt, data, data,
    fc.constant(new RsetCommand()),
    fc.constant(new NoopCommand()),
    fc.constant(new VrfyCommand()),
  ];
}

export function smtpEnvelopeArbitrary(settings: FuzzSettings, replay?: ArbitraryReplay): fc.Arbitrary<SmtpEnvelopeInput> {
  // size 'max': runs as long as maxCommands allows, so transactions get to DATA and beyond.
  return fc.commands(smtpModelCommands(), { maxCommands: settings.maxCommands, size: 'max', replayPath: replay?.replayPath });
}
