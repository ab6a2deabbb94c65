import type { CheckedUnit } from '../../../protocol/shared/complete-unit.js';
import { REDACTED } from '../../../script/redact.js';
import type { FindingKind } from '../../fuzz-failure.js';
import type { CaseConnection, CaseProtocol, ExpectLine } from './case-protocol.js';
import { formatSendLine, type Substitution } from './send-line.js';
import { lineBytes, type WireLine, type WireEvent } from './transcript-events.js';
import { UnitReader } from './unit-reader.js';

const UNASKED_NOTE = 'Lines the fuzzed server sent unasked are left out: a server that sends them fails the case when they arrive before the next client line.';

/** The session robustness runs check liveness on (fuzz/properties/robustness.ts): the case makes its own check. */
const LIVENESS_SESSION = 'live';

export interface CaseBodyInput {
  readonly events: readonly WireEvent[];
  readonly kind: FindingKind;
  /** The rule the finding broke: locates a malformed answer. */
  readonly rule?: string;
  /** What the rule expected: what a model finding's case demands. */
  readonly expected?: string;
  /** Run values written as ${name} in client lines. */
  readonly substitutions: readonly Substitution[];
}

export interface CaseBody {
  readonly lines: readonly string[];
  /** What a reader must know about how far the case reproduces the finding. */
  readonly notes: readonly string[];
}

type Item<P> =
  | { readonly kind: 'send'; readonly connection: string; readonly line: WireLine }
  | { readonly kind: 'unit'; readonly connection: string; readonly unit: CheckedUnit<P>; readonly owed: boolean }
  | { readonly kind: 'close'; readonly connection: string; readonly by: 'client' | 'server' };

/** Where the replayed part ends, and what the case demands there. */
interface Cut {
  readonly index: number;
  readonly connection?: string;
  readonly demand: 'answer' | 'probe' | 'model' | 'fresh-session';
}

/**
 * The transcript part of a case: the client lines as sent, the server's answers before the fault
 * widened to what any conforming server may say, and at the fault what the rule demands. The
 * fuzzed server only shows what a faulty server did, so the case never expects its exact text.
 */
export function buildCaseBody<P>(protocol: CaseProtocol<P>, input: CaseBodyInput): CaseBody {
  const { items, awaiting } = simulate(protocol, input.events);
  const cut = findCut(items, awaiting, input);
  return new BodyWriter(protocol, input).write(items, cut);
}

/** Replays the events through the protocol's trackers: units as the engine will frame them, and what stays owed. */
function simulate<P>(protocol: CaseProtocol<P>, events: readonly WireEvent[]): { items: Item<P>[]; awaiting: ReadonlyMap<string, boolean> } {
  const readers = new Map<string, UnitReader<P>>();
  const readerOf = (connection: string): UnitReader<P> => {
    const reader = readers.get(connection) ?? new UnitReader(protocol.adapter.createTracker());
    readers.set(connection, reader);
    return reader;
  };
  const items: Item<P>[] = [];
  // The fuzzer's own liveness check is never replayed: a dead-server case makes its own.
  for (const event of events.filter((e) => !isLiveness(e.connection))) {
    const reader = readerOf(event.connection);
    if (event.kind === 'send') {
      reader.send(lineBytes(event.line));
      items.push(event);
    } else if (event.kind === 'receive') {
      for (const { unit, owed } of reader.receive(event.bytes)) items.push({ kind: 'unit', connection: event.connection, unit, owed });
    } else items.push(event);
  }
  return { items, awaiting: new Map([...readers].map(([name, reader]) => [name, reader.tracker.awaitingLines() || reader.hasPartial()])) };
}

/**
 * Where the fault is. A malformed line: where it came (any well-formed rest of that answer will
 * do). A broken model rule: the whole last answer (the rule judges it). Otherwise, after everything
 * the fuzzed connection saw: the owed answer that never came, or, when nothing was owed, a probe.
 */
function findCut<P>(items: readonly Item<P>[], awaiting: ReadonlyMap<string, boolean>, input: CaseBodyInput): Cut {
  if (input.kind === 'dead') return { index: items.length, demand: 'fresh-session' };
  if (input.kind === 'malformed') {
    const bad = items.findIndex((item) => item.kind === 'unit' && item.unit.violations.some((v) => input.rule === undefined || v.rule === input.rule));
    const item = items[bad];
    // A line nobody asked for: the engine fails a line that arrives while nothing is owed, so ask something.
    if (item?.kind === 'unit') return { index: bad, connection: item.connection, demand: item.owed ? 'answer' : 'probe' };
  }
  const last = findLastIndex(items, (item) => item.kind !== 'close');
  if (last === -1) return { index: 0, connection: '1', demand: 'answer' };
  const { connection, kind } = items[last]!;
  if (input.kind === 'model') return { index: kind === 'unit' ? answerStart(items, last) : last + 1, connection, demand: 'model' };
  return { index: last + 1, connection, demand: awaiting.get(connection) ? 'answer' : 'probe' };
}

/** The first unit of the answer holding items[at]: just after this connection's last send before it. */
function answerStart<P>(items: readonly Item<P>[], at: number): number {
  const { connection } = items[at]!;
  let start = at;
  for (let i = at - 1; i >= 0; i--) {
    const item = items[i]!;
    if (item.connection !== connection) continue;
    if (item.kind !== 'unit') break;
    start = i;
  }
  return start;
}

class BodyWriter<P> {
  private readonly lines: string[] = [];
  private readonly notes = new Set<string>();
  private readonly connections = new Map<string, CaseConnection<P>>();
  private current: string | undefined;
  private named = false;

  constructor(
    private readonly protocol: CaseProtocol<P>,
    private readonly input: CaseBodyInput,
  ) {}

