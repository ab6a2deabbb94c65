import { replyClass } from '../../protocol/smtp/reply-codes.js';
import type { SmtpReply } from '../../protocol/smtp/reply-assembler.js';
import type { SmtpModelReal } from '../models/smtp-model-real.js';
import { toSevenBit, type DeliveryBody } from './delivery-body.js';
import { composeDeliveryMessage, type DeliveryMessage } from './delivery-message.js';

/** How the SMTP half of a delivery run ended: the message accepted (250 to the end of data), or refused at some step. */
export type SmtpSubmission = { readonly accepted: true; readonly message: DeliveryMessage } | { readonly accepted: false };

/**
 * One SMTP session up to the end of data: EHLO, MAIL (with BODY=8BITMIME when the body has 8-bit
 * octets, which it keeps only if the server offers 8BITMIME, RFC 6152 §3), RCPT to the linked
 * mailbox's address, DATA and the message. A refusal at any step is the server's right, not a
 * finding: it is noted in the wire log and nothing is compared. The caller closes (QUIT).
 */
export async function submitMessage(real: SmtpModelReal, token: string, body: DeliveryBody): Promise<SmtpSubmission> {
  const { addresses } = real;
  await real.open();
  const refused = (what: string, reply: SmtpReply): SmtpSubmission => {
    real.log.note(`${what} refused with ${reply.code ?? 'no code'}: the server may refuse a message, so nothing is compared`);
    return { accepted: false };
  };
  const ehlo = await command(real, `EHLO ${addresses.client}`);
  if (ehlo.code !== 250) return refused('EHLO', ehlo);
  const eightBit = real.ehloKeywords?.has('8BITMIME') === true;
  const message = composeDeliveryMessage(token, addresses, eightBit ? body : toSevenBit(body), new Date());
  const mail = await command(real, `MAIL FROM:<${addresses.from}>${message.eightBit ? ' BODY=8BITMIME' : ''}`);
  if (replyClass(mail.code) !== 2) return refused('MAIL', mail);
  const rcpt = await command(real, `RCPT TO:<${addresses.rcpt}>`);
  if (replyClass(rcpt.code) !== 2) return refused('RCPT', rcpt);
  const data = await command(real, 'DATA');
  if (data.code !== 354) return refused('DATA', data);
  real.stats.commands++;
  const end = await real.sendContent(message.bytes);
  if (replyClass(end.code) !== 2) return refused('the message', end);
  return { accepted: true, message };
}

function command(real: SmtpModelReal, line: string): Promise<SmtpReply> {
  real.stats.commands++;
  return real.send(line);
}
