import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { escapeBytes } from '../protocol/shared/bytes.js';
import { completeUnit } from '../protocol/shared/complete-unit.js';
import { formatRef } from '../protocol/shared/rfc.js';
import { isToolLimit } from '../protocol/shared/rule.js';
import type { Violation } from '../protocol/shared/violation.js';
import type { CaseResult, Failure } from '../report/result.js';
import { Connection, type TlsSettings, type TransportLimits } from '../transport/connection.js';
import { UNJUDGEABLE_CODES, isTransportError, type TransportErrorCode } from '../transport/errors.js';
import type { FramedLine } from '../transport/framed-line.js';
import { WireLog } from '../transport/wire-log.js';
import type { ParsedLine, ProtocolAdapter, SessionTracker } from './adapter.js';
import { caseIdentity, type ExpectStep, type Loc, type ScriptCase, type SendStep, type Step } from './script-case.js';
import { decodeEscapes, renderTemplate } from './template.js';
import { redactCaseResult } from './redact.js';
import { renderFixture } from './render-fixture.js';
import { renderTranscript } from './transcript.js';

export interface ExecOptions extends TransportLimits {
  readonly host: string;
  readonly port: number;
  /** How to check the server's certificate (implicit TLS, @starttls). */
  readonly tls?: TlsSettings;
  /** Every session starts with a TLS handshake (ports 465, 993, 995). */
  readonly implicitTls?: boolean;
  /** Directory @send-fixture paths are relative to. */
  readonly fixturesDir: string;
  /** Run variables (rcpt, domain, …); captures are added per case. */
  readonly bindings: ReadonlyMap<string, string>;
  /** Variables whose values must never appear in a result (passwords); digests of them are secret too. */
  readonly secretNames: ReadonlySet<string>;
}

/** What a failure shows as received when the transport, not a line, ended the wait. */
const RECEIVED_ON_TRANSPORT_ERROR: Partial<Record<TransportErrorCode, string>> = {
  ERR_TRANSPORT_TIMEOUT: 'nothing (timeout)',
  ERR_TRANSPORT_CLOSED: 'connection closed',
  ERR_TRANSPORT_STEP_TIMEOUT: 'an answer still unfinished at the step timeout',
  ERR_TRANSPORT_RESPONSE_TOO_LARGE: 'more than the max response size',
  ERR_TRANSPORT_LINE_TOO_LONG: 'a line longer than the max line length',
};

/** What to try when the tool could not judge a case. */
const UNJUDGEABLE_HINTS: Partial<Record<TransportErrorCode, string>> = {
  ERR_TRANSPORT_LINE_TOO_LONG: 'raise --max-line if the server is right',
  ERR_TRANSPORT_RESPONSE_TOO_LARGE: 'raise --max-response if the server is right',
  ERR_TRANSPORT_TLS_CERT: 'give the server\'s CA with --ca FILE (or --insecure to skip verification)',
};

/** Failures kept per case; the rest is counted as one more line. */
export const MAX_FAILURES_PER_CASE = 100;

interface LiveSession<P> {
  readonly name: string;
  readonly conn: Connection;
  readonly tracker: SessionTracker<P>;
  /** Lines received and parsed but not yet matched (looked at by an optional expectation). */
  readonly pending: ParsedLine<P>[];
}

/** Ends a case early: the conversation can't meaningfully go on (out of sync, closed, timed out). */
class CaseAbort extends Error {
  constructor(readonly verdict: 'fail' | 'error') {
    super('case aborted');
  }
}

/** Ends a case early with nothing more to check (a probe that got its answer). */
class CaseDone extends Error {
  constructor() {
    super('case done');
  }
}

/** Runs one transcript against the target and returns its verdict with the evidence. */
export async function execCase<P>(scriptCase: ScriptCase<P>, adapter: ProtocolAdapter<P>, options: ExecOptions): Promise<CaseResult> {
  const started = performance.now();
  const run = new CaseRun(scriptCase, adapter, options, started);
  let verdict: 'pass' | 'fail' | 'error' = 'pass';
  let errorReason: string | undefined;
  try {
    for (const step of scriptCase.steps) await run.execStep(step);
    await run.checkLeftovers(undefined);
  } catch (err) {
    if (err instanceof CaseAbort) verdict = err.verdict;
    else if (err instanceof CaseDone) verdict = 'pass';
    else {
      verdict = 'error';
      errorReason = `internal error: ${err instanceof Error ? err.message : String(err)}`;
    }
  } finally {
    run.closeAll();
  }
  const failures = run.failures;
  if (verdict === 'pass' && failures.length > 0) verdict = 'fail';
  const first = failures[0];
  const reason = errorReason ?? run.errorReason ?? (first ? describeFailure(first) : undefined);
  const result: CaseResult = {
    ...caseIdentity(scriptCase),
    verdict,
    ...(reason ? { reason } : {}),
    failures,
    transcript: run.transcript(),
    durationMs: Math.round(performance.now() - started),
  };
  return redactCaseResult(result, run.secrets());
}

