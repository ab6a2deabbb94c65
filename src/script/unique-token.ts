/**
 * The token that makes a case's Message-IDs, seed headers and IMAP mailbox names unique:
 * "mc" + creation time (ms, base 36) + a random part + "-" + the last segment of the case id,
 * e.g. "mcmb8x1k2qa3f9z1-noop-ok". The time in it is what lets a later run tell an old leftover
 * of a killed run from a mailbox a run in progress is still using.
 */
const TOKEN = /^mc([0-9a-z]{8})[0-9a-z]{0,6}-/;

/** Longest token: mailbox names built from it stay short. */
const MAX_TOKEN_LENGTH = 60;

/** A token unique to this run and case, for Message-IDs and mailbox names the tool creates. */
export function uniqueToken(caseId: string, now: number = Date.now()): string {
  const suffix = caseId.split('.').at(-1) ?? 'case';
  // Eight base-36 digits until 2059: the fixed width is what tokenCreatedAt reads back.
  const time = now.toString(36).padStart(8, '0');
  return `mc${time}${Math.random().toString(36).slice(2, 8)}-${suffix}`.slice(0, MAX_TOKEN_LENGTH);
}

/** When the token at the start of `text` was made (ms since the epoch), or undefined if `text` does not start with one. */
export function tokenCreatedAt(text: string): number | undefined {
  const match = TOKEN.exec(text);
  return match ? parseInt(match[1]!, 36) : undefined;
}
