import { createHash } from 'node:crypto';
import type { DovecotLab } from '../../src/lab/dovecot.js';

/** One message as Dovecot stores it: what a user would miss if the tool changed it. */
export interface MessageState {
  /** Flags and keywords, sorted, without \Recent (session state: any SELECT or POP3 login clears it, RFC 3501 §2.3.2). */
  readonly flags: string;
  readonly guid: string;
  /** sha256 of the whole message as stored (headers and body). */
  readonly sha256: string;
}

export interface MailboxState {
  /** In LIST (a \Noselect parent counts); false for a subscription to a name that does not exist. */
  readonly listed: boolean;
  readonly subscribed: boolean;
  /** Absent for a name that holds no messages (a \Noselect parent, a dangling subscription). */
  readonly uidvalidity?: string;
  readonly uidnext?: string;
  readonly messages: ReadonlyMap<number, MessageState>;
}

/** Every mailbox of an account by name, as Dovecot itself reports it. */
export type AccountSnapshot = ReadonlyMap<string, MailboxState>;

/**
 * The whole account through doveadm, not through the tool under test: LIST, LSUB, STATUS and
 * every message's UID, flags, GUID and bytes. doveadm reads the mail store directly, so taking
 * the snapshot changes nothing (no \Seen, no \Recent) and trusts no code of the tool.
 */
export async function snapshotAccount(lab: DovecotLab, user: string): Promise<AccountSnapshot> {
  const json = async <T>(args: readonly string[]): Promise<T[]> => JSON.parse((await lab.doveadm(['-f', 'json', ...args])) || '[]') as T[];
  const listed = await json<{ mailbox: string }>(['mailbox', 'list', '-u', user]);
  const subscribed = await json<{ mailbox: string }>(['mailbox', 'list', '-s', '-u', user]);
  const status = await json<{ mailbox: string; uidvalidity: string; uidnext: string }>(['mailbox', 'status', '-u', user, 'uidvalidity uidnext', '*']);
  const messages = await json<{ mailbox: string; uid: string; flags: string; guid: string; text: string }>(['fetch', '-u', user, 'mailbox uid flags guid text', 'all']);

  const names = new Set([...listed, ...subscribed].map((m) => m.mailbox));
  const snapshot = new Map<string, MailboxState>();
  for (const name of [...names].sort()) {
    const st = status.find((s) => s.mailbox === name);
    const mine = messages.filter((m) => m.mailbox === name);
    snapshot.set(name, {
      listed: listed.some((m) => m.mailbox === name),
      subscribed: subscribed.some((m) => m.mailbox === name),
      ...(st ? { uidvalidity: st.uidvalidity, uidnext: st.uidnext } : {}),
      messages: new Map(
        mine.map((m) => [
          Number(m.uid),
          {
            flags: m.flags.split(' ').filter((f) => f !== '' && f !== '\\Recent').sort().join(' '),
            guid: m.guid,
            sha256: createHash('sha256').update(m.text, 'utf8').digest('hex'),
          },
        ]),
      ),
    });
  }
  return snapshot;
}

export interface DiffOptions {
  /**
   * Mailboxes the tool may add messages to and remove them from again (POP3 seeding goes to
   * INBOX): there UIDNEXT may grow, since UIDs are never reused (RFC 3501 §2.3.1.1); every
   * message that was there must still be, unchanged, and no other may remain.
   */
  readonly seededInto?: readonly string[];
}

/** What differs between two snapshots, one line per mailbox, UID and field; empty if nothing. */
export function diffAccounts(before: AccountSnapshot, after: AccountSnapshot, options: DiffOptions = {}): string[] {
  const out: string[] = [];
  for (const [name, was] of before) {
    const now = after.get(name);
    if (now === undefined) {
      out.push(`mailbox ${JSON.stringify(name)}: gone (had ${was.messages.size} messages)`);
      continue;
    }
    const field = (label: string, a: unknown, b: unknown): void => void (a !== b && out.push(`mailbox ${JSON.stringify(name)}: ${label} ${String(a)} -> ${String(b)}`));
    field('listed', was.listed, now.listed);
    field('subscribed', was.subscribed, now.subscribed);
    field('UIDVALIDITY', was.uidvalidity, now.uidvalidity);
    const mayGrow = options.seededInto?.includes(name) === true && Number(now.uidnext) >= Number(was.uidnext);
    if (!mayGrow) field('UIDNEXT', was.uidnext, now.uidnext);
    for (const [uid, message] of was.messages) {
      const then = now.messages.get(uid);
      const where = `mailbox ${JSON.stringify(name)} UID ${uid}`;
      if (then === undefined) out.push(`${where}: gone (flags were "${message.flags}")`);
      else for (const key of ['flags', 'guid', 'sha256'] as const) if (message[key] !== then[key]) out.push(`${where}: ${key} "${message[key]}" -> "${then[key]}"`);
    }
    for (const [uid, message] of now.messages) if (!was.messages.has(uid)) out.push(`mailbox ${JSON.stringify(name)} UID ${uid}: new message (flags "${message.flags}")`);
  }
  for (const [name, now] of after) if (!before.has(name)) out.push(`mailbox ${JSON.stringify(name)}: new (${now.messages.size} messages${now.subscribed ? ', subscribed' : ''})`);
  return out;
}