  write(items: readonly Item<P>[], cut: Cut): CaseBody {
    const replayed = items.slice(0, cut.index);
    const sessions = new Set(replayed.map((item) => item.connection));
    if (cut.connection !== undefined) sessions.add(cut.connection);
    const fresh = cut.demand === 'fresh-session' ? freshName(sessions) : undefined;
    this.named = sessions.size + (fresh === undefined ? 0 : 1) > 1;
    if (replayed.some((item) => item.kind === 'unit')) this.lines.push("# The fuzzed server's answers, widened: reply code, status or tag kept, text any.");
    for (const item of replayed) {
      if (!this.replay(item)) return this.done();
    }
    this.demand(cut, fresh);
    return this.done();
  }

  /** Writes one replayed item; false when the case cannot go on faithfully. */
  private replay(item: Item<P>): boolean {
    this.switchTo(item.connection);
    const connection = this.connection(item.connection);
    if (item.kind === 'close') {
      this.lines.push(item.by === 'client' ? '@close' : '@expect-close');
      return true;
    }
    if (item.kind === 'unit') {
      if (item.owed) this.expect(connection.widen(item.unit.parsed));
      else this.notes.add(UNASKED_NOTE);
      return true;
    }
    const literalData = connection.sent(lineBytes(item.line));
    if (item.line.missing > 0) {
      this.notes.add(`The transcript shortened a client line of ${item.line.known.length + item.line.missing} bytes and the finding holds no exact copy: the case stops before it and does not reproduce the fault.`);
      return false;
    }
    this.lines.push(formatSendLine(item.line.known, item.line.ending, this.substitutionsFor(item.line.known, literalData)));
    return true;
  }

  private demand(cut: Cut, fresh: string | undefined): void {
    const { kind, expected } = this.input;
    if (cut.demand === 'fresh-session') {
      this.lines.push('# The fuzzed server stopped answering new connections here: a fresh one must be greeted and answered.');
      this.switchTo(fresh!);
      this.probe(fresh!, true);
      return;
    }
    const name = cut.connection!;
    this.switchTo(name);
    const connection = this.connection(name);
    if (cut.demand === 'probe') {
      if (kind === 'malformed') this.notes.add(UNASKED_NOTE);
      this.lines.push(`# The fuzzed server failed here (${kind}): a conforming server still answers.`);
      this.probe(name, false);
      return;
    }
    const demanded = cut.demand === 'model' && expected !== undefined ? connection.demanded(expected) : undefined;
    if (cut.demand === 'model' && demanded === undefined) {
      this.notes.add(`What the rule expects (${expected ?? 'not recorded'}) is no pattern, so the case takes any well-formed answer at the fault: it replays the sequence but cannot tell the faulty answer from a correct one.`);
    }
    this.lines.push(`# The fuzzed server failed here (${kind}): ${demanded ? 'the answer the rule demands' : 'a conforming server answers, well-formed (the engine checks every byte)'}.`);
    (demanded ?? connection.anyAnswer()).forEach((line) => this.expect(line));
  }

  /** The protocol's harmless command and its answer; on a fresh connection, the greeting first. */
  private probe(name: string, greet: boolean): void {
    const connection = this.connection(name);
    if (greet) connection.anyAnswer().forEach((line) => this.expect(line));
    const probe: WireLine = { known: Buffer.from(this.protocol.probe, 'latin1'), missing: 0, ending: 'crlf' };
    connection.sent(lineBytes(probe));
    this.lines.push(formatSendLine(probe.known, probe.ending, []));
    connection.anyAnswer().forEach((line) => this.expect(line));
  }

  private expect(line: ExpectLine): void {
    const text = `${line.prefix} ${line.pattern}`;
    // One "zero or more" line stands for any run of the lines it matches, across a comment too.
    if (line.prefix === 'S*:' && findLast(this.lines, (l) => !l.startsWith('#')) === text) return;
    this.lines.push(text);
  }

  /** Run values become ${name}; on a credential line the redacted password becomes ${password} (or ${quoted:password}). No substitution inside literal data: its length is counted. */
  private substitutionsFor(content: Buffer, literalData: boolean): Substitution[] {
    if (literalData) return [];
    const credential = this.protocol.credentialLine.test(content.toString('latin1'));
    if (!credential) return [...this.input.substitutions];
    // An IMAP client sends the password quoted ("***" once redacted): ${quoted:password} rebuilds it for any password.
    return [...this.input.substitutions, { name: 'quoted:password', value: `"${REDACTED}"` }, { name: 'password', value: REDACTED }];
  }

  private switchTo(name: string): void {
    if (this.named && this.current !== name) this.lines.push(`@session ${name}`);
    this.current = name;
  }

  private connection(name: string): CaseConnection<P> {
    const connection = this.connections.get(name) ?? this.protocol.open(name);
    this.connections.set(name, connection);
    return connection;
  }

  private done(): CaseBody {
    return { lines: this.lines, notes: [...this.notes] };
  }
}

function isLiveness(connection: string): boolean {
  return connection === LIVENESS_SESSION || connection.startsWith(`${LIVENESS_SESSION}-`);
}

/** A session name the replayed part does not use, for the case's own liveness check. */
function freshName(used: ReadonlySet<string>): string {
  let name = LIVENESS_SESSION;
  for (let n = 2; used.has(name); n++) name = `${LIVENESS_SESSION}-${n}`;
  return name;
}

function findLastIndex<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (predicate(items[i]!)) return i;
  return -1;
}

function findLast<T>(items: readonly T[], predicate: (item: T) => boolean): T | undefined {
  return items[findLastIndex(items, predicate)];
}