export function describeFailure(failure: Failure): string {
  return failure.ref ? `${formatRef(failure.ref)} ${failure.level}: ${failure.message}` : `${failure.level}: ${failure.message}`;
}

class CaseRun<P> {
  readonly failures: Failure[] = [];
  errorReason: string | undefined;
  private readonly sessions = new Map<string, LiveSession<P>>();
  private readonly logs: Array<{ name: string; log: WireLog }> = [];
  private current: LiveSession<P> | undefined;
  private readonly bindings: Map<string, string>;
  private readonly derivedSecrets = new Set<string>();
  private readonly readTimeoutMs: number;

  constructor(
    private readonly scriptCase: ScriptCase<P>,
    private readonly adapter: ProtocolAdapter<P>,
    private readonly options: ExecOptions,
    private readonly origin: number,
  ) {
    this.bindings = new Map(options.bindings);
    this.readTimeoutMs = scriptCase.header.timeoutMs ?? options.readTimeoutMs;
  }

  async execStep(step: Step<P>): Promise<void> {
    switch (step.kind) {
      case 'session':
        this.current = this.sessions.get(step.name) ?? (await this.openSession(step.name, step.loc));
        return;
      case 'send':
        return this.send([step], step.loc);
      case 'pipeline':
        return this.send(step.sends, step.loc);
      case 'send-fixture':
        return this.sendFixture(step.fixture, step.loc);
      case 'expect':
        return this.expect(step);
      case 'unordered':
        return this.expectUnordered(step.expects, step.loc);
      case 'close': {
        const session = await this.session(step.loc);
        session.conn.close();
        return;
      }
      case 'expect-close':
        return this.expectClose(step.loc);
      case 'starttls':
        return this.startTls(step.mayFail, step.loc);
      case 'quiet':
        return this.expectQuiet(step.ms, step.loc);
    }
  }

  /** Lines the server sent that no expectation took, while it owed nothing: unsolicited output. */
  async checkLeftovers(before: Loc | undefined): Promise<void> {
    for (const session of this.sessions.values()) {
      if (session.tracker.awaitingLines()) continue;
      // Unsolicited status data stays unread: a later expectation (perhaps on this session after
      // another one acted, as IDLE cases do) may be waiting for exactly that EXISTS.
      const kept: ParsedLine<P>[] = [];
      let extra = session.pending.shift() ?? (await this.takeBuffered(session));
      while (extra && this.adapter.isUnsolicited?.(extra.parsed)) {
        kept.push(extra);
        extra = session.pending.shift() ?? (await this.takeBuffered(session));
      }
      session.pending.unshift(...kept);
      if (!extra) continue;
      this.failCase(before, `server sent a line nobody asked for${before ? ` before the client line at line ${before.line}` : ' after the last expected line'}: ${escapeBytes(extra.framed.bytes)}`, 'no further server output', escapeBytes(extra.framed.bytes));
    }
  }

  /** Every secret value this case knew: secret run variables and what was derived from them. */
  secrets(): string[] {
    const values = [...this.options.secretNames].map((name) => this.bindings.get(name)).filter((v): v is string => v !== undefined);
    return [...values, ...this.derivedSecrets];
  }

  closeAll(): void {
    for (const session of this.sessions.values()) session.conn.close();
  }

  transcript(): CaseResult['transcript'] {
    return renderTranscript(this.logs);
  }

  private async openSession(name: string, loc: Loc): Promise<LiveSession<P>> {
    const log = new WireLog(this.origin);
    this.logs.push({ name, log });
    try {
      const conn = await Connection.open({
        host: this.options.host,
        port: this.options.port,
        connectTimeoutMs: this.options.connectTimeoutMs,
        readTimeoutMs: this.readTimeoutMs,
        stepTimeoutMs: this.options.stepTimeoutMs,
        maxLineLength: this.options.maxLineLength,
        maxResponseBytes: this.options.maxResponseBytes,
        ...(this.options.tls ? { tls: this.options.tls } : {}),
        ...(this.options.implicitTls ? { implicitTls: true } : {}),
        log,
      });
      const session: LiveSession<P> = { name, conn, tracker: this.adapter.createTracker(), pending: [] };
      this.sessions.set(name, session);
      return session;
    } catch (err) {
      this.errorReason = `session ${name} (line ${loc.line}): ${err instanceof Error ? err.message : String(err)}`;
      throw new CaseAbort('error');
    }
  }

