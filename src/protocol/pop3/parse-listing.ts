/**
 * The three listings RFC 1939 gives a fixed format "in order to simplify parsing": the drop
 * listing (STAT, §5), scan listings (LIST, §5) and unique-id listings (UIDL, §7). Pure; offsets
 * are response-relative: `base` is the response offset of `bytes[0]`.
 */
import type { Violation } from '../shared/violation.js';
import { createPop3Violation, rfc1939, type Pop3Rule } from './pop3-rule.js';

export interface Pop3DropListing {
  readonly count: number;
  readonly size: number;
  /** Response offsets of the count and of the size. */
  readonly countAt: number;
  readonly sizeAt: number;
}

export interface Pop3ScanListing {
  readonly msg: number;
  readonly size: number;
  /** Response offsets of the message-number and of the size. */
  readonly at: number;
  readonly sizeAt: number;
}

export interface Pop3UniqueIdListing {
  readonly msg: number;
  readonly uid: string;
  readonly at: number;
  readonly uidAt: number;
}

export const LISTING_RULES = {
  /**
   * "all POP3 servers are required to use a certain format for drop listings. The positive
   * response consists of "+OK" followed by a single space, the number of messages in the
   * maildrop, a single space, and the size of the maildrop in octets." (§5)
   */
  statFormat: { rule: 'STAT.format', ref: rfc1939('5'), level: 'MUST' },
  /**
   * "This memo makes no requirement on what follows the maildrop size. Minimal implementations
   * should just end that line ... NOTE: This memo STRONGLY discourages implementations from
   * supplying additional information in the drop listing." (§5) Allowed, discouraged: SHOULD.
   */
  statExtra: { rule: 'STAT.extra-information', ref: rfc1939('5'), level: 'SHOULD' },
  /**
   * "A scan listing consists of the message-number of the message, followed by a single space and
   * the exact size of the message in octets." (§5)
   */
  listFormat: { rule: 'LIST.format', ref: rfc1939('5'), level: 'MUST' },
  /** Same wording as the drop listing's: "STRONGLY discourages ... additional information". (§5) */
  listExtra: { rule: 'LIST.extra-information', ref: rfc1939('5'), level: 'SHOULD' },
  /**
   * "A unique-id listing consists of the message-number of the message, followed by a single space
   * and the unique-id of the message. No information follows the unique-id in the unique-id
   * listing." (§7)
   */
  uidlFormat: { rule: 'UIDL.format', ref: rfc1939('7'), level: 'MUST' },
  /** "consisting of one to 70 characters in the range 0x21 to 0x7E" (§7) */
  uidLength: { rule: 'UIDL.unique-id.length', ref: rfc1939('7'), level: 'MUST' },
  uidChar: { rule: 'UIDL.unique-id.char', ref: rfc1939('7'), level: 'MUST' },
} as const satisfies Record<string, Pop3Rule>;

export const MAX_UNIQUE_ID_OCTETS = 70;

const SP = 0x20;
const isDigit = (b: number | undefined): boolean => b !== undefined && b >= 0x30 && b <= 0x39;

/** A cursor over one listing; the first deviation ends the reading (`failed`). */
class FieldReader {
  readonly violations: Violation[] = [];
  failed = false;
  constructor(
    readonly bytes: Buffer,
    public i: number,
    readonly base: number,
    readonly format: Pop3Rule,
  ) {}

  fail(message: string, expected: string, at = this.i): void {
    this.failed = true;
    this.violations.push(createPop3Violation(this.format, this.base + at, message, expected, this.bytes.subarray(at, at + 1)));
  }

  readSp(what: string): boolean {
    if (this.bytes[this.i] === SP) this.i++;
    else this.fail(`expected a single space before the ${what}`, 'SP');
    return !this.failed;
  }

  /** 1*DIGIT, base-10 (§4); `min` 1 for message-numbers ("assigned a message-number of "1""). */
  readNumber(what: string, min: number): number | undefined {
    const start = this.i;
    while (isDigit(this.bytes[this.i])) this.i++;
    if (this.i === start) {
      this.fail(`expected the ${what} (decimal digits)`, '1*DIGIT');
      return undefined;
    }
    const value = Number(this.bytes.subarray(start, this.i).toString('latin1'));
    if (value < min) this.fail(`${what} ${value} is below ${min}`, `${what} >= ${min}`, start);
    return this.failed ? undefined : value;
  }

