import fc from 'fast-check';
import { Pop3MaildropModel } from '../../model/pop3-maildrop.js';
import { rfc1939 } from '../../protocol/pop3/pop3-rule.js';
import { executedCommands } from '../models/executed-commands.js';
import type { FuzzProperty, FuzzSettings, FuzzStats } from '../fuzz-property.js';
import { pop3MaildropArbitrary, type Pop3MaildropInput } from '../models/pop3-model-arbitrary.js';
import { Pop3ModelReal } from '../models/pop3-model-real.js';
import { seedMessages } from '../models/pop3-seeding.js';

/**
 * pop3.maildrop-model: random sequences of STAT, LIST, UIDL, RETR, TOP, DELE, RSET, NOOP,
 * QUIT-and-reconnect and drop-and-reconnect over a maildrop holding 1-3 messages seeded for the
 * run (plus a few of the user's own, read-only), every response held to the model.
 */
export const pop3MaildropModelProperty: FuzzProperty<Pop3MaildropInput> = {
  name: 'pop3.maildrop-model',
  protocol: 'pop3',
  summary: 'STAT, LIST, UIDL, RETR and TOP agree with the maildrop as DELE, RSET, QUIT and dropped sessions changed it',
  ref: rfc1939('5'),
  level: 'MUST',
  unavailableReason(settings: FuzzSettings): string | undefined {
    if (settings.user === undefined || settings.password === undefined) return 'needs an account: set --user and --password-env';
    if (settings.seedCommand === undefined) return 'needs known messages: give --seed-command (e.g. "doveadm save -u USER")';
    return undefined;
  },
  arbitrary: pop3MaildropArbitrary,
  run: runMaildropModel,
  describeInput(input: Pop3MaildropInput): unknown {
    return { seeds: input.seeds.map((s) => s.bodyLines), commands: executedCommands(input.commands) };
  },
};

/**
 * Seeds the run's messages once, runs the commands from a fresh session, then deletes what it
 * seeded (found by seed header), whatever happened. A finding wins over a cleanup error.
 */
async function runMaildropModel(input: Pop3MaildropInput, settings: FuzzSettings, stats: FuzzStats): Promise<void> {
  if (settings.seedCommand === undefined) throw new Error('pop3.maildrop-model needs a seed command');
  const seeds = await seedMessages(settings.seedCommand, settings.namespace, input.seeds);
  const model = new Pop3MaildropModel(seeds, { allowDestructive: settings.allowDestructive });
  const real = new Pop3ModelReal(settings, stats);
  let failure: unknown;
  try {
    await fc.asyncModelRun(async () => {
      await real.open(model);
      return { model, real };
    }, input.commands);
  } catch (err) {
    failure = err;
  }
  // No QUIT: the run's own marks are not committed; the cleanup deletes by seed header.
  real.drop();
  model.endSession('dropped');
  try {
    await real.removeSeeded(model);
  } catch (err) {
    failure ??= err;
  }
  if (failure !== undefined) throw failure;
}
