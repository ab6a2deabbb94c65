import { quoteImap } from '../../protocol/imap/client.js';
import type { RunContext } from '../case-setup.js';
import { tokenCreatedAt } from '../unique-token.js';
import { MAILBOX_PREFIX, deleteCaseMailboxes, listNames, login } from './imap-setup.js';

/**
 * A case mailbox made longer ago than this belongs to no run in progress: a case lasts seconds,
 * and the hour leaves room for clocks that differ between machines sharing an account.
 */
export const LEFTOVER_AGE_MS = 60 * 60 * 1000;

/** No mailconform made a case mailbox before this (2024-01-01): an older "time" is not ours. */
const FIRST_TOKEN_TIME = Date.UTC(2024, 0, 1);

/**
 * IMAP work before the first case. A run killed mid-case (SIGKILL, a second Ctrl-C, a crash)
 * cannot delete that case's mailbox. This deletes the tool's case mailboxes made more than an hour
 * ago — only names that are MAILBOX_PREFIX followed by the tool's generated token (uniqueToken:
 * "mc", creation time, random part, "-"), with what lies under them — and names the younger ones
 * without touching them: they may belong to a run in progress on the same account (another
 * shard). Never throws: a failure is a note, and the run goes on.
 */
export async function sweepImapLeftovers(context: RunContext, now: number = Date.now()): Promise<string[]> {
  const user = context.bindings.get('user');
  const password = context.bindings.get('password');
  if (user === undefined || password === undefined) return [];
  try {
    const roots = caseMailboxRoots(await listToolNames(context, user, password));
    const old = roots.filter((r) => now - r.createdAt > LEFTOVER_AGE_MS);
    const young = roots.filter((r) => now - r.createdAt <= LEFTOVER_AGE_MS);
    for (const { name } of old) await deleteCaseMailboxes(context, user, password, name);
    const notes: string[] = [];
    if (old.length > 0) notes.push(`removed ${old.length} case mailbox(es) left more than an hour ago by a run that was killed: ${old.map((r) => r.name).join(', ')}`);
    if (young.length > 0) {
      notes.push(`left ${young.length} case mailbox(es) made in the last hour, which may belong to a run in progress: ${young.map((r) => r.name).join(', ')} (a run that starts once they are an hour old removes them)`);
    }
    return notes;
  } catch (err) {
    return [`could not look for case mailboxes left by earlier runs: ${err instanceof Error ? err.message : String(err)}`];
  }
}

async function listToolNames(context: RunContext, user: string, password: string): Promise<string[]> {
  const client = await login(context, user, password);
  try {
    const listed = await client.command(`LIST "" ${quoteImap(`${MAILBOX_PREFIX}*`)}`);
    if (listed.tagged.status !== 'OK') throw new Error(`LIST of ${MAILBOX_PREFIX}* failed: ${listed.tagged.text}`);
    await client.command('LOGOUT');
    return listNames(listed);
  } finally {
    client.close();
  }
}

/**
 * The tool's case mailboxes among `names`, each with when it was made, leaving out those under
 * another one (deleting a case mailbox deletes what is under it).
 */
export function caseMailboxRoots(names: readonly string[]): Array<{ readonly name: string; readonly createdAt: number }> {
  const ours = names
    .filter((n) => n.startsWith(MAILBOX_PREFIX))
    .map((name) => ({ name, createdAt: tokenCreatedAt(name.slice(MAILBOX_PREFIX.length)) ?? 0 }))
    .filter((m) => m.createdAt >= FIRST_TOKEN_TIME)
    .sort((a, b) => a.name.length - b.name.length);
  return ours.filter((m, i) => !ours.slice(0, i).some((shorter) => m.name.startsWith(shorter.name)));
}
