/** The system flags a client may set (RFC 3501 §2.3.2); \Recent is the server's, never the client's. */
export const SETTABLE_SYSTEM_FLAGS = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'] as const;
export type ImapSystemFlag = (typeof SETTABLE_SYSTEM_FLAGS)[number];

/** The one keyword the fuzzer stores, only where PERMANENTFLAGS allows it ("\*" or the keyword itself). */
export const FUZZ_KEYWORD = '$MailconformFuzz';

const CANONICAL = new Map<string, string>([...SETTABLE_SYSTEM_FLAGS, '\\Recent'].map((f) => [f.toLowerCase(), f]));

/**
 * One spelling per flag, so sets compare: system flags are case-insensitive (§9 Note 1: the ABNF's
 * strings are), and keywords are compared case-insensitively too, as servers fold them differently.
 */
export function canonicalFlag(flag: string): string {
  return CANONICAL.get(flag.toLowerCase()) ?? flag.toLowerCase();
}

/**
 * A flag list as the server sent it, canonical and without \Recent: §2.3.2 leaves \Recent to the
 * server ("it is undefined which of these connections will see newly-arrived messages with \Recent
 * set"), so the model never asserts it.
 */
export function comparableFlags(flags: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const flag of flags) {
    const canonical = canonicalFlag(flag);
    if (canonical !== '\\Recent') out.add(canonical);
  }
  return out;
}

export function sameFlags(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((f) => b.has(f));
}

/** "(\Flagged \Seen)", sorted so the text is stable for messages and expectations. */
export function formatFlags(flags: Iterable<string>): string {
  return `(${[...flags].sort().join(' ')})`;
}

/**
 * Whether a STORE or APPEND of `flag` has a certain effect. §7.1 PERMANENTFLAGS: "If the client
 * attempts to STORE a flag that is not in the PERMANENTFLAGS list, the server will either ignore the
 * change or store the state change for the remainder of the current session only" — so the model
 * only uses permanent flags. §6.3.1: if PERMANENTFLAGS "is missing, the client should assume that
 * all flags can be changed permanently" (undefined here); "\*" allows new keywords.
 */
export function isPermanentFlag(flag: string, permanentFlags: ReadonlySet<string> | undefined): boolean {
  if (permanentFlags === undefined) return true;
  const canonical = canonicalFlag(flag);
  if (permanentFlags.has(canonical)) return true;
  return !canonical.startsWith('\\') && permanentFlags.has('\\*');
}
