import { ImapClient, quoteImap } from '../../protocol/imap/client.js';
import { ImapState } from '../../protocol/imap/session-state.js';
import { WireLog } from '../../transport/wire-log.js';
import type { FuzzSettings, FuzzStats } from '../fuzz-property.js';
import { imapTransportFailure } from './imap-model-failure.js';
import { ImapModelReal } from './imap-model-real.js';

/** Runs of one process get mailboxes of their own: a name is never re-created right after its DELETE. */
let runCounter = 0;

/** The prefix of every mailbox a model run creates; all of them start with the settings' namespace. */
export function modelMailboxPrefix(namespace: string): string {
  return `${namespace}-model-`;
}

/**
 * Connects, logs in and creates the run's two fresh mailboxes (the model's and the COPY
 * destination), after deleting any a crashed earlier run left behind. Refusals here are faults of
 * the set-up (account, permissions), not findings; a hang or reset is a finding.
 */
export async function openModelSession(settings: FuzzSettings, stats: FuzzStats): Promise<ImapModelReal> {
  const log = new WireLog();
  const { host, port } = settings.endpoint;
  const client = await ImapClient.connect({ host, port, log, connectTimeoutMs: settings.connectTimeoutMs, readTimeoutMs: settings.answerTimeoutMs });
  const mailbox = `${modelMailboxPrefix(settings.namespace)}${++runCounter}`;
  const real = new ImapModelReal(client, log, mailbox, `${mailbox}-copy`, stats);
  try {
    try {
      await client.greeting();
    } catch (err) {
      throw imapTransportFailure(err, 'the greeting', log);
    }
    real.current = 'LOGIN';
    const login = await real.send(`LOGIN ${quoteImap(settings.user ?? '')} ${quoteImap(settings.password ?? '')}`);
    if (login.tagged.status !== 'OK') throw new Error(`LOGIN refused for ${settings.user ?? '(no user)'}: ${login.tagged.text}`);
    real.current = '(setup)';
    await deleteModelMailboxes(real, settings.namespace);
    for (const name of [real.mailbox, real.copyMailbox]) await createFresh(real, name);
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
 * Ends a run: leaves the mailbox, deletes the run's mailboxes, logs out — on the run's own
 * connection if it still works, else on a new one. Never throws: the run's outcome is what counts,
 * and the next run deletes what is left anyway.
 */
export async function closeModelSession(real: ImapModelReal, settings: FuzzSettings, reuse: boolean): Promise<void> {
  real.current = '(cleanup)';
  const tidy = async (session: ImapModelReal): Promise<void> => {
    if (session.client.state === ImapState.Selected) await session.send('CLOSE');
    for (const name of [real.copyMailbox, real.mailbox]) await session.send(`DELETE ${quoteImap(name)}`);
    await session.send('LOGOUT');
  };
  try {
    // After a hang or reset the connection is out of step (a late answer may still come): start over.
    if (!reuse || !real.client.connection.isOpen) throw new Error('connection not reusable');
    await tidy(real);
  } catch {
    real.client.close();
    try {
      const { host, port } = settings.endpoint;
      const client = await ImapClient.connect({ host, port, connectTimeoutMs: settings.connectTimeoutMs, readTimeoutMs: settings.answerTimeoutMs });
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