  private async session(loc: Loc): Promise<LiveSession<P>> {
    this.current ??= await this.openSession('1', loc);
    return this.current;
  }

  private async send(sends: readonly SendStep[], loc: Loc): Promise<void> {
    const session = await this.session(loc);
    await this.checkLeftovers(loc);
    const bytes = Buffer.concat(sends.map((s) => this.renderSend(s)));
    await this.write(session, bytes, loc);
  }

  private renderSend(send: SendStep): Buffer {
    const rendered = renderTemplate(send.template, this.bindings, (name) => this.options.secretNames.has(name));
    if ('text' in rendered) {
      rendered.derivedSecrets.forEach((secret) => this.derivedSecrets.add(secret));
      if (!send.raw) return Buffer.from(`${rendered.text}\r\n`, 'utf8');
      const decoded = decodeEscapes(rendered.text);
      if (!('error' in decoded)) return decoded;
      this.errorReason = `line ${send.loc.line}: ${decoded.error}`;
    } else {
      this.errorReason = 'missing' in rendered ? `line ${send.loc.line}: variable \${${rendered.missing}} has no value` : `line ${send.loc.line}: ${rendered.error}`;
    }
    throw new CaseAbort('error');
  }

  private async sendFixture(fixture: string, loc: Loc): Promise<void> {
    const session = await this.session(loc);
    await this.checkLeftovers(loc);
    let text: string;
    try {
      text = await readFile(path.join(this.options.fixturesDir, fixture), 'utf8');
    } catch (err) {
      this.errorReason = `line ${loc.line}: cannot read fixture ${fixture}: ${err instanceof Error ? err.message : String(err)}`;
      throw new CaseAbort('error');
    }
    const rendered = renderFixture(text, this.bindings, (name) => this.options.secretNames.has(name));
    if (!('text' in rendered)) {
      this.errorReason = `line ${loc.line}: fixture ${fixture}: ${'missing' in rendered ? `variable \${${rendered.missing}} has no value` : rendered.error}`;
      throw new CaseAbort('error');
    }
    rendered.derivedSecrets.forEach((secret) => this.derivedSecrets.add(secret));
    await this.write(session, this.adapter.encodeFixture(Buffer.from(rendered.text, 'utf8')), loc);
  }

  private async write(session: LiveSession<P>, bytes: Buffer, loc: Loc): Promise<void> {
    session.tracker.onSend(bytes);
    try {
      await session.conn.write(bytes);
    } catch (err) {
      this.failTransport(err, loc, 'the server to take the client line', `could not send line ${loc.line}: `);
    }
  }

  private async expect(step: ExpectStep<P>): Promise<void> {
    const session = await this.session(step.loc);
    const required = step.quantifier === 'one' || step.quantifier === 'some';
    const repeat = step.quantifier === 'any' || step.quantifier === 'some';
    // Status updates an optional line looked past: still unread for the steps after this one.
    const passedOver: ParsedLine<P>[] = [];
    try {
      for (let matched = 0; ; ) {
        const mustHave = required && matched === 0;
        const line = await this.nextLine(session, mustHave || session.tracker.awaitingLines(), step.loc, step.matcher.source, !mustHave);
        if (!line) {
          if (mustHave) throw new CaseAbort('fail');
          return;
        }
        const outcome = step.matcher.match(line.parsed, this.bindings);
        if (outcome.ok) {
          for (const [name, value] of outcome.captures) this.bindings.set(name, value);
          matched++;
          if (!repeat) return;
          continue;
        }
        // Status updates the server may send at any time (IMAP untagged data) are not what this step is about.
        const unsolicited = this.adapter.isUnsolicited?.(line.parsed) === true;
        if (!mustHave) {
          if (unsolicited) {
            passedOver.push(line);
            continue;
          }
          session.pending.unshift(line);
          return;
        }
        if (unsolicited) continue;
        this.failCase(step.loc, `expected ${step.matcher.source}, got ${escapeBytes(line.framed.bytes)} (${outcome.mismatch})`, step.matcher.source, escapeBytes(line.framed.bytes));
      }
    } finally {
      session.pending.unshift(...passedOver);
    }
  }

