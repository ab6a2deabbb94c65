import fc from 'fast-check';
import { SmtpEnvelopeModel } from '../../model/smtp-envelope.js';
import { sectionOf } from '../../protocol/shared/rule.js';
import type { FuzzProperty, FuzzSettings, FuzzStats } from '../fuzz-property.js';
import { smtpEnvelopeArbitrary, type SmtpEnvelopeInput } from '../models/smtp-model-arbitrary.js';
import { readAddresses, SmtpModelReal } from '../models/smtp-model-real.js';
import { executedCommands } from '../models/executed-commands.js';

/**
 * smtp.envelope-model: one SMTP session per run, HELO/EHLO, MAIL, RCPT (the account, an unknown
 * local part, another domain, no domain, Postmaster), DATA, RSET, NOOP and VRFY in any order, every
 * reply held to what RFC 5321 requires in the state the server's own replies put the session in.
 */
export const smtpEnvelopeModelProperty: FuzzProperty<SmtpEnvelopeInput> = {
  name: 'smtp.envelope-model',
  protocol: 'smtp',
  summary: 'every reply is well-formed and of the code RFC 5321 requires for the transaction state (503 for RCPT before MAIL, 250 for RSET and NOOP, ...)',
  ref: sectionOf(5321)('4.1.4'),
  level: 'MUST',
  unavailableReason(settings: FuzzSettings): string | undefined {
    return readAddresses(settings.vars) === undefined ? 'needs a recipient the server accepts mail for: set --rcpt' : undefined;
  },
  arbitrary: smtpEnvelopeArbitrary,
  run: runEnvelopeModel,
  describeInput: (input: SmtpEnvelopeInput): unknown => executedCommands(input),
};

async function runEnvelopeModel(input: SmtpEnvelopeInput, settings: FuzzSettings, stats: FuzzStats): Promise<void> {
  const addresses = readAddresses(settings.vars);
  if (addresses === undefined) throw new Error('smtp.envelope-model needs the rcpt var');
  const real = new SmtpModelReal(settings, stats, addresses);
  try {
    await fc.asyncModelRun(async () => {
      await real.open();
      return { model: new SmtpEnvelopeModel(), real };
    }, input);
  } finally {
    await real.close();
  }
}
