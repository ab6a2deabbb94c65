import type { ConnectOptions } from '../../transport/connection.js';
import { Pop3Client } from './client.js';

/** Where a message is in the maildrop, as one POP3 session sees it. */
export interface LocatedMessage {
  readonly msg: number;
  readonly size: number;
  readonly uidl?: string;
}

export interface MaildropView {
  readonly count: number;
  readonly size: number;
  /** token → message whose header block contains it. */
  readonly found: ReadonlyMap<string, LocatedMessage>;
  /** Scan listing in message order (size per message number). */
  readonly listing: readonly LocatedMessage[];
}

/** Logs in with USER/PASS; throws with the server's words when it refuses. */
export async function loginPop3(options: ConnectOptions, user: string, password: string): Promise<Pop3Client> {
  const client = await Pop3Client.connect(options);
  try {
    const greeting = await client.greeting();
    if (greeting.response.status !== '+OK') throw new Error(`POP3 greeting was not +OK: ${greeting.response.text}`);
    const userReply = await client.user(user);
    if (userReply.response.status !== '+OK') throw new Error(`USER refused: ${userReply.response.text}`);
    const passReply = await client.pass(password);
    if (passReply.response.status !== '+OK') throw new Error(`PASS refused for ${user}: ${passReply.response.text}`);
    return client;
  } catch (err) {
    client.close();
    throw err;
  }
}

/**
 * Finds messages by a header line (`marker: token`, compared whole) among their headers (TOP n 0), newest first, stopping once every token
 * is found: seeded messages are the newest, so older mail (the user's own) is rarely looked at,
 * and never more than its headers.
 */
export async function scanMaildrop(client: Pop3Client, marker: string, tokens: readonly string[]): Promise<MaildropView> {
  const stat = await client.stat();
  const [count, size] = stat.response.text.split(' ').map(Number);
  const listed = await client.list();
  const listing = listed.response.lines.map((line) => {
    const [msg, octets] = line.toString('latin1').split(' ').map(Number);
    return { msg: msg!, size: octets! };
  });
  const uidl = await client.uidl();
  const uids = new Map<number, string>();
  if (uidl.response.status === '+OK') {
    for (const line of uidl.response.lines) {
      const [msg, uid] = line.toString('latin1').split(' ');
      uids.set(Number(msg), uid!);
    }
  }
  const found = new Map<string, LocatedMessage>();
  for (const entry of [...listing].reverse()) {
    if (found.size === tokens.length) break;
    const top = await client.top(entry.msg, 0);
    if (top.response.status !== '+OK') throw new Error(`TOP ${entry.msg} 0 failed: ${top.response.text} (seeding needs TOP, RFC 1939 §7)`);
    const headers = new Set(top.response.lines.map((l) => l.toString('latin1')));
    const token = tokens.find((t) => !found.has(t) && headers.has(`${marker}: ${t}`));
    const uid = uids.get(entry.msg);
    if (token) found.set(token, uid === undefined ? entry : { ...entry, uidl: uid });
  }
  return { count: count ?? listing.length, size: size ?? 0, found, listing: listing.map((e) => (uids.has(e.msg) ? { ...e, uidl: uids.get(e.msg)! } : e)) };
}
