import { randomBytes } from 'node:crypto';
import type { Pop3SeededMessage } from '../../model/pop3-maildrop.js';
import { runSeedCommand } from '../../script/seed-command.js';
import { SEED_HEADER } from '../../script/setup/pop3-setup.js';

/** A seeded message as generated: only its body; the token is made per run (never reused). */
export interface Pop3SeedSpec {
  readonly bodyLines: readonly string[];
}

/** The message text: the seed header first (so TOP n 0 finds it), a few plain headers, the body, CRLF line ends. */
export function composeSeedMessage(token: string, index: number, bodyLines: readonly string[]): Buffer {
  const headers = [
    `${SEED_HEADER}: ${token}`,
    'From: mailconform@client.mailconform.test',
    `Subject: mailconform maildrop model, message ${index + 1}`,
    `Message-ID: <${token}@mailconform.test>`,
  ];
  return Buffer.from([...headers, '', ...bodyLines].map((l) => `${l}\r\n`).join(''), 'latin1');
}

/** Tokens unique to one run: the campaign's namespace, a time stamp and random bits. */
export function makeSeedTokens(namespace: string, count: number): string[] {
  const run = `${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
  return Array.from({ length: count }, (_, i) => `${namespace}-${run}-m${i + 1}`);
}

/** Delivers each message with the user's --seed-command, one after the other (delivery order = maildrop order). */
export async function seedMessages(seedCommand: string, namespace: string, specs: readonly Pop3SeedSpec[]): Promise<Pop3SeededMessage[]> {
  const tokens = makeSeedTokens(namespace, specs.length);
  const seeded: Pop3SeededMessage[] = [];
  for (const [i, spec] of specs.entries()) {
    const token = tokens[i]!;
    await runSeedCommand(seedCommand, composeSeedMessage(token, i, spec.bodyLines));
    seeded.push({ token, bodyLines: spec.bodyLines });
  }
  return seeded;
}
