import { breach, POP3_MODEL_RULES as R, type Pop3Breach } from './pop3-model-rules.js';
import { Pop3SessionModel, type Pop3SessionMessage } from './pop3-session-model.js';

/** A message the run seeded: the token of its seed header, and its body lines (no line ends). */
export interface Pop3SeededMessage {
  readonly token: string;
  readonly bodyLines: readonly string[];
}

/** One scan listing of a session's opening LIST, with its unique-id when UIDL answered. */
export interface Pop3OpeningEntry {
  readonly msg: number;
  readonly size: number;
  readonly uid?: string;
}

/** What a fresh session found at login, before any model command. */
export interface Pop3SessionOpening {
  readonly listing: readonly Pop3OpeningEntry[];
  readonly supportsUidl: boolean;
  /** Message-number of each seeded token found (in the headers, by TOP n 0). */
  readonly seededAt: ReadonlyMap<string, number>;
}

/** Which messages a generated command names: the run's seeded ones, the user's own, or none (n + 1). */
export type Pop3MessagePool = 'seeded' | 'own' | 'absent';

/** A message named without knowing the numbers: resolved per session, `index` modulo the pool. */
export interface Pop3MessageRef {
  readonly pool: Pop3MessagePool;
  readonly index: number;
}

/** How a session ended: QUIT and its status (§6 allows -ERR "some deleted messages not removed"), or a dropped connection. */
export type Pop3SessionEnd = 'quit-ok' | 'quit-err' | 'dropped';

export interface Pop3MaildropOptions {
  /** Without it, DELE never names a message the run did not seed. */
  readonly allowDestructive: boolean;
  /** How many of the user's own messages (the newest) the model reads. @defaultValue 3 */
  readonly ownLimit?: number;
  /** Own messages larger than this are left out, so RETR stays cheap. @defaultValue 65536 */
  readonly ownMaxOctets?: number;
}

/** Present, removed by an UPDATE, or marked when QUIT said some deletions failed (§6). */
type Fate = 'present' | 'gone' | 'maybe';

interface TrackedMessage {
  readonly seed?: Pop3SeededMessage;
  uid: string | undefined;
  fate: Fate;
  /** Message-number in the current session, if there. */
  msg: number | undefined;
}

/**
 * The expected maildrop across sessions: the run's seeded messages and a few of the user's own,
 * which must survive every session that did not delete them, keep their unique-ids (§7), and be
 * gone after a QUIT that deleted them (§6). Each session's own expectations live in a
 * Pop3SessionModel. Pure; the fuzz commands feed it what the server said.
 */
export class Pop3MaildropModel {
  session: Pop3SessionModel | undefined;
  private readonly seeded: TrackedMessage[];
  private own: TrackedMessage[] = [];
  private opened = false;

  constructor(
    seeds: readonly Pop3SeededMessage[],
    readonly options: Pop3MaildropOptions,
  ) {
    this.seeded = seeds.map((seed) => ({ seed, uid: undefined, fate: 'present', msg: undefined }));
  }

  get allowDestructive(): boolean {
    return this.options.allowDestructive;
  }

  /** Whether a session has been opened: the first one learns the maildrop, later ones are checked against it. */
  get hasOpened(): boolean {
    return this.opened;
  }

  /** Where to look for seed headers: messages with a seeded unique-id first, then the newest first (seeded mail is the newest). */
  locateOrder(listing: readonly Pop3OpeningEntry[]): Pop3OpeningEntry[] {
    const seededUids = new Set(this.seeded.flatMap((t) => (t.uid === undefined ? [] : [t.uid])));
    const newestFirst = [...listing].reverse();
    return [...newestFirst.filter((e) => e.uid !== undefined && seededUids.has(e.uid)), ...newestFirst.filter((e) => e.uid === undefined || !seededUids.has(e.uid))];
  }

  /**
   * Seed tokens a fresh session must look for by their headers: those that should (or may) be
   * there, and removed ones whose unique-id shows up again (or all, without UIDL to tell).
   */
  tokensToLocate(listing: readonly Pop3OpeningEntry[], supportsUidl: boolean): string[] {
    const uids = new Set(listing.map((e) => e.uid));
    return this.seeded.filter((t) => t.fate !== 'gone' || !supportsUidl || t.uid === undefined || uids.has(t.uid)).map((t) => t.seed!.token);
  }

  /** Starts a session: checks what the last session's end promised (§6, §7), then numbers the messages. */
  openSession(opening: Pop3SessionOpening): Pop3Breach[] {
    const byNumber = new Map(opening.listing.map((e) => [e.msg, e]));
    const out: Pop3Breach[] = [];
    for (const t of this.seeded) {
      const msg = opening.seededAt.get(t.seed!.token);
      if (this.opened) out.push(...checkSurvival(`seeded message ${t.seed!.token}`, t, msg !== undefined, msg === undefined ? undefined : byNumber.get(msg)?.uid));
      t.msg = msg;
      if (msg !== undefined) t.uid = byNumber.get(msg)?.uid ?? t.uid;
      if (t.fate === 'maybe') t.fate = msg === undefined ? 'gone' : 'present';
    }
    this.trackOwn(opening, out);
    out.push(...checkUniqueIds(opening, this.seeded));
    this.opened = true;
    this.session = new Pop3SessionModel(this.sessionMessages(opening.listing), opening.supportsUidl);
    return out;
  }

