import type { RfcRef } from '../../protocol/shared/rfc.js';
import type { Violation } from '../../protocol/shared/violation.js';
import type { Protocol } from '../../report/result.js';
import { renderTranscript } from '../../script/transcript.js';
import { WireLog } from '../../transport/wire-log.js';
import { FuzzFailure, type FindingKind } from '../fuzz-failure.js';
import type { FuzzProperty, FuzzSettings, FuzzStats } from '../fuzz-property.js';
import type { FuzzProtocol } from '../fuzz-protocol.js';
import { FuzzSession, type AnswerOutcome } from '../robustness/fuzz-session.js';
import type { GrammarContext, RobustnessGrammar, RobustnessInput } from '../robustness/fuzz-step.js';
import { TargetUnavailableError, checkAlive } from '../robustness/liveness.js';
import { breaksAttribution, serializeInput } from '../robustness/step-bytes.js';

/** How long a session the tracker can no longer follow is read before it is dropped. */
const DRAIN_MS = 200;

export interface RobustnessSpec<P> {
  readonly protocol: Protocol;
  readonly fuzz: FuzzProtocol<P>;
  readonly grammar: RobustnessGrammar;
  /** The rule "every command gets one well-formed answer" in this protocol's RFC. */
  readonly ref: RfcRef;
  /** Removes what fuzzed commands created (IMAP mailboxes under the namespace). */
  readonly cleanUp?: (settings: FuzzSettings) => Promise<void>;
}

/**
 * The robustness property: whatever the client sends, every owed answer comes, well-formed, within
 * the timeout; a close is preceded by the protocol's goodbye; and afterwards a fresh connection
 * still greets and answers NOOP.
 */
export function robustnessProperty<P>(spec: RobustnessSpec<P>): FuzzProperty<RobustnessInput> {
  return {
    name: `${spec.protocol}.robustness`,
    protocol: spec.protocol,
    summary: 'every command gets a well-formed answer in time or an orderly close, and the server stays usable',
    ref: spec.ref,
    level: 'MUST',
    arbitrary: (settings) => spec.grammar.input(grammarContext(settings)),
    run: (input, settings, stats) => runRobustness(spec, input, settings, stats),
    describeInput: serializeInput,
    ...(spec.cleanUp ? { cleanUp: spec.cleanUp } : {}),
  };
}

export function grammarContext(settings: FuzzSettings): GrammarContext {
  const vars = new Map(settings.vars);
  if (settings.user !== undefined) vars.set('user', settings.user);
  return {
    vars,
    namespace: settings.namespace,
    allowDestructive: settings.allowDestructive,
    canLogin: settings.user !== undefined && settings.password !== undefined,
    maxSteps: settings.maxCommands,
  };
}

async function runRobustness<P>(spec: RobustnessSpec<P>, input: RobustnessInput, settings: FuzzSettings, stats: FuzzStats): Promise<void> {
  const log = new WireLog();
  const liveLog = new WireLog();
  const evidence = (kind: FindingKind, message: string, detail: Partial<Pick<Violation, 'rule' | 'ref' | 'level' | 'expected' | 'received'>> = {}): FuzzFailure =>
    new FuzzFailure({
      kind,
      message,
      ref: detail.ref ?? spec.ref,
      level: detail.level ?? 'MUST',
      ...(detail.rule !== undefined ? { rule: detail.rule } : {}),
      ...(detail.expected !== undefined ? { expected: detail.expected } : {}),
      ...(detail.received !== undefined ? { received: detail.received } : {}),
      transcript: renderTranscript([{ name: '1', log }, { name: 'live', log: liveLog }]),
    });
  const options = { endpoint: settings.endpoint, log, connectTimeoutMs: settings.connectTimeoutMs, answerTimeoutMs: settings.answerTimeoutMs };

  let session: FuzzSession<P>;
  try {
    session = await FuzzSession.open(spec.fuzz, options);
  } catch (err) {
    throw new TargetUnavailableError(err);
  }
  let checked = 0;
  /** Throws the finding for an outcome that breaks the property; false when the session ended in order. */
  const judge = (outcome: AnswerOutcome | { readonly kind: 'sent' | 'refused' }, what: string): boolean => {
    const fresh = session.violations.slice(checked);
    checked = session.violations.length;
    const violation = fresh.find((v) => outcome.kind !== 'closed' || !spec.fuzz.goodbyeRules.has(v.rule));
    if (violation) throw evidence('malformed', `${what}: ${violation.message}`, violation);
    if (outcome.kind === 'hang') {
      throw outcome.limit === undefined
        ? evidence('hang', `${what}: no answer within ${settings.answerTimeoutMs} ms`, { expected: 'an answer', received: '(nothing)' })
        : evidence('hang', `${what}: the answer never completed: ${outcome.limit}`, { expected: 'a complete answer', received: 'an answer without end' });
    }
    if (outcome.kind === 'closed') {
      // A reset (RST) discards what the server sent last, its goodbye too: a server that closes
      // with our unread bytes in its buffer resets. Only an orderly close proves a missing goodbye.
      if (outcome.reset) {
        log.note('connection reset: a goodbye may have been lost with it, so the close is not judged');
        return false;
      }
      const rule = spec.fuzz.goodbyeRule;
      if (!outcome.goodbye) throw evidence('reset', `${what}: the server closed the connection without a goodbye`, { ...rule, received: '(connection closed)' });
      return false;
    }
    return true;
  };

  try {
    let going = judge(await session.awaitAnswers(), 'greeting');
    for (const line of going ? spec.grammar.prelude(input.start, grammarContext(settings), settings.password) : []) {
      going = judge(await session.send(line, []), 'prelude') && judge(await session.awaitAnswers(), 'prelude');
      if (!going) break;
    }
    let followed = true;
    for (const [i, step] of (going ? input.steps : []).entries()) {
      stats.commands++;
      const what = `step ${i + 1} (${step.label})`;
      // The server may frame these bytes differently from the tracker: from here on its answers can't be attributed.
      if (followed && breaksAttribution(step.bytes)) followed = false;
      const sent = await session.send(step.bytes, step.cuts);
      if (step.abandoned) break;
      if (!followed) {
        if (sent.kind === 'closed' || sent.kind === 'hang') break;
        continue;
      }
      if (!judge(sent, what)) break;
      if (sent.kind === 'refused') continue;
      if (!judge(await session.awaitAnswers(), what)) break;
    }
    if (!followed) await session.drain(DRAIN_MS);
  } finally {
    session.close();
  }

  const alive = await checkAlive(spec.fuzz, { ...options, log: liveLog });
  if (!alive.ok) throw evidence('dead', `after this input the server no longer answers a new connection: ${alive.reason}`, { expected: `a greeting and an answer to ${spec.fuzz.noop.toString('latin1').trim()}`, received: alive.reason });
}
