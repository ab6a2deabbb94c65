import type { ConnectOptions } from '../../transport/connection.js';
import { escapeBytes } from '../shared/bytes.js';
import { SmtpClient } from './client.js';

export interface SmtpProbe {
  /** The greeting's lines, escaped for display. */
  readonly greeting: string;
  readonly greetingCode: number | undefined;
  /** EHLO keywords (upper-cased) with their parameters; empty if EHLO was refused. */
  readonly keywords: ReadonlyMap<string, readonly string[]>;
  readonly ehloCode: number | undefined;
}

/**
 * Learns what the server advertises before cases run: greeting and EHLO keywords, so cases that
 * need an extension are skipped with a reason instead of failed. Transport errors propagate: a
 * server that can't be reached or never greets can't be tested.
 */
export async function probeSmtp(options: ConnectOptions, clientDomain: string): Promise<SmtpProbe> {
  const client = await SmtpClient.connect(options);
  try {
    const greeting = await client.greeting();
    const text = greeting.reply.lines.map((l) => escapeBytes(l.raw.bytes)).join('\n');
    if (greeting.reply.code !== 220) return { greeting: text, greetingCode: greeting.reply.code, keywords: new Map(), ehloCode: undefined };
    const ehlo = await client.ehlo(clientDomain);
    await client.quit().catch(() => undefined);
    return { greeting: text, greetingCode: 220, keywords: ehlo.ehlo?.keywords ?? new Map(), ehloCode: ehlo.reply.code };
  } finally {
    client.close();
  }
}
