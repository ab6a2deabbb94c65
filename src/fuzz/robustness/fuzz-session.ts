import { completeUnit } from '../../protocol/shared/complete-unit.js';
import type { Violation } from '../../protocol/shared/violation.js';
import type { SessionTracker } from '../../script/adapter.js';
import { Connection } from '../../transport/connection.js';
import { isTransportError } from '../../transport/errors.js';
import type { WireLog } from '../../transport/wire-log.js';
import type { FuzzEndpoint } from '../fuzz-property.js';
import type { FuzzProtocol } from '../fuzz-protocol.js';

/** How the server dealt with what it was owed. */
export type AnswerOutcome =
  | { readonly kind: 'answered' }
  | { readonly kind: 'closed'; readonly goodbye: boolean; readonly reset: boolean }
  | { readonly kind: 'hang'; readonly waitedMs: number; /** Set when a limit of the tool's (step time, response size) ended the wait. */ readonly limit?: string };

export interface FuzzSessionOptions {
  readonly endpoint: FuzzEndpoint;
  readonly log: WireLog;
  readonly connectTimeoutMs: number;
  readonly answerTimeoutMs: number;
}

/**
 * One fuzzing connection: raw bytes out, every line in through the protocol's tracker (the same
 * strict parsers as the suites), so the driver knows when an answer is owed and every violation
 * the server commits. It never repairs or retries: what happened is what gets reported.
 */
export class FuzzSession<P> {
  /** Every violation found in the server's lines, in order. */
  readonly violations: Violation[] = [];
  /** Every unit the server sent. */
  readonly units: P[] = [];
  private sent = '';

  private constructor(
    private readonly protocol: FuzzProtocol<P>,
    private readonly connection: Connection,
    private readonly tracker: SessionTracker<P>,
    private readonly answerTimeoutMs: number,
  ) {}

  /** Connects; the greeting is owed like any answer, so call awaitAnswers() next. */
  static async open<P>(protocol: FuzzProtocol<P>, options: FuzzSessionOptions): Promise<FuzzSession<P>> {
    const connection = await Connection.open({
      ...options.endpoint,
      log: options.log,
      connectTimeoutMs: options.connectTimeoutMs,
      readTimeoutMs: options.answerTimeoutMs,
      // Generous: an over-long server line is a finding of its own, seen by the parsers, not a transport failure.
      maxLineLength: 1024 * 1024,
      // Fuzz sessions keep every unit they read; fuzzed mailboxes are small, so a real answer fits.
      maxResponseLines: 10_000,
      maxResponseBytes: 16 * 1024 * 1024,
    });
    return new FuzzSession(protocol, connection, protocol.adapter.createTracker(), options.answerTimeoutMs);
  }

  get isOpen(): boolean {
    return this.connection.isOpen;
  }

  /**
   * Sends `bytes`, cut into separate writes at `cuts`, and at every synchronizing-literal point
   * waits for the go-ahead. Resolves 'sent', or the outcome that stopped it: a refused literal
   * (the rest of the bytes is not sent, as a client must not), a close, or a hang.
   */
  async send(bytes: Buffer, cuts: readonly number[]): Promise<AnswerOutcome | { readonly kind: 'sent' } | { readonly kind: 'refused' }> {
    const waits = new Set(this.protocol.waitPoints(bytes));
    const points = [...new Set([...cuts, ...waits])].filter((p) => p > 0 && p < bytes.length).sort((a, b) => a - b);
    let from = 0;
    for (const to of [...points, bytes.length]) {
      const written = await this.write(bytes.subarray(from, to));
      if (written.kind !== 'sent') return written;
      from = to;
      if (waits.has(to)) {
        const outcome = await this.awaitAnswers();
        if (outcome.kind !== 'answered') return outcome;
        const last = this.units.at(-1);
        if (last === undefined || !this.protocol.isGoAhead(last)) {
          this.connection.log.note('literal refused by the server: the rest of the command is not sent');
          return { kind: 'refused' };
        }
      }
    }
    return { kind: 'sent' };
  }

  /** Reads until the tracker owes nothing more, the server closes, or the answer timeout passes. */
  async awaitAnswers(timeoutMs = this.answerTimeoutMs): Promise<AnswerOutcome> {
    const started = Date.now();
    while (this.tracker.awaitingLines()) {
      const left = timeoutMs - (Date.now() - started);
      try {
        if (left <= 0) throw new Error('timeout');
        await this.readUnit(left);
      } catch (err) {
        if (isTransportError(err) && (err.code === 'ERR_TRANSPORT_CLOSED' || err.code === 'ERR_TRANSPORT_RESET')) return this.closedOutcome(err.code === 'ERR_TRANSPORT_RESET');
        if ((isTransportError(err) && err.code === 'ERR_TRANSPORT_TIMEOUT') || (err instanceof Error && err.message === 'timeout')) {
          return { kind: 'hang', waitedMs: Date.now() - started };
        }
        // Still sending, but never done: a flood or a drip owes the answer just as a silence does.
        if (isTransportError(err) && (err.code === 'ERR_TRANSPORT_STEP_TIMEOUT' || err.code === 'ERR_TRANSPORT_RESPONSE_TOO_LARGE')) {
          return { kind: 'hang', waitedMs: Date.now() - started, limit: err.message };
        }
        throw err;
      }
    }
    return { kind: 'answered' };
  }

  /** Reads whatever arrives within `ms` without owing anything: for a session the tracker can no longer follow. */
  async drain(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    for (let left = ms; left > 0 && this.connection.isOpen; left = deadline - Date.now()) {
      try {
        await this.connection.readLine(left);
      } catch {
        return;
      }
    }
  }

  /** Whether the server has closed (waiting up to `ms` for it). */
  async closedWithin(ms: number): Promise<boolean> {
    return (await this.connection.waitForClose(ms)) === 'closed';
  }

  saidGoodbye(): boolean {
    return this.protocol.saidGoodbye(this.units, this.sent);
  }

  close(): void {
    this.connection.close();
  }

  private async write(bytes: Buffer): Promise<AnswerOutcome | { readonly kind: 'sent' }> {
    this.tracker.onSend(bytes);
    this.sent += bytes.toString('latin1');
    try {
      await this.connection.write(bytes);
      return { kind: 'sent' };
    } catch (err) {
      if (isTransportError(err)) return this.closedOutcome(err.code === 'ERR_TRANSPORT_RESET');
      throw err;
    }
  }

  private closedOutcome(reset: boolean): AnswerOutcome {
    // What the server managed to send before closing still counts (its goodbye, typically).
    for (let line = this.connection.takeBufferedLine(); line; line = this.connection.takeBufferedLine()) this.take(this.tracker.onLine(line));
    return { kind: 'closed', goodbye: this.saidGoodbye(), reset };
  }

  private async readUnit(timeoutMs: number): Promise<void> {
    this.take(await completeUnit(this.tracker.onLine(await this.connection.readLine(timeoutMs)), this.tracker, this.connection, timeoutMs));
  }

  private take(step: ReturnType<SessionTracker<P>['onLine']>): void {
    if ('more' in step) return;
    this.units.push(step.parsed);
    this.violations.push(...step.violations);
  }
}
