import { ImapClient, quoteImap } from '../../protocol/imap/client.js';
import { ImapState } from '../../protocol/imap/session-state.js';
import { WireLog } from '../../transport/wire-log.js';
import type { FuzzSettings, FuzzStats } from '../fuzz-property.js';
import { imapTransportFailure } from './imap-model-failure.js';
import { ImapModelReal, type ImapModelReals } from './imap-model-real.js';
import type { RunLog } from './run-failure.js';

/** Runs of one process get mailboxes of their own: a name is never re-created right after its DELETE. */
let runCounter = 0;

/** The prefix of every mailbox a model run creates; all of them start with the settings' namespace. */
export function modelMailboxPrefix(namespace: string): string {
  return `${namespace}-model-`;
}

/** How a model run connects: its sessions' names (as transcripts show them), and whether it has a COPY destination. */
export interface ModelRunLayout {
  readonly sessions: readonly string[];
  readonly copyMailbox: boolean;
}

/** The one-session model: session "1" and a COPY destination. */
export const ONE_SESSION: ModelRunLayout = { sessions: ['1'], copyMailbox: true };

/**
 * Connects and logs in every session of a run (all to the same account), and with the first
 * creates the run's fresh mailboxes, after deleting any a crashed earlier run left behind. Refusals
 * here are faults of the set-up (account, permissions), not findings; a hang or reset is a finding.
 */
export async function openModelSessions(settings: FuzzSettings, stats: FuzzStats, layout: ModelRunLayout): Promise<ImapModelReal[]> {
  const mailbox = `${modelMailboxPrefix(settings.namespace)}${++runCounter}`;
  const logs = layout.sessions.map((name) => ({ name, log: new WireLog() }));
  const transcript: RunLog = logs.length === 1 && logs[0] ? logs[0].log : logs;
  const reals: ImapModelReal[] = [];
  try {
    for (const { log } of logs) {
      reals.push(await loginSession(settings, log, (client) => new ImapModelReal(client, log, mailbox, layout.copyMailbox ? `${mailbox}-copy` : undefined, stats, transcript)));
    }
    const [first] = reals;
    if (!first) throw new Error('a model run needs a session');
    await deleteModelMailboxes(first, settings.namespace);
    for (const name of [first.mailbox, first.copyMailbox]) if (name !== undefined) await createFresh(first, name);
    return reals;
  } catch (err) {
    for (const real of reals) real.client.close();
    throw err;
  }
}

/** One connection, greeted and logged in; closed again if that fails. */
async function loginSession(settings: FuzzSettings, log: WireLog, wrap: (client: ImapClient) => ImapModelReal): Promise<ImapModelReal> {
  const client = await ImapClient.connect({ ...settings.endpoint, log, connectTimeoutMs: settings.connectTimeoutMs, readTimeoutMs: settings.answerTimeoutMs });
  const real = wrap(client);
  try {
    try {
      await client.greeting();
    } catch (err) {
      throw imapTransportFailure(err, 'the greeting', real.transcript);
    }
    real.current = 'LOGIN';
    const login = await real.send(`LOGIN ${quoteImap(settings.user ?? '')} ${quoteImap(settings.password ?? '')}`);
    if (login.tagged.status !== 'OK') throw new Error(`LOGIN refused for ${settings.user ?? '(no user)'}: ${login.tagged.text}`);
    real.current = '(setup)';
    return real;
  } catch (err) {
    client.close();
    throw err;
  }
}

/**
 * CREATE of a fresh name. Dovecot can answer "NO [ALREADYEXISTS]" for a name that did not exist
 * (see script/setup/imap-setup.ts); an existing, empty mailbox of that name is then the one made.
 */
async function createFresh(real: ImapModelReal, name: string): Promise<void> {
  const created = await real.send(`CREATE ${quoteImap(name)}`);
  if (created.tagged.status === 'OK') return;
  const status = await real.send(`STATUS ${quoteImap(name)} (MESSAGES)`);
  const empty = status.untagged.some((u) => u.response.kind === 'untagged' && u.response.type === 'status' && u.response.attributes.some((a) => a.name === 'MESSAGES' && a.value === 0));
  if (status.tagged.status !== 'OK' || !empty) throw new Error(`CREATE ${name} failed: ${created.tagged.text}`);
}

/** Deletes every mailbox under the model prefix, deepest first (only names the tool made: they start with the namespace). */
async function deleteModelMailboxes(real: ImapModelReal, namespace: string): Promise<void> {
  const prefix = modelMailboxPrefix(namespace);
  const listed = await real.send(`LIST "" ${quoteImap(`${prefix}*`)}`);
  const names = listed.untagged.flatMap((u) => (u.response.kind === 'untagged' && u.response.type === 'list' ? [u.response.mailbox.raw] : []));
  for (const name of names.filter((n) => n.startsWith(prefix)).sort((a, b) => b.length - a.length)) await real.send(`DELETE ${quoteImap(name)}`);
}

/**
 * Ends a run: the later sessions log out, then the first leaves the mailbox, deletes the run's
 * mailboxes and logs out — on its own connection if it still works, else on a new one. Never
 * throws: the run's outcome is what counts, and the next run deletes what is left anyway.
 */
export async function closeModelSessions(reals: ImapModelReals, settings: FuzzSettings, reuse: boolean): Promise<void> {
  const [first, ...later] = reals;
  for (const real of later) {
    real.current = '(cleanup)';
    try {
      if (reuse && real.client.connection.isOpen) await real.send('LOGOUT');
    } catch {
      // Closed below either way.
    } finally {
      real.client.close();
    }
  }
  if (first) await closeFirstSession(first, settings, reuse);
}

async function closeFirstSession(real: ImapModelReal, settings: FuzzSettings, reuse: boolean): Promise<void> {
  real.current = '(cleanup)';
  const tidy = async (session: ImapModelReal): Promise<void> => {
    if (session.client.state === ImapState.Selected) await session.send('CLOSE');
    for (const name of [real.copyMailbox, real.mailbox]) if (name !== undefined) await session.send(`DELETE ${quoteImap(name)}`);
    await session.send('LOGOUT');
  };
  try {
    // After a hang or reset the connection is out of step (a late answer may still come): start over.
    if (!reuse || !real.client.connection.isOpen) throw new Error('connection not reusable');
    await tidy(real);
  } catch {
    real.client.close();
    try {
      const client = await ImapClient.connect({ ...settings.endpoint, connectTimeoutMs: settings.connectTimeoutMs, readTimeoutMs: settings.answerTimeoutMs });
      try {
        await client.greeting();
        const login = await client.command(`LOGIN ${quoteImap(settings.user ?? '')} ${quoteImap(settings.password ?? '')}`);
        if (login.tagged.status === 'OK') await tidy(new ImapModelReal(client, client.connection.log, real.mailbox, real.copyMailbox, { commands: 0 }));
      } finally {
        client.close();
      }
    } catch {
      // Best effort: deleteModelMailboxes at the next run's start takes what is left.
    }
  } finally {
    real.client.close();
  }
}
