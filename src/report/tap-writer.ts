import { isDeepStrictEqual } from 'node:util';
import { parse, stringify } from 'tap-yaml';
import { toCaseDiag } from './case-diag.js';
import { escapeLine } from './escape-line.js';
import type { CaseResult, RunInfo } from './result.js';

/** Where TAP goes: process.stdout, a file stream. Each call receives whole lines. */
export type TapSink = (chunk: string) => void;

/** Comment keys that carry machine-readable run facts; tap-reader looks for these. */
export const RUN_INFO_COMMENT = 'mailconform-run';
export const RUN_END_COMMENT = 'mailconform-end';

/** Descriptions are for humans; the diagnostics carry the full summary. */
const MAX_DESCRIPTION_LENGTH = 200;

/** YAML diagnostics sit two spaces under their test point (TAP 14 §YAML diagnostics). */
const YAML_INDENT = '  ';

type WriterState = 'NEW' | 'STARTED' | 'ENDED';

/**
 * Streams a run as TAP 14, one test point per case as it completes:
 *
 *     TAP version 14
 *     # mailconform-run {"tool":"mailconform",...}
 *     1..2
 *     ok 1 - smtp.rfc5321.ehlo: EHLO gets 250
 *       ---
 *       id: smtp.rfc5321.ehlo
 *       (summary, suite, file, protocol, ref, level, verdict, failures, transcript…)
 *       ...
 *     # mailconform-end {"durationMs":1234}
 */
export class TapWriter {
  readonly #sink: TapSink;
  #state: WriterState = 'NEW';
  #count = 0;

  constructor(sink: TapSink) {
    this.#sink = sink;
  }

  start(info: RunInfo, plannedCount: number): void {
    this.#expectState('NEW', 'start');
    if (!Number.isInteger(plannedCount) || plannedCount < 0) throw new RangeError(`bad plan: ${plannedCount}`);
    this.#state = 'STARTED';
    this.#sink(`TAP version 14\n${formatJsonComment(RUN_INFO_COMMENT, info)}1..${plannedCount}\n`);
  }

  writeCase(result: CaseResult): void {
    this.#expectState('STARTED', 'writeCase');
    this.#count++;
    this.#sink(formatTestPoint(this.#count, result) + formatDiagnostics(toCaseDiag(result)));
  }

  end(durationMs: number): void {
    this.#expectState('STARTED', 'end');
    this.#state = 'ENDED';
    this.#sink(formatJsonComment(RUN_END_COMMENT, { durationMs }));
  }

  /**
   * Ends a run stopped early (Ctrl-C): the end comment, then "Bail out!" (TAP 14), which tells every
   * consumer that fewer test points than planned is an aborted run, not a broken stream.
   */
  bailOut(durationMs: number, reason: string): void {
    this.#expectState('STARTED', 'bailOut');
    this.#state = 'ENDED';
    this.#sink(`${formatJsonComment(RUN_END_COMMENT, { durationMs })}Bail out! ${escapeLine(reason)}\n`);
  }

  /** Whether start() was called and neither end() nor bailOut() yet. */
  get open(): boolean {
    return this.#state === 'STARTED';
  }

  #expectState(expected: WriterState, call: string): void {
    if (this.#state !== expected) throw new Error(`TapWriter.${call}() called in state ${this.#state}`);
  }
}

/** "ok 3 - id: summary # SKIP reason": a skip is ok, a fail or an error is not ok. */
function formatTestPoint(n: number, result: CaseResult): string {
  const ok = result.verdict === 'pass' || result.verdict === 'skip' ? 'ok' : 'not ok';
  const description = escapeDescription(truncate(`${result.id}: ${result.summary}`));
  const directive = result.verdict === 'skip' ? ` # SKIP ${escapeDescription(result.reason ?? '')}` : '';
  return `${ok} ${n} - ${description}${directive}`.trimEnd() + '\n';
}

/**
 * TAP 14: "\" and "#" in a description are escaped as "\\" and "\#". Line breaks and controls
 * become visible escapes, and a trailing "{" (which would open a subtest) becomes "\x7B".
 */
function escapeDescription(text: string): string {
  return escapeLine(text)
    .replace(/[\\#]/g, (c) => `\\${c}`)
    .trim()
    .replace(/\{$/, '\\x7B');
}

function truncate(text: string): string {
  return text.length > MAX_DESCRIPTION_LENGTH ? `${text.slice(0, MAX_DESCRIPTION_LENGTH - 1)}…` : text;
}

/**
 * tap-yaml's stringify, checked by parsing it back: yaml 2.9 writes a whitespace-only string with a
 * line break (" \n", " \n\t\n") as a block scalar that reads back without its spaces, or not at
 * all. Should any value not survive, the diagnostics are written as JSON, which is YAML 1.2 too.
 */
function formatDiagnostics(diag: Record<string, unknown>): string {
  const stringified = stringify(diag);
  const yaml = (readsBack(stringified, diag) ? stringified : JSON.stringify(diag)).replace(/\n$/, '');
  const body = yaml
    .split('\n')
    .map((line) => (line === '' ? '' : YAML_INDENT + line))
    .join('\n');
  return `${YAML_INDENT}---\n${body}\n${YAML_INDENT}...\n`;
}

function readsBack(yaml: string, value: unknown): boolean {
  try {
    return isDeepStrictEqual(parse(yaml), value);
  } catch {
    return false;
  }
}

/**
 * "# key {json}": JSON keeps the comment on one line; U+2028/U+2029, which JSON leaves raw but
 * tap-parser treats as line breaks, are escaped the JSON way so they still read back exactly.
 */
function formatJsonComment(key: string, value: unknown): string {
  const json = JSON.stringify(value).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
  return `# ${key} ${json}\n`;
}
