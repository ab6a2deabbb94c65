import { performance } from 'node:perf_hooks';
import { renderTranscript } from '../../script/transcript.js';
import { WireLog } from '../../transport/wire-log.js';
import { compareDelivered } from '../delivery/compare-delivered.js';
import { deliveryBodyArbitrary, type DeliveryBody } from '../delivery/delivery-body.js';
import { markerLine } from '../delivery/delivery-message.js';
import { DELIVERY_RULES } from '../delivery/delivery-rules.js';
import { LinkedPop3Mailbox } from '../delivery/linked-pop3-mailbox.js';
import { submitMessage, type SmtpSubmission } from '../delivery/submit-message.js';
import { FuzzFailure, isFuzzFailure } from '../fuzz-failure.js';
import type { FuzzProperty, FuzzSettings, FuzzStats, LinkedMailbox } from '../fuzz-property.js';
import { makeSeedTokens } from '../models/pop3-seeding.js';
import { readAddresses, SmtpModelReal } from '../models/smtp-model-real.js';
import { modelFailure } from '../models/run-failure.js';

/**
 * smtp.delivery: end to end through a linked mailbox. Each run sends one message by SMTP (a body
 * made to stress the DATA path: dot-lines, empty and long lines, trailing whitespace, 8-bit octets
 * where 8BITMIME is offered), then reads it back over POP3 and deletes it: the header lines sent
 * and the body must arrive unchanged, the server's trace fields aside.
 */
export const smtpDeliveryProperty: FuzzProperty<DeliveryBody> = {
  name: 'smtp.delivery',
  protocol: 'smtp',
  summary: 'a message accepted with 250 arrives in the linked mailbox with every header line sent and the body byte for byte (dot-lines included), trace fields aside',
  ref: DELIVERY_RULES.body.ref,
  level: 'MUST',
  unavailableReason(settings: FuzzSettings): string | undefined {
    if (settings.linked === undefined) return 'needs a mailbox to read the test mail back from: give --deliver-pop3 HOST:PORT, --user and --password-env';
    if (settings.linked.password === undefined) return `needs the password of ${settings.linked.user} on the linked mailbox: give --password-env`;
    if (readAddresses(settings.vars) === undefined) return `needs the address that delivers to ${settings.linked.user}'s mailbox: set --rcpt`;
    return undefined;
  },
  arbitrary: () => deliveryBodyArbitrary,
  run: runDelivery,
  describeInput: (body: DeliveryBody): unknown => ({ bodyLines: body }),
};

/**
 * Notes what the linked mailbox holds, sends, closes the SMTP session, then waits for the message
 * there, takes it out and compares.
 */
async function runDelivery(body: DeliveryBody, settings: FuzzSettings, stats: FuzzStats): Promise<void> {
  const addresses = readAddresses(settings.vars);
  const linked = settings.linked;
  const password = linked?.password;
  if (addresses === undefined || linked === undefined || password === undefined) throw new Error('smtp.delivery needs --rcpt and a linked mailbox with its password');
  const account = { ...linked, password };
  // On a log of its own: this look is evidence only when it fails, and then its finding carries it.
  const before = await new LinkedPop3Mailbox(account, settings, stats, new WireLog()).currentUniqueIds();
  // Taken before the SMTP log starts its clock, so the POP3 lines sort after the SMTP ones.
  const origin = performance.now();
  const smtp = new SmtpModelReal(settings, stats, addresses);
  const pop3Log = new WireLog(origin);
  const mailbox = new LinkedPop3Mailbox(account, settings, stats, pop3Log);
  // Never derived from the input alone: a message left over from an earlier run must not be mistaken for this one.
  const token = makeSeedTokens(settings.namespace, 1)[0]!;
  try {
    const submission = await send(smtp, token, body);
    if (!submission.accepted) return;
    const pickup = await mailbox.pickUp(markerLine(token), before);
    if (!pickup.found) throw timedOut(linked, token, pickup, smtp.log);
    const breach = compareDelivered(submission.message, pickup.lines);
    if (breach) throw modelFailure(breach, smtp.log);
  } catch (err) {
    // A finding is built from the log of the session it happened in; its transcript shows both, by name.
    throw isFuzzFailure(err) ? new FuzzFailure({ ...err.evidence, transcript: renderTranscript([{ name: 'smtp', log: smtp.log }, { name: 'pop3', log: pop3Log }]) }) : err;
  }
}

/** The SMTP session, closed (QUIT) before the mailbox is looked at. */
async function send(smtp: SmtpModelReal, token: string, body: DeliveryBody): Promise<SmtpSubmission> {
  try {
    return await submitMessage(smtp, token, body);
  } finally {
    await smtp.close();
  }
}

function timedOut(linked: LinkedMailbox, token: string, pickup: { readonly polls: number; readonly waitedMs: number }, log: WireLog): FuzzFailure {
  const where = `${linked.user}'s mailbox at ${linked.endpoint.host}:${linked.endpoint.port}`;
  return modelFailure(
    {
      rule: DELIVERY_RULES.arrives,
      message: `delivery timed out: the message accepted with 250 was not in ${where} after ${pickup.waitedMs} ms (${pickup.polls} looks; if it arrives later, it stays there)`,
      expected: `a message with the header line "${markerLine(token).toString('latin1')}" within ${linked.deliveryTimeoutMs} ms`,
      received: `none after ${pickup.polls} looks`,
    },
    log,
  );
}
