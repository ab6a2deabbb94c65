import { REQUIREMENT_LEVELS, type RequirementLevel, type RfcRef } from '../protocol/shared/rfc.js';
import type { CaseResult, Failure, Protocol, SourceLocation, TranscriptLine, Verdict } from './result.js';
import { formatTranscriptDiag, parseTranscriptText } from './transcript-text.js';

/**
 * The YAML diagnostics of one TAP test point, and back: a CaseResult with snake_case keys.
 * The pair lives in one file so that every key written has its reader next to it.
 */

const PROTOCOLS: readonly Protocol[] = ['smtp', 'pop3', 'imap'];
const VERDICTS: readonly Verdict[] = ['pass', 'fail', 'skip', 'error'];

/**
 * A plain object for tap-yaml's stringify. Optional fields that are undefined are left out, so they
 * read back as absent. U+2028/U+2029 are written as the text "\u2028"/"\u2029": yaml emits them
 * raw, even in double quotes, and tap-parser splits lines with `.`, which stops at them and
 * swallows the rest of the stream. It is the one lossy step; server bytes never contain them
 * (escapeBytes keeps to ASCII).
 */
export function toCaseDiag(result: CaseResult): Record<string, unknown> {
  const diag = {
    id: result.id,
    summary: result.summary,
    suite: result.suite,
    file: result.file,
    protocol: result.protocol,
    ref: toRefDiag(result.ref),
    level: result.level,
    verdict: result.verdict,
    reason: result.reason,
    duration_ms: result.durationMs,
    failures: result.failures.map(toFailureDiag),
    transcript: result.transcript.map(formatTranscriptDiag),
  };
  return escapeLineSeparators(dropUndefined(diag));
}

function toRefDiag(ref: RfcRef): Record<string, unknown> {
  return { rfc: ref.rfc, section: ref.section };
}

