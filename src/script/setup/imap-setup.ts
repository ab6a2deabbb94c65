import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ImapClient, quoteImap } from '../../protocol/imap/client.js';
import type { ImapUnit } from '../../protocol/imap/conversation.js';
import type { CaseContext, CaseSetup } from '../case-setup.js';
import { countBodyLines, renderFixture } from '../render-fixture.js';
import { ANY_SEED_FIXTURE, type ScriptCase } from '../script-case.js';

/** Mailboxes the tool creates start with this, so a person (and the cleanup) can tell them apart. */
export const MAILBOX_PREFIX = 'mailconform-';

/**
 * IMAP preparation: every case gets a mailbox of its own (`${mailbox}`), created by the tool,
 * filled with the case's fixtures by APPEND (`${m1}`, `${m1.uid}`, `${m1.size}`, …) and deleted
 * afterwards with anything the case created under it — so nothing that was on the account before
 * is touched. A case that must work on INBOX or other existing mail is `destructive: yes` and runs
 * only with --allow-destructive.
 */
export async function prepareImapCase(scriptCase: ScriptCase<ImapUnit>, context: CaseContext): Promise<CaseSetup> {
  if (scriptCase.header.destructive && !context.allowDestructive) return { skip: 'destructive case: it changes mail the tool did not create; give --allow-destructive to run it' };
  const user = context.bindings.get('user');
  const password = context.bindings.get('password');
  if (user === undefined || password === undefined) return { skip: 'needs an account: set --user and --password-env' };
  const mailbox = `${MAILBOX_PREFIX}${context.bindings.get('uniq') ?? Date.now().toString(36)}`;

  const client = await login(context, user, password);
  let created = false;
  try {
    await createCaseMailbox(client, mailbox);
    created = true;
    const bindings = new Map<string, string>([['mailbox', mailbox]]);
    for (const [i, entry] of scriptCase.header.seed.entries()) {
      const message = await renderSeed(entry === 'any' ? ANY_SEED_FIXTURE : entry, context);
      const appended = await client.command(`APPEND ${quoteImap(mailbox)} {}`, [message]);
      if (appended.tagged.status !== 'OK') throw new Error(`APPEND to ${mailbox} failed: ${appended.tagged.text}`);
      const name = `m${i + 1}`;
      bindings.set(name, String(i + 1));
      bindings.set(`${name}.size`, String(message.length));
      bindings.set(`${name}.lines`, String(countBodyLines(message.toString('latin1'))));
      // UIDPLUS (RFC 4315): "[APPENDUID uidvalidity uid]"; without it, ask for the UID.
      const code = appended.tagged.code;
      if (code?.kind === 'other' && code.name.toUpperCase() === 'APPENDUID' && code.text) bindings.set(`${name}.uid`, code.text.split(' ')[1] ?? '');
    }
    if (scriptCase.header.seed.length > 0) await bindMissingUids(client, mailbox, bindings, scriptCase.header.seed.length);
    const count = scriptCase.header.seed.length;
    bindings.set('count', String(count));
    bindings.set('beyond', String(count + 1));
    bindings.set('size', String([...Array(count).keys()].reduce((sum, i) => sum + Number(bindings.get(`m${i + 1}.size`)), 0)));
    await client.command('LOGOUT');
    return { bindings, cleanup: () => deleteCaseMailboxes(context, user, password, mailbox) };
  } catch (err) {
    // Setup failed half-way: take back what it made before saying so.
    if (created) await deleteCaseMailboxes(context, user, password, mailbox).catch(() => undefined);
    throw err;
  } finally {
    client.close();
  }
}

/**
 * CREATE of the case's mailbox. Seen on Dovecot 2.3 (Maildir++) under concurrent CREATEs by other
 * sessions of the same user: about 1 in 240 answers "NO Mailbox already exists" for a fresh name,
 * and the mailbox does exist. The name carries a random token, so an existing, empty mailbox of that
 * name is the one just made; anything else is an error.
 */
