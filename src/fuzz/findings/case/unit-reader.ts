import type { CheckedUnit, UnitStep } from '../../../protocol/shared/complete-unit.js';
import type { SessionTracker } from '../../../script/adapter.js';

const LF = 0x0a;
const CR = 0x0d;

/**
 * Frames received bytes into the units the transcript engine will see, through the protocol's own
 * tracker (the one the engine and the fuzzer use): lines split at LF as the transport splits them,
 * and IMAP literals taken by count. So each expectation written for a unit is one the engine
 * matches against one unit.
 */
export class UnitReader<P> {
  private pending = Buffer.alloc(0);
  private offset = 0;
  private need: { readonly more: 'line' } | { readonly more: 'bytes'; readonly count: number } = { more: 'line' };
  /** A unit has begun (it asked for more): its first line decided whether it was owed. */
  private inUnit = false;
  private owedAtStart = true;

  constructor(readonly tracker: SessionTracker<P>) {}

  send(bytes: Buffer): void {
    this.tracker.onSend(bytes);
  }

  /** Complete units these bytes finish, each with whether it was owed (false: the server sent it unasked). */
  receive(bytes: Buffer): Array<{ readonly unit: CheckedUnit<P>; readonly owed: boolean }> {
    this.pending = Buffer.concat([this.pending, bytes]);
    const units: Array<{ unit: CheckedUnit<P>; owed: boolean }> = [];
    for (let step = this.next(); step !== undefined; step = this.next()) {
      if ('more' in step) {
        this.need = step;
        this.inUnit = true;
        continue;
      }
      units.push({ unit: step, owed: this.owedAtStart });
      this.need = { more: 'line' };
      this.inUnit = false;
    }
    return units;
  }

  /** Bytes received that complete no unit yet (a line cut short, a literal not all there). */
  hasPartial(): boolean {
    return this.pending.length > 0 || this.need.more === 'bytes';
  }

  private next(): UnitStep<P> | undefined {
    if (this.need.more === 'bytes') {
      const { count } = this.need;
      if (this.pending.length < count || !this.tracker.onBytes) return undefined;
      return this.tracker.onBytes(this.take(count));
    }
    const lf = this.pending.indexOf(LF);
    if (lf === -1) return undefined;
    const streamOffset = this.offset;
    const line = this.take(lf + 1).subarray(0, lf);
    const crlf = line.at(-1) === CR;
    if (!this.inUnit) this.owedAtStart = this.tracker.awaitingLines();
    return this.tracker.onLine({ bytes: crlf ? line.subarray(0, -1) : line, ending: crlf ? 'crlf' : 'lf', streamOffset });
  }

  private take(count: number): Buffer {
    const taken = this.pending.subarray(0, count);
    this.pending = this.pending.subarray(count);
    this.offset += count;
    return taken;
  }
}
