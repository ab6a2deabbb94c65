import type { ConnectOptions } from '../../transport/connection.js';
import { escapeBytes } from '../shared/bytes.js';
import { ImapClient, quoteImap } from './client.js';

export interface ImapProbe {
  readonly greeting: string;
  /** OK or PREAUTH: the server will talk. */
  readonly greetingOk: boolean;
  /** Capabilities, upper-cased, before and (with credentials) after login: they may differ (§6.2.3). */
  readonly capabilities: ReadonlySet<string>;
  readonly authenticated: boolean;
}

/** Greeting, CAPABILITY, and with credentials a LOGIN and CAPABILITY again; then LOGOUT. */
export async function probeImap(options: ConnectOptions, credentials?: { readonly user: string; readonly pass: string }): Promise<ImapProbe> {
  const client = await ImapClient.connect(options);
  try {
    const { unit } = await client.greeting();
    const greeting = escapeBytes(unit.raw.parts[0]?.bytes ?? Buffer.alloc(0));
    const status = unit.response.kind === 'untagged' && unit.response.type === 'condition' ? unit.response.status : undefined;
    if (status !== 'OK' && status !== 'PREAUTH') return { greeting, greetingOk: false, capabilities: new Set(), authenticated: false };
    await client.command('CAPABILITY');
    // Both states' lists: AUTH= mechanisms are announced before login, extensions often only after (§6.2.3).
    const capabilities = new Set(client.capabilities);
    let authenticated = status === 'PREAUTH';
    if (credentials && !authenticated) {
      const login = await client.command(`LOGIN ${quoteImap(credentials.user)} ${quoteImap(credentials.pass)}`);
      authenticated = login.tagged.status === 'OK';
      if (authenticated) await client.command('CAPABILITY');
    }
    for (const capability of client.capabilities) capabilities.add(capability);
    await client.command('LOGOUT').catch(() => undefined);
    return { greeting, greetingOk: true, capabilities, authenticated };
  } finally {
    client.close();
  }
}