async function createCaseMailbox(client: ImapClient, mailbox: string): Promise<void> {
  const created = await client.command(`CREATE ${quoteImap(mailbox)}`);
  if (created.tagged.status === 'OK') return;
  const status = await client.command(`STATUS ${quoteImap(mailbox)} (MESSAGES)`);
  const empty = status.untagged.some((u) => u.response.kind === 'untagged' && u.response.type === 'status' && u.response.attributes.some((a) => a.name === 'MESSAGES' && a.value === 0));
  if (status.tagged.status !== 'OK' || !empty) throw new Error(`CREATE ${mailbox} failed: ${created.tagged.text}`);
}

export async function login(context: Pick<CaseContext, 'connect'>, user: string, password: string): Promise<ImapClient> {
  const client = await ImapClient.connect(context.connect);
  try {
    await client.greeting();
    const result = await client.command(`LOGIN ${quoteImap(user)} ${quoteImap(password)}`);
    if (result.tagged.status !== 'OK') throw new Error(`LOGIN refused for ${user}: ${result.tagged.text}`);
    return client;
  } catch (err) {
    client.close();
    throw err;
  }
}

async function renderSeed(fixture: string, context: CaseContext): Promise<Buffer> {
  const text = await readFile(path.join(context.fixturesDir, fixture), 'utf8');
  const rendered = renderFixture(text, context.bindings);
  if (!('text' in rendered)) throw new Error(`fixture ${fixture}: ${'missing' in rendered ? `\${${rendered.missing}} has no value` : rendered.error}`);
  return Buffer.from(rendered.text, 'utf8');
}

/** UIDs by sequence number, for servers without UIDPLUS (EXAMINE: nothing changes, not even \Recent … much). */
async function bindMissingUids(client: ImapClient, mailbox: string, bindings: Map<string, string>, count: number): Promise<void> {
  if ([...Array(count).keys()].every((i) => bindings.has(`m${i + 1}.uid`))) return;
  await client.command(`EXAMINE ${quoteImap(mailbox)}`);
  const fetched = await client.command('FETCH 1:* (UID)');
  for (const unit of fetched.untagged) {
    const response = unit.response;
    if (response.kind !== 'untagged' || response.type !== 'fetch') continue;
    for (const attribute of response.attributes) if (attribute.name === 'UID') bindings.set(`m${response.seq}.uid`, String(attribute.uid));
  }
  await client.command('CLOSE');
}

/**
 * Deletes the case's mailbox and everything the case created under it, deepest first, and drops
 * subscriptions to those names. A name can vanish on its own (a \Noselect level goes with its last
 * child), so a refused DELETE counts as done when the name is no longer listed.
 */
export async function deleteCaseMailboxes(context: Pick<CaseContext, 'connect'>, user: string, password: string, mailbox: string): Promise<void> {
  const client = await login(context, user, password);
  try {
    const pattern = quoteImap(`${mailbox}*`);
    const ours = (names: string[]): string[] => names.filter((n) => n.startsWith(mailbox)).sort((a, b) => b.length - a.length);
    for (const name of ours(listNames(await client.command(`LSUB "" ${pattern}`)))) await client.command(`UNSUBSCRIBE ${quoteImap(name)}`);
    for (const name of ours(listNames(await client.command(`LIST "" ${pattern}`)))) {
      const deleted = await client.command(`DELETE ${quoteImap(name)}`);
      if (deleted.tagged.status === 'OK') continue;
      const still = listNames(await client.command(`LIST "" ${quoteImap(name)}`));
      if (still.includes(name)) throw new Error(`DELETE ${name} failed: ${deleted.tagged.text}`);
    }
    await client.command('LOGOUT');
  } finally {
    client.close();
  }
}

export function listNames(result: { readonly untagged: readonly ImapUnit[] }): string[] {
  return result.untagged.flatMap((u) => (u.response.kind === 'untagged' && (u.response.type === 'list' || u.response.type === 'lsub') ? [u.response.mailbox.raw] : []));
}