  /** The message-number a reference names in this session, or undefined when its pool is empty. */
  resolve(ref: Pop3MessageRef): number | undefined {
    if (this.session === undefined) return undefined;
    if (ref.pool === 'absent') return this.session.count + 1;
    const pool = (ref.pool === 'seeded' ? this.seeded : this.own).flatMap((t) => (t.msg === undefined ? [] : [t.msg]));
    return pool.length === 0 ? undefined : pool[ref.index % pool.length];
  }

  /** DELE may name the run's seeded messages (or no message); the user's own only when destructive runs are allowed. */
  mayDelete(ref: Pop3MessageRef): boolean {
    return ref.pool !== 'own' || this.options.allowDestructive;
  }

  /** Applies the session's end: QUIT +OK removes what was marked, -ERR may have, a drop removes nothing. */
  endSession(how: Pop3SessionEnd): void {
    const deleted = this.session?.deletedNumbers() ?? new Set<number>();
    for (const t of [...this.seeded, ...this.own]) {
      if (how !== 'dropped' && t.msg !== undefined && deleted.has(t.msg)) t.fate = how === 'quit-ok' ? 'gone' : 'maybe';
      t.msg = undefined;
    }
    this.session = undefined;
  }

  /** The user's newest messages that fit, tracked by unique-id; re-picked each session without UIDL. */
  private trackOwn(opening: Pop3SessionOpening, out: Pop3Breach[]): void {
    const uidToMsg = new Map(opening.listing.flatMap((e) => (e.uid === undefined ? [] : [[e.uid, e.msg] as const])));
    if (this.opened && opening.supportsUidl && this.own.every((t) => t.uid !== undefined)) {
      for (const t of this.own) {
        const msg = uidToMsg.get(t.uid!);
        out.push(...checkSurvival(`the user's message with unique-id ${t.uid}`, t, msg !== undefined, t.uid));
        t.msg = msg;
        if (t.fate === 'maybe') t.fate = msg === undefined ? 'gone' : 'present';
      }
      return;
    }
    const seededNumbers = new Set(opening.seededAt.values());
    const limit = this.options.ownLimit ?? 3;
    const maxOctets = this.options.ownMaxOctets ?? 65_536;
    const picked = [...opening.listing].reverse().filter((e) => !seededNumbers.has(e.msg) && e.size <= maxOctets).slice(0, limit);
    this.own = picked.map((e) => ({ uid: e.uid, fate: 'present', msg: e.msg }));
  }

  private sessionMessages(listing: readonly Pop3OpeningEntry[]): Pop3SessionMessage[] {
    const seedAt = new Map(this.seeded.flatMap((t) => (t.msg === undefined ? [] : [[t.msg, t.seed!.bodyLines] as const])));
    return listing.map((e) => {
      const seedBody = seedAt.get(e.msg);
      return { msg: e.msg, size: e.size, ...(e.uid === undefined ? {} : { uid: e.uid }), ...(seedBody === undefined ? {} : { seedBody }) };
    });
  }
}

/** A tracked message after a session end: there unless removed, gone if removed, and with the same unique-id. */
function checkSurvival(what: string, t: TrackedMessage, found: boolean, uidNow: string | undefined): Pop3Breach[] {
  if (t.fate === 'present' && !found) {
    return [breach(R.updateKeeps, `${what}, never marked as deleted (or unmarked, or its session ended without QUIT), is gone`, 'still in the maildrop', 'missing')];
  }
  if (t.fate === 'gone' && found) return [breach(R.updateRemoves, `${what} was marked as deleted and QUIT answered +OK, yet it is still there`, 'removed', 'still in the maildrop')];
  if (found && t.uid !== undefined && uidNow !== undefined && uidNow !== t.uid) {
    return [breach(R.uidPersistent, `${what} had unique-id ${t.uid} in an earlier session`, t.uid, uidNow)];
  }
  return [];
}

/** A seeded message differs from every other (its seed header): no other message may share its unique-id; nor may two of different sizes. */
function checkUniqueIds(opening: Pop3SessionOpening, seeded: readonly TrackedMessage[]): Pop3Breach[] {
  const seededNumbers = new Set(seeded.flatMap((t) => (t.msg === undefined ? [] : [t.msg])));
  const owners = new Map<string, Pop3OpeningEntry>();
  for (const e of opening.listing) {
    if (e.uid === undefined) continue;
    const other = owners.get(e.uid);
    if (other === undefined) {
      owners.set(e.uid, e);
      continue;
    }
    const distinct = seededNumbers.has(e.msg) || seededNumbers.has(other.msg) || e.size !== other.size;
    if (distinct) return [breach(R.uidUnique, `messages ${other.msg} and ${e.msg} differ but share unique-id ${e.uid}`, 'a unique-id no other message has', e.uid)];
  }
  return [];
}
