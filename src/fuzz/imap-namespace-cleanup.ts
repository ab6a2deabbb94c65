import { ImapClient, quoteImap } from '../protocol/imap/client.js';
import type { ImapUnit } from '../protocol/imap/conversation.js';
import type { FuzzSettings } from './fuzz-property.js';

/**
 * After an IMAP campaign: deletes every mailbox whose name starts with the campaign's namespace
 * (the tool made them: fuzzed commands only ever write inside it) and drops their subscriptions,
 * deepest names first so children go before parents. Best effort and bounded by the answer
 * timeout; never throws, since the campaign's findings matter more than its tidying.
 */
export async function removeNamespaceMailboxes(settings: FuzzSettings): Promise<void> {
  if (settings.user === undefined || settings.password === undefined || settings.namespace === '') return;
  let client: ImapClient | undefined;
  try {
    client = await ImapClient.connect({ ...settings.endpoint, connectTimeoutMs: settings.connectTimeoutMs, readTimeoutMs: settings.answerTimeoutMs, stepTimeoutMs: 4 * settings.answerTimeoutMs });
    await client.greeting();
    const login = await client.command(`LOGIN ${quoteImap(settings.user)} ${quoteImap(settings.password)}`);
    if (login.tagged.status !== 'OK') return;
    const pattern = quoteImap(`${settings.namespace}*`);
    const byDepth = (names: string[]): string[] => [...new Set(names.filter((n) => n.startsWith(settings.namespace)))].sort((a, b) => b.length - a.length);
    for (const name of byDepth(namesIn((await client.command(`LIST "" ${pattern}`)).untagged, 'list'))) await client.command(`DELETE ${quoteImap(name)}`);
    // Subscriptions outlive DELETE (§6.3.6), and a fuzzed SUBSCRIBE may name a mailbox that never existed.
    for (const name of byDepth(namesIn((await client.command(`LSUB "" ${pattern}`)).untagged, 'lsub'))) await client.command(`UNSUBSCRIBE ${quoteImap(name)}`);
    await client.command('LOGOUT');
  } catch {
    // Left for the next campaign with this namespace, which removes it the same way.
  } finally {
    client?.close();
  }
}

function namesIn(units: readonly ImapUnit[], type: 'list' | 'lsub'): string[] {
  return units.flatMap((u) => (u.response.kind === 'untagged' && u.response.type === type ? [u.response.mailbox.raw] : []));
}