function toFailureDiag(failure: Failure): Record<string, unknown> {
  return dropUndefined({
    message: failure.message,
    rule: failure.rule,
    ref: failure.ref && toRefDiag(failure.ref),
    level: failure.level,
    location: failure.location && { file: failure.location.file, line: failure.location.line },
    expected: failure.expected,
    received: failure.received,
  });
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function escapeLineSeparators<T>(value: T): T {
  if (typeof value === 'string') {
    return value.replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`) as T;
  }
  if (Array.isArray(value)) return value.map(escapeLineSeparators) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeLineSeparators(v)])) as T;
  }
  return value;
}

/** Where a diag is read from, and where its problems go: recorded, never thrown. */
export interface DiagContext {
  /** Prefix of every problem, e.g. "test point 3". */
  readonly where: string;
  readonly problems: string[];
}

/** Reads a test point's diagnostics back into a CaseResult; a missing or mistyped field is a problem. */
export function readCaseDiag(diag: unknown, ctx: DiagContext): CaseResult {
  const obj = readRecord(diag, 'diagnostics', ctx) ?? {};
  const reason = readOptionalString(obj, 'reason', ctx);
  const result: CaseResult = {
    id: readString(obj, 'id', ctx),
    protocol: readOneOf(obj, 'protocol', PROTOCOLS, 'smtp', ctx),
    suite: readString(obj, 'suite', ctx),
    summary: readString(obj, 'summary', ctx),
    ref: readRef(obj['ref'], 'ref', ctx),
    level: readOneOf(obj, 'level', REQUIREMENT_LEVELS, 'MUST', ctx),
    file: readString(obj, 'file', ctx),
    verdict: readOneOf(obj, 'verdict', VERDICTS, 'error', ctx),
    failures: readList(obj, 'failures', ctx).map((f, i) => readFailure(f, `failures[${i}]`, ctx)),
    transcript: readList(obj, 'transcript', ctx).map((t, i) => readLine(t, `transcript[${i}]`, ctx)),
    durationMs: readNumber(obj, 'duration_ms', ctx),
  };
  return reason === undefined ? result : { ...result, reason };
}

function readFailure(value: unknown, path: string, ctx: DiagContext): Failure {
  const obj = readRecord(value, path, ctx) ?? {};
  const failure: Failure = {
    message: readString(obj, 'message', ctx, path),
    level: readOneOf<RequirementLevel>(obj, 'level', REQUIREMENT_LEVELS, 'MUST', ctx, path),
    rule: readOptionalString(obj, 'rule', ctx, path),
    ref: obj['ref'] === undefined ? undefined : readRef(obj['ref'], `${path}.ref`, ctx),
    location: obj['location'] === undefined ? undefined : readLocation(obj['location'], `${path}.location`, ctx),
    expected: readOptionalString(obj, 'expected', ctx, path),
    received: readOptionalString(obj, 'received', ctx, path),
  };
  return dropUndefined(failure);
}

const DIRECTIONS: readonly TranscriptLine['dir'][] = ['C', 'S', '*'];

/** A transcript line: the compact string "S: text  [session +Nms]", or the object form. */
function readLine(value: unknown, path: string, ctx: DiagContext): TranscriptLine {
  if (typeof value === 'string') {
    const line = parseTranscriptText(value);
    if (line) return line;
    ctx.problems.push(`${ctx.where}: ${path} is not a transcript line ("S: text  [session +Nms]"): ${JSON.stringify(value)}`);
    return { session: '?', dir: '*', text: value, atMs: 0 };
  }
  const obj = readRecord(value, path, ctx) ?? {};
  return {
    session: readString(obj, 'session', ctx, path),
    dir: readOneOf(obj, 'dir', DIRECTIONS, '*', ctx, path),
    text: readString(obj, 'text', ctx, path),
    atMs: readNumber(obj, 'at_ms', ctx, path),
  };
}

function readRef(value: unknown, path: string, ctx: DiagContext): RfcRef {
  const obj = readRecord(value, path, ctx) ?? {};
  return { rfc: readNumber(obj, 'rfc', ctx, path), section: readString(obj, 'section', ctx, path) };
}

function readLocation(value: unknown, path: string, ctx: DiagContext): SourceLocation {
  const obj = readRecord(value, path, ctx) ?? {};
  return { file: readString(obj, 'file', ctx, path), line: readNumber(obj, 'line', ctx, path) };
}

/** The value as a string-keyed record, or undefined (and a problem) when it is anything else. */
export function readRecord(value: unknown, path: string, ctx: DiagContext): Record<string, unknown> | undefined {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  ctx.problems.push(`${ctx.where}: ${path}: expected a mapping, got ${describe(value)}`);
  return undefined;
}

function readList(obj: Record<string, unknown>, key: string, ctx: DiagContext): readonly unknown[] {
  const value = obj[key];
  if (Array.isArray(value)) return value as unknown[];
  ctx.problems.push(`${ctx.where}: ${key}: expected a list, got ${describe(value)}`);
  return [];
}

export function readString(obj: Record<string, unknown>, key: string, ctx: DiagContext, path?: string): string {
  const value = obj[key];
  if (typeof value === 'string') return value;
  ctx.problems.push(`${ctx.where}: ${join(path, key)}: expected a string, got ${describe(value)}`);
  return '';
}

function readOptionalString(
  obj: Record<string, unknown>,
  key: string,
  ctx: DiagContext,
  path?: string,
): string | undefined {
  return obj[key] === undefined ? undefined : readString(obj, key, ctx, path);
}

function readNumber(obj: Record<string, unknown>, key: string, ctx: DiagContext, path?: string): number {
  const value = obj[key];
  if (typeof value === 'number') return value;
  ctx.problems.push(`${ctx.where}: ${join(path, key)}: expected a number, got ${describe(value)}`);
  return 0;
}

export function readOneOf<T extends string>(
  obj: Record<string, unknown>,
  key: string,
  allowed: readonly T[],
  fallback: T,
  ctx: DiagContext,
  path?: string,
): T {
  const value = obj[key];
  const found = allowed.find((a) => a === value);
  if (found !== undefined) return found;
  ctx.problems.push(`${ctx.where}: ${join(path, key)}: expected one of ${allowed.join('|')}, got ${describe(value)}`);
  return fallback;
}

function join(path: string | undefined, key: string): string {
  return path === undefined ? key : `${path}.${key}`;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 60)}…` : json;
}
