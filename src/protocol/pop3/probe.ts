import type { ConnectOptions } from '../../transport/connection.js';
import { escapeBytes } from '../shared/bytes.js';
import { Pop3Client } from './client.js';

export interface Pop3Credentials {
  readonly user: string;
  readonly pass: string;
}

export interface Pop3Probe {
  /** The greeting line, escaped for display. */
  readonly greeting: string;
  readonly greetingOk: boolean;
  /** The APOP challenge, when the greeting has one (RFC 2449 §6: that is how APOP is announced). */
  readonly apopTimestamp?: string;
  /** CAPA tags (upper-cased) with their parameters; empty when CAPA failed. */
  readonly capabilities: ReadonlyMap<string, readonly string[]>;
  /** CAPA answered +OK ("An -ERR response indicates the capability command is not implemented", RFC 2449 §5). */
  readonly capaSupported: boolean;
  /** Credentials were given and USER/PASS was accepted: `capabilities` then joins both states' lists. */
  readonly authenticated: boolean;
}

/**
 * Learns what the server offers before cases run: greeting, APOP timestamp and CAPA, so cases
 * that need an extension are skipped with a reason instead of failed. With credentials it also
 * logs in by USER/PASS and asks CAPA again: capabilities may differ after authentication, and
 * those of AUTHORIZATION "MUST be announced in both states" (RFC 2449 §5), so the second list is
 * the fuller one. Transport errors propagate: a server that can't be reached can't be tested.
 */
export async function probePop3(options: ConnectOptions, credentials?: Pop3Credentials): Promise<Pop3Probe> {
  const client = await Pop3Client.connect(options);
  try {
    const greeting = await client.greeting();
    const text = escapeBytes(greeting.response.raw.bytes);
    const apop = client.apopTimestamp === undefined ? {} : { apopTimestamp: client.apopTimestamp };
    if (greeting.response.status !== '+OK') {
      return { greeting: text, greetingOk: false, ...apop, capabilities: new Map(), capaSupported: false, authenticated: false };
    }
    const capa = await client.capa();
    let capabilities = capa.response.status === '+OK' ? (client.capabilities ?? new Map()) : new Map<string, string[]>();
    let authenticated = false;
    if (credentials) {
      const user = await client.user(credentials.user);
      const pass = user.response.status === '+OK' ? await client.pass(credentials.pass) : undefined;
      authenticated = pass?.response.status === '+OK';
      if (authenticated && capa.response.status === '+OK') {
        const again = await client.capa();
        // Union: some servers (Dovecot) drop USER and SASL after login although RFC 2449 §5 says
        // AUTHORIZATION's capabilities "MUST be announced in both states"; cases may still need them.
        if (again.response.status === '+OK') capabilities = new Map([...capabilities, ...(client.capabilities ?? [])]);
      }
    }
    await client.quit().catch(() => undefined);
    return { greeting: text, greetingOk: true, ...apop, capabilities, capaSupported: capa.response.status === '+OK', authenticated };
  } finally {
    client.close();
  }
}
