import { inspectResponse } from '../../protocol/pop3/inspect-response.js';
import type { Pop3MaildropModel } from '../../model/pop3-maildrop.js';
import type { Pop3ModelCommand } from './pop3-message-commands.js';
import type { Pop3ModelReal } from './pop3-model-real.js';

/** STAT: the drop listing counts and sizes the messages not marked as deleted (§5). */
export class StatCommand implements Pop3ModelCommand {
  check = (): boolean => true;
  async run(model: Pop3MaildropModel, real: Pop3ModelReal): Promise<void> {
    real.stats.commands++;
    const response = await real.send('STAT');
    const session = model.session!;
    real.check([session.checkPositive('STAT', response.status === '+OK' ? '+OK' : '-ERR')]);
    const drop = inspectResponse(response, response.raw.bytes).drop;
    if (drop) real.check(session.checkStat(drop.count, drop.size));
  }
  toString = (): string => 'STAT';
}

/** LIST: one scan listing per message not marked as deleted, sizes as at login (§5). */
export class ListAllCommand implements Pop3ModelCommand {
  check = (): boolean => true;
  async run(model: Pop3MaildropModel, real: Pop3ModelReal): Promise<void> {
    real.stats.commands++;
    const response = await real.send('LIST');
    const session = model.session!;
    // It answered LIST at login; the session's later LISTs have no reason to fail.
    real.check([session.checkPositive('LIST', response.status === '+OK' ? '+OK' : '-ERR')]);
    real.check(session.checkScanListings(inspectResponse(response, response.raw.bytes).scans ?? [], true));
  }
  toString = (): string => 'LIST';
}

/** UIDL: the unique-ids of the messages not marked as deleted, as at login (§7); only if UIDL answered then. */
export class UidlAllCommand implements Pop3ModelCommand {
  check = (): boolean => true;
  async run(model: Pop3MaildropModel, real: Pop3ModelReal): Promise<void> {
    real.stats.commands++;
    const response = await real.send('UIDL');
    const session = model.session!;
    if (!session.supportsUidl) return;
    real.check([session.checkPositive('UIDL', response.status === '+OK' ? '+OK' : '-ERR')]);
    real.check(session.checkUidListings(inspectResponse(response, response.raw.bytes).uids ?? [], true));
  }
  toString = (): string => 'UIDL';
}

/** RSET: +OK, and every mark is gone (§5). */
export class RsetCommand implements Pop3ModelCommand {
  check = (): boolean => true;
  async run(model: Pop3MaildropModel, real: Pop3ModelReal): Promise<void> {
    real.stats.commands++;
    const response = await real.send('RSET');
    const session = model.session!;
    real.check([session.checkPositive('RSET', response.status === '+OK' ? '+OK' : '-ERR')]);
    session.reset();
  }
  toString = (): string => 'RSET';
}

/** NOOP: +OK and nothing else (§5). */
export class NoopCommand implements Pop3ModelCommand {
  check = (): boolean => true;
  async run(model: Pop3MaildropModel, real: Pop3ModelReal): Promise<void> {
    real.stats.commands++;
    const response = await real.send('NOOP');
    real.check([model.session!.checkPositive('NOOP', response.status === '+OK' ? '+OK' : '-ERR')]);
  }
  toString = (): string => 'NOOP';
}

/** QUIT, then a new session: the UPDATE state removed exactly the marked messages, unique-ids persist (§6, §7). */
export class QuitReconnectCommand implements Pop3ModelCommand {
  check = (): boolean => true;
  async run(model: Pop3MaildropModel, real: Pop3ModelReal): Promise<void> {
    real.stats.commands++;
    const status = await real.quit();
    model.endSession(status === '+OK' ? 'quit-ok' : 'quit-err');
    await real.open(model);
  }
  toString = (): string => 'QUIT+reconnect';
}

/** Closes the connection without QUIT, then a new session: no UPDATE state, nothing removed (§6). */
export class DropReconnectCommand implements Pop3ModelCommand {
  check = (): boolean => true;
  async run(model: Pop3MaildropModel, real: Pop3ModelReal): Promise<void> {
    real.stats.commands++;
    real.drop();
    model.endSession('dropped');
    await real.open(model);
  }
  toString = (): string => 'drop+reconnect';
}
