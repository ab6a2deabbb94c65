import fc from 'fast-check';
import { appendArbitrary } from './imap-append.js';
import { closeArbitrary } from './imap-close.js';
import { copyArbitrary } from './imap-copy.js';
import { expungeArbitrary, noopArbitrary } from './imap-expunge.js';
import { fetchArbitrary } from './imap-fetch.js';
import type { ImapModelCommand } from './imap-model-command.js';
import type { ImapSessionModel } from './imap-model-real.js';
import { searchArbitrary } from './imap-search.js';
import { ReopenCommand } from './imap-select.js';
import { storeArbitrary } from './imap-store.js';

/**
 * Every command of the IMAP mailbox model, weighted so runs fill the mailbox (APPEND) and then
 * mostly change and read it; re-opening, CLOSE and EXPUNGE are rarer, as each resets a lot.
 */
export const IMAP_MODEL_COMMANDS: ReadonlyArray<{ readonly weight: number; readonly arbitrary: fc.Arbitrary<ImapModelCommand<ImapSessionModel>> }> = [
  { weight: 4, arbitrary: appendArbitrary },
  { weight: 3, arbitrary: storeArbitrary },
  { weight: 3, arbitrary: fetchArbitrary },
  { weight: 3, arbitrary: searchArbitrary },
  { weight: 1, arbitrary: expungeArbitrary },
  { weight: 1, arbitrary: copyArbitrary },
  { weight: 1, arbitrary: fc.boolean().map((examine) => new ReopenCommand(examine)) },
  { weight: 1, arbitrary: closeArbitrary },
  { weight: 1, arbitrary: noopArbitrary },
];

/** One arbitrary over all commands, by weight (fc.commands would pick them uniformly). */
export function imapModelCommandArbitrary(): fc.Arbitrary<ImapModelCommand<ImapSessionModel>> {
  return fc.oneof(...IMAP_MODEL_COMMANDS);
}