  private async expectUnordered(expects: readonly ExpectStep<P>[], loc: Loc): Promise<void> {
    const session = await this.session(loc);
    const open = [...expects];
    while (open.length > 0) {
      const line = await this.nextLine(session, true, open[0]!.loc, open.map((e) => e.matcher.source).join(' | '));
      if (!line) throw new CaseAbort('fail');
      const index = open.findIndex((e) => e.matcher.match(line.parsed, this.bindings).ok);
      if (index === -1 && this.adapter.isUnsolicited?.(line.parsed)) continue;
      if (index === -1) {
        this.failCase(loc, `expected one of [${open.map((e) => e.matcher.source).join(' | ')}] (any order), got ${escapeBytes(line.framed.bytes)}`, open.map((e) => e.matcher.source).join('\n'), escapeBytes(line.framed.bytes));
      }
      const outcome = open[index]!.matcher.match(line.parsed, this.bindings);
      if (outcome.ok) for (const [name, value] of outcome.captures) this.bindings.set(name, value);
      open.splice(index, 1);
    }
  }

  private async expectClose(loc: Loc): Promise<void> {
    const session = await this.session(loc);
    const outcome = await session.conn.waitForClose(this.readTimeoutMs);
    let extra = session.pending.shift() ?? (await this.takeBuffered(session));
    // Status data kept unread earlier may come before the close; the server said it before closing.
    while (extra && this.adapter.isUnsolicited?.(extra.parsed)) extra = session.pending.shift() ?? (await this.takeBuffered(session));
    if (extra) {
      this.failCase(loc, `expected the server to close the connection, got ${escapeBytes(extra.framed.bytes)}`, 'connection closed by server', escapeBytes(extra.framed.bytes));
    }
    if (outcome === 'timeout') {
      this.failCase(loc, `expected the server to close the connection within ${this.readTimeoutMs} ms; it stayed open`, 'connection closed by server', 'connection still open');
    }
  }

  /**
   * The TLS handshake after the server's go-ahead (read by the script's S: line before this). What
   * the server sent in plaintext between its go-ahead and the handshake is discarded, as a client
   * must, and is a failure of the case: nothing may come before the handshake.
   */
  private async startTls(mayFail: boolean, loc: Loc): Promise<void> {
    const session = await this.session(loc);
    const early = session.pending.splice(0).map((line) => Buffer.concat([line.framed.bytes, Buffer.from('\r\n')]));
    let discarded: Buffer;
    try {
      ({ discarded } = await session.conn.startTls());
    } catch (err) {
      if (mayFail && isTransportError(err) && err.code === 'ERR_TRANSPORT_TLS') {
        session.conn.log.note('the handshake failed, which this case allows (@starttls may-fail): the case ends here');
        throw new CaseDone();
      }
      this.failTransport(err, loc, 'a TLS handshake');
    }
    session.tracker.onTlsStarted?.();
    const plaintext = Buffer.concat([...early, discarded]);
    if (plaintext.length > 0) {
      this.failCase(loc, `the server sent ${plaintext.length} bytes in plaintext after its go-ahead for TLS (discarded, never read as protocol): ${escapeBytes(plaintext)}`, 'nothing between the go-ahead and the TLS handshake', escapeBytes(plaintext));
    }
  }

  /** Nothing from the server for `ms`: e.g. no answer to commands it should have discarded. A close is silence too. */
  private async expectQuiet(ms: number, loc: Loc): Promise<void> {
    const session = await this.session(loc);
    // Status data kept unread from before the quiet spell is not output during it.
    while (session.pending[0] && this.adapter.isUnsolicited?.(session.pending[0].parsed)) session.pending.shift();
    let line = session.pending.shift();
    if (!line) {
      try {
        line = await this.parse(session, await session.conn.readLine(ms), loc);
      } catch (err) {
        if (isTransportError(err) && (err.code === 'ERR_TRANSPORT_TIMEOUT' || err.code === 'ERR_TRANSPORT_CLOSED')) return;
        this.failTransport(err, loc, `no server output for ${ms} ms`);
      }
    }
    this.failCase(loc, `expected no server output for ${ms} ms, got ${escapeBytes(line.framed.bytes)}`, `nothing for ${ms} ms`, escapeBytes(line.framed.bytes));
  }