  /** After the last field: end of line, or SP + anything (reported under `extra`), nothing else. */
  readEnd(extra: Pop3Rule): void {
    const b = this.bytes[this.i];
    if (b === undefined) return;
    if (b === SP) {
      const rest = this.bytes.subarray(this.i);
      this.violations.push(createPop3Violation(extra, this.base + this.i, 'additional information after the listing', 'CRLF', rest));
      return;
    }
    this.fail('a number runs into other octets', 'SP / CRLF');
  }
}

/** STAT's "+OK nn mm" (§5); `bytes` is the whole status line, its status already checked. */
export function parseDropListing(bytes: Buffer, base: number): { listing: Pop3DropListing | undefined; violations: Violation[] } {
  const r = new FieldReader(bytes, 3, base, LISTING_RULES.statFormat);
  const count = r.readSp('number of messages') ? r.readNumber('number of messages', 0) : undefined;
  const sizeAt = r.i + 1;
  const size = count !== undefined && r.readSp('maildrop size') ? r.readNumber('maildrop size', 0) : undefined;
  if (size !== undefined) r.readEnd(LISTING_RULES.statExtra);
  const ok = !r.failed && count !== undefined && size !== undefined;
  return { listing: ok ? { count, size, countAt: base + 4, sizeAt: base + sizeAt } : undefined, violations: r.violations };
}

/**
 * One scan listing "msg SP size" (§5). `start` is where it begins in `bytes`: 0 for a line of
 * LIST's multi-line body, 3 for LIST n's "+OK msg size" (then an SP must come first).
 */
export function parseScanListing(bytes: Buffer, start: number, base: number): { listing: Pop3ScanListing | undefined; violations: Violation[] } {
  const r = new FieldReader(bytes, start, base, LISTING_RULES.listFormat);
  if (start > 0 && !r.readSp('scan listing')) return { listing: undefined, violations: r.violations };
  const at = r.i;
  const msg = r.readNumber('message-number', 1);
  const sizeAt = r.i + 1;
  const size = msg !== undefined && r.readSp('message size') ? r.readNumber('message size', 0) : undefined;
  if (size !== undefined) r.readEnd(LISTING_RULES.listExtra);
  const ok = !r.failed && msg !== undefined && size !== undefined;
  return { listing: ok ? { msg, size, at: base + at, sizeAt: base + sizeAt } : undefined, violations: r.violations };
}

/** One unique-id listing "msg SP unique-id" (§7); `start` as for parseScanListing. */
export function parseUniqueIdListing(bytes: Buffer, start: number, base: number): { listing: Pop3UniqueIdListing | undefined; violations: Violation[] } {
  const r = new FieldReader(bytes, start, base, LISTING_RULES.uidlFormat);
  if (start > 0 && !r.readSp('unique-id listing')) return { listing: undefined, violations: r.violations };
  const at = r.i;
  const msg = r.readNumber('message-number', 1);
  if (msg === undefined || !r.readSp('unique-id')) return { listing: undefined, violations: r.violations };
  const uidAt = r.i;
  const spAt = bytes.indexOf(SP, uidAt);
  const uidEnd = spAt < 0 ? bytes.length : spAt;
  const uid = bytes.subarray(uidAt, uidEnd);
  const violations = r.violations;
  if (uid.length === 0 || uid.length > MAX_UNIQUE_ID_OCTETS) {
    const offset = uid.length === 0 ? uidAt : uidAt + MAX_UNIQUE_ID_OCTETS;
    violations.push(
      createPop3Violation(LISTING_RULES.uidLength, base + offset, `unique-id of ${uid.length} octets`, `1 to ${MAX_UNIQUE_ID_OCTETS} octets`, bytes.subarray(offset, offset + 8)),
    );
  }
  const bad = uid.findIndex((b) => b < 0x21 || b > 0x7e);
  if (bad >= 0) {
    violations.push(
      createPop3Violation(LISTING_RULES.uidChar, base + uidAt + bad, 'unique-id octet outside 0x21-0x7E', '%x21-7E', uid.subarray(bad, bad + 1)),
    );
  }
  if (spAt >= 0) {
    violations.push(
      createPop3Violation(LISTING_RULES.uidlFormat, base + spAt, 'information after the unique-id', 'CRLF right after the unique-id', bytes.subarray(spAt)),
    );
  }
  return { listing: { msg, uid: uid.toString('latin1'), at: base + at, uidAt: base + uidAt }, violations };
}
