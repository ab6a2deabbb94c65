import { SEED_HEADER } from '../../script/setup/pop3-setup.js';
import type { SmtpModelAddresses } from '../models/smtp-model-real.js';
import { hasEightBit, type DeliveryBody } from './delivery-body.js';

/** One message as sent: its header lines and body lines (no line ends), and the bytes given to DATA. */
export interface DeliveryMessage {
  /** Unique to the run: the message is found (and deleted) by the header line `${SEED_HEADER}: ${token}`, nothing else. */
  readonly token: string;
  readonly headers: readonly Buffer[];
  readonly body: readonly Buffer[];
  /** Header lines, the empty line, the body lines, each ended by CRLF (RFC 5322 §2.1). */
  readonly bytes: Buffer;
  /** The body has 8-bit octets: MAIL carries BODY=8BITMIME (RFC 6152 §3). */
  readonly eightBit: boolean;
}

/** The header line that marks the run's message. */
export function markerLine(token: string): Buffer {
  return Buffer.from(`${SEED_HEADER}: ${token}`, 'latin1');
}

/**
 * A complete message (RFC 5322 §3.6: Date and From; Message-ID; MIME labels for 8-bit text), so
 * that a server has nothing to add for it (RFC 5321 §6.4) and every header line sent must arrive.
 * The marker comes first, so TOP n 0 shows it whatever the server prepends.
 */
export function composeDeliveryMessage(token: string, addresses: SmtpModelAddresses, body: DeliveryBody, date: Date): DeliveryMessage {
  const eightBit = hasEightBit(body);
  const headers = [
    markerLine(token).toString('latin1'),
    `Message-ID: <${token}@mailconform.test>`,
    `Date: ${formatDate(date)}`,
    `From: <${addresses.from}>`,
    `To: <${addresses.rcpt}>`,
    'Subject: mailconform delivery check',
    'MIME-Version: 1.0',
    `Content-Type: text/plain; charset=${eightBit ? 'ISO-8859-1' : 'US-ASCII'}`,
    `Content-Transfer-Encoding: ${eightBit ? '8bit' : '7bit'}`,
  ].map((line) => Buffer.from(line, 'latin1'));
  const bodyLines = body.map((line) => Buffer.from(line, 'latin1'));
  const crlf = Buffer.from('\r\n');
  const bytes = Buffer.concat([...headers, Buffer.alloc(0), ...bodyLines].flatMap((line) => [line, crlf]));
  return { token, headers, body: bodyLines, bytes, eightBit };
}

/** RFC 5322 §3.3 date-time with a numeric zone: "Thu, 01 Jan 2026 10:00:00 +0000". */
function formatDate(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}
