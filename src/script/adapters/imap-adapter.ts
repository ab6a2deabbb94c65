import { ImapConversation, type ImapUnit } from '../../protocol/imap/conversation.js';
import type { LineMatcher, ProtocolAdapter } from '../adapter.js';
import { compileImapPattern, matchImapPattern } from './imap-pattern.js';

/** Untagged data a server may send at any time (RFC 3501 §7: status updates): passed over when not expected. */
// VANISHED replaces EXPUNGE once QRESYNC is enabled (RFC 7162 §3.2.10), with the same timing.
const UNSOLICITED_TYPES = new Set(['exists', 'recent', 'expunge', 'vanished', 'fetch', 'condition', 'flags', 'capability']);

export const imapAdapter: ProtocolAdapter<ImapUnit> = {
  protocol: 'imap',
  fileExtension: '.imap',
  compileMatcher: compileImapMatcher,
  createTracker: () => new ImapConversation(),
  providedVariables: ['mailbox'],
  // An APPEND literal: the message, then the CRLF that ends the command line.
  encodeFixture: (message) => Buffer.concat([message, Buffer.from('\r\n')]),
  isUnsolicited: (unit) => unit.response.kind === 'untagged' && UNSOLICITED_TYPES.has(unit.response.type),
};

export function compileImapMatcher(source: string): LineMatcher<ImapUnit> | { readonly error: string } {
  const pattern = compileImapPattern(source);
  if ('error' in pattern) return pattern;
  return { source, variables: pattern.variables, match: (unit, bindings) => matchImapPattern(pattern, unit.values, bindings) };
}