  /**
   * Next unmatched line; waits for one only if `wait` (the server owes lines), else takes what is
   * buffered. With `optional`, a connection the server closed has no next line (undefined): an
   * optional line may be missing because the server closed, as a POP3 server may after a refused
   * login (RFC 1939 §4), and what the script expects next decides whether that is all right.
   */
  private async nextLine(session: LiveSession<P>, wait: boolean, loc: Loc, expected: string, optional = false): Promise<ParsedLine<P> | undefined> {
    const pending = session.pending.shift();
    if (pending) return pending;
    try {
      if (!wait) return await this.takeBuffered(session, loc);
      return await this.parse(session, await session.conn.readLine(), loc);
    } catch (err) {
      if (optional && isTransportError(err) && err.code === 'ERR_TRANSPORT_CLOSED' && !err.partial?.length) return undefined;
      this.failTransport(err, loc, expected);
    }
  }

  private async takeBuffered(session: LiveSession<P>, loc?: Loc): Promise<ParsedLine<P> | undefined> {
    const framed = session.conn.takeBufferedLine();
    if (!framed) return undefined;
    try {
      return await this.parse(session, framed, loc);
    } catch (err) {
      this.failTransport(err, loc, 'the rest of the response');
    }
  }

  /**
   * Every received line goes through the protocol's checks, whatever the script expects of it. A
   * line may open a unit that needs more (an IMAP literal and the line after it): the server owes
   * those bytes, so they are read before the unit is matched.
   */
  private async parse(session: LiveSession<P>, framed: FramedLine, loc: Loc | undefined): Promise<ParsedLine<P>> {
    const step = await completeUnit(session.tracker.onLine(framed), session.tracker, session.conn);
    for (const violation of step.violations) this.failViolation(violation, step.framed.bytes, loc);
    // What the protocol learned (e.g. the APOP timestamp of a POP3 greeting) becomes ${variables}.
    for (const [name, value] of session.tracker.facts?.() ?? []) this.bindings.set(name, value);
    return step;
  }

  /**
   * A grammar violation, located at the script line that was reading when it arrived. A tool limit
   * (`limit.*`) is no verdict on the server: the case ends as an error that names it.
   */
  private failViolation(violation: Violation, bytes: Buffer, loc: Loc | undefined): void {
    if (isToolLimit(violation.rule)) {
      this.errorReason = `${loc ? `line ${loc.line}: ` : ''}tool limit reached (${violation.rule}): ${violation.message}`;
      throw new CaseAbort('error');
    }
    this.fail({
      ...(loc ? { location: loc } : {}),
      message: `${violation.message} [${violation.rule} at byte ${violation.offset}]`,
      ref: violation.ref,
      level: violation.level,
      rule: violation.rule,
      expected: violation.expected,
      received: violation.received || escapeBytes(bytes),
    });
  }

  /**
   * A read or write that the transport could not complete: the case fails there, with what was
   * pending. A limit of the tool's own (line or response size) makes it an error instead: the
   * server may be right, the case could not be judged, and the reason says which limit to raise.
   */
  private failTransport(err: unknown, loc: Loc | undefined, expected: string, prefix = `expected ${expected}, but `): never {
    if (!isTransportError(err)) throw err;
    const partial = err.partial ? ` (unterminated bytes: ${escapeBytes(err.partial)})` : '';
    if (UNJUDGEABLE_CODES.has(err.code)) this.errorReason = `${loc ? `line ${loc.line}: ` : ''}${err.message}; ${UNJUDGEABLE_HINTS[err.code] ?? ''}`;
    this.fail({
      message: `${prefix}${err.message}${partial}`,
      ref: this.scriptCase.header.ref,
      level: this.scriptCase.header.level,
      ...(loc ? { location: loc } : {}),
      expected,
      received: RECEIVED_ON_TRANSPORT_ERROR[err.code] ?? err.code,
      rule: err.code,
    });
    throw new CaseAbort(UNJUDGEABLE_CODES.has(err.code) ? 'error' : 'fail');
  }

  /** Keeps the first MAX_FAILURES_PER_CASE failures: a server spewing broken lines can't grow a result without bound. */
  private fail(failure: Failure): void {
    if (this.failures.length < MAX_FAILURES_PER_CASE) this.failures.push(failure);
    else if (this.failures.length === MAX_FAILURES_PER_CASE) {
      this.failures.push({ message: `more failures not shown: this case stops recording after ${MAX_FAILURES_PER_CASE}`, level: failure.level });
    }
  }

  /** A failure of what this case checks (its section and level), which ends the case. */
  private failCase(location: Loc | undefined, message: string, expected: string, received: string, rule?: string): never {
    this.fail({
      message,
      ref: this.scriptCase.header.ref,
      level: this.scriptCase.header.level,
      ...(location ? { location } : {}),
      expected,
      received,
      ...(rule ? { rule } : {}),
    });
    throw new CaseAbort('fail');
  }
}
