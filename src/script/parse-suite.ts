import path from 'node:path';
import { REQUIREMENT_LEVELS, type RequirementLevel } from '../protocol/shared/rfc.js';
import type { ProtocolAdapter } from './adapter.js';
import type { CaseHeader, ExpectStep, Loc, Quantifier, ScriptCase, SendStep, Step, SuiteError } from './script-case.js';
import { decodeEscapes, templateVariables } from './template.js';

/**
 * Parses one suite file (a header of `key: value` lines, a blank line, then the transcript) into a
 * case, or returns every error found with its line. See suites/README.md for the language.
 */

const HEADER_KEYS = ['id', 'summary', 'rfc', 'section', 'level', 'requires', 'quote', 'note', 'timeout', 'seed', 'destructive'] as const;
type HeaderKey = (typeof HEADER_KEYS)[number];
const REQUIRED_KEYS: readonly HeaderKey[] = ['id', 'summary', 'rfc', 'section', 'level'];

const EXPECT_PREFIXES: ReadonlyArray<readonly [string, Quantifier]> = [
  ['S:', 'one'],
  ['S?:', 'optional'],
  ['S*:', 'any'],
  ['S+:', 'some'],
];

export type ParseSuiteResult<P> =
  | { readonly ok: true; readonly case: ScriptCase<P> }
  | { readonly ok: false; readonly errors: readonly SuiteError[] };

/** `file` is relative to the suites root, e.g. "smtp/rfc5321/quit.smtp". */
export function parseSuite<P>(text: string, file: string, adapter: ProtocolAdapter<P>): ParseSuiteResult<P> {
  const errors: SuiteError[] = [];
  const fail = (line: number, message: string): void => void errors.push({ file, line, message });
  const lines = text.replace(/\r\n/g, '\n').split('\n');

  const header = new Map<HeaderKey, { value: string; line: number }>();
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('#')) continue;
    if (line.trim() === '') {
      if (header.size > 0) break;
      continue;
    }
    const m = /^([a-z-]+):\s*(.*)$/.exec(line);
    if (!m) {
      fail(i + 1, `expected a header line "key: value" before the blank line that starts the transcript, got: ${line}`);
      continue;
    }
    const key = m[1] as HeaderKey;
    if (!HEADER_KEYS.includes(key)) fail(i + 1, `unknown header key "${m[1]}" (known: ${HEADER_KEYS.join(', ')})`);
    else if (header.has(key)) fail(i + 1, `duplicate header key "${key}"`);
    else header.set(key, { value: m[2]!.trim(), line: i + 1 });
  }
  for (const key of REQUIRED_KEYS) if (!header.get(key)?.value) fail(1, `missing header key "${key}"`);

  const rfc = Number(header.get('rfc')?.value);
  if (header.has('rfc') && !(Number.isInteger(rfc) && rfc > 0)) fail(header.get('rfc')!.line, `rfc must be a number, e.g. "rfc: 5321"`);
  const section = header.get('section')?.value ?? '';
  if (header.has('section') && !/^\d+(\.\d+)*$/.test(section)) fail(header.get('section')!.line, `section must look like 4.1.1.1`);
  const level = header.get('level')?.value as RequirementLevel;
  if (header.has('level') && !REQUIREMENT_LEVELS.includes(level)) fail(header.get('level')!.line, `level must be one of ${REQUIREMENT_LEVELS.join(', ')}`);
  const timeout = header.get('timeout');
  if (timeout && !/^\d+$/.test(timeout.value)) fail(timeout.line, `timeout is milliseconds, e.g. "timeout: 15000"`);
  const seed = (header.get('seed')?.value ?? '').split(/[\s,]+/).filter(Boolean);
  for (const entry of seed) {
    if (entry !== 'any' && (entry.includes('..') || path.posix.isAbsolute(entry))) fail(header.get('seed')!.line, `seed entries are fixture paths inside fixtures/ or "any", got ${entry}`);
  }
  const destructive = header.get('destructive');
  if (destructive && !['yes', 'no'].includes(destructive.value)) fail(destructive.line, 'destructive is "yes" or "no"');
  checkFolderMatchesRfc(file, rfc, fail);

  const steps = parseBody(lines, i + 1, file, adapter, fail);
  if (steps.length === 0) fail(i + 1, 'the transcript is empty');
  const { needs, fixtures } = analyseSteps(steps, fail);
  // Messages placed before the case are named m1, m2, … (see suites/README.md); they are not needs.
  // Nor are the facts the protocol learns from the server (e.g. apop.timestamp).
  const provided = new Set([...seedVariables((header.get('seed')?.value ?? '').split(/[\s,]+/).filter(Boolean).length), ...(adapter.providedVariables ?? [])]);
  const runNeeds = needs.filter((v) => !provided.has(v));

  if (errors.length > 0) return { ok: false, errors };
  const caseHeader: CaseHeader = {
    id: header.get('id')!.value,
    summary: header.get('summary')!.value,
    ref: { rfc, section },
    level,
    requires: (header.get('requires')?.value ?? '').split(/[\s,]+/).filter(Boolean),
    ...optional('quote', header.get('quote')?.value),
    ...optional('note', header.get('note')?.value),
    ...(timeout ? { timeoutMs: Number(timeout.value) } : {}),
    seed,
    destructive: destructive?.value === 'yes',
  };
  return {
    ok: true,
    case: { protocol: adapter.protocol, header: caseHeader, steps, file, suite: path.posix.dirname(file), needs: runNeeds, fixtures },
  };
}

/** Variables a case gets from its seeded messages: m1, m1.size, m1.uid (IMAP), m1.uidl (POP3), m1.lines, …, count, size, beyond. */
export function seedVariables(count: number): string[] {
  const names = count > 0 ? ['count', 'size', 'beyond'] : [];
  for (let i = 1; i <= count; i++) names.push(`m${i}`, `m${i}.size`, `m${i}.uid`, `m${i}.uidl`, `m${i}.lines`);
  return names;
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value ? ({ [key]: value } as Record<K, string>) : {};
}

/** suites/<protocol>/rfcNNNN[-ext]/file: the folder's RFC must be the header's. */
function checkFolderMatchesRfc(file: string, rfc: number, fail: (line: number, message: string) => void): void {
  const folder = path.posix.basename(path.posix.dirname(file));
  const m = /^rfc(\d+)(-[a-z0-9-]+)?$/.exec(folder);
  if (!m) fail(1, `suite folder "${folder}" must be named rfcNNNN or rfcNNNN-topic`);
  else if (Number.isInteger(rfc) && Number(m[1]) !== rfc) fail(1, `folder ${folder} holds RFC ${m[1]} cases but the header says rfc: ${rfc}`);
}

function parseBody<P>(
  lines: readonly string[],
  start: number,
  file: string,
  adapter: ProtocolAdapter<P>,
  fail: (line: number, message: string) => void,
): Step<P>[] {
  const steps: Step<P>[] = [];
  let block: { kind: 'unordered'; loc: Loc; items: ExpectStep<P>[] } | { kind: 'pipeline'; loc: Loc; items: SendStep[] } | undefined;

  for (let n = start; n <= lines.length; n++) {
    const line = lines[n - 1]!;
    const loc: Loc = { file, line: n };
    if (line.trim() === '' || line.startsWith('#')) continue;

    if (line.startsWith('@')) {
      const [directive, ...rest] = line.trim().split(/\s+/);
      const arg = rest.join(' ');
      if (directive === '@end') {
        if (!block) fail(n, '@end without @unordered or @pipeline');
        else if (block.items.length === 0) fail(n, `empty @${block.kind} block`);
        else if (block.kind === 'unordered') steps.push({ kind: 'unordered', expects: block.items, loc: block.loc });
        else steps.push({ kind: 'pipeline', sends: block.items, loc: block.loc });
        block = undefined;
        continue;
      }
      if (block) {
        fail(n, `${directive} inside @${block.kind} (only ${block.kind === 'unordered' ? 'S:' : 'C:'} lines belong there)`);
        continue;
      }
      if (directive === '@unordered') block = { kind: 'unordered', loc, items: [] };
      else if (directive === '@pipeline') block = { kind: 'pipeline', loc, items: [] };
      else if (directive === '@session') {
        if (!/^[A-Za-z0-9_-]+$/.test(arg)) fail(n, '@session needs a name, e.g. "@session 2"');
        else steps.push({ kind: 'session', name: arg, loc });
      } else if (directive === '@close') steps.push({ kind: 'close', loc });
      else if (directive === '@starttls') {
        if (arg !== '' && arg !== 'may-fail') fail(n, '@starttls takes nothing or "may-fail"');
        steps.push({ kind: 'starttls', mayFail: arg === 'may-fail', loc });
      }
      else if (directive === '@quiet') {
        const ms = /^(\d+)ms$/.exec(arg);
        if (!ms || Number(ms[1]) <= 0 || Number(ms[1]) > 60_000) fail(n, '@quiet needs a time up to 60000ms, e.g. "@quiet 500ms"');
        else steps.push({ kind: 'quiet', ms: Number(ms[1]), loc });
      }
      else if (directive === '@expect-close') steps.push({ kind: 'expect-close', loc });
      else if (directive === '@send-fixture') {
        if (!arg || arg.includes('..') || path.posix.isAbsolute(arg)) fail(n, '@send-fixture needs a path inside fixtures/, e.g. "@send-fixture messages/plain.eml"');
        else steps.push({ kind: 'send-fixture', fixture: arg, loc });
      } else fail(n, `unknown directive ${directive} (known: @session, @close, @expect-close, @starttls, @quiet, @send-fixture, @unordered, @pipeline, @end)`);
      continue;
    }

    const send = parseSend(line, loc, fail);
    if (send) {
      if (block?.kind === 'unordered') fail(n, 'C: line inside @unordered');
      else if (block?.kind === 'pipeline') block.items.push(send);
      else steps.push(send);
      continue;
    }
    const prefix = EXPECT_PREFIXES.find(([p]) => line === p || line.startsWith(`${p} `));
    if (prefix) {
      const matcher = adapter.compileMatcher(line.slice(prefix[0].length + 1));
      if ('error' in matcher) {
        fail(n, matcher.error);
        continue;
      }
      const expect: ExpectStep<P> = { kind: 'expect', matcher, quantifier: prefix[1], loc };
      if (block?.kind === 'pipeline') fail(n, 'S: line inside @pipeline');
      else if (block?.kind === 'unordered') {
        if (prefix[1] !== 'one') fail(n, 'only plain S: lines belong in @unordered');
        block.items.push(expect);
      } else steps.push(expect);
      continue;
    }
    fail(n, `expected C:, C!:, S:, S?:, S*:, S+: or an @directive, got: ${line}`);
  }
  if (block) fail(block.loc.line, `@${block.kind} without @end`);
  return steps;
}

function parseSend(line: string, loc: Loc, fail: (line: number, message: string) => void): SendStep | undefined {
  const raw = line.startsWith('C!:');
  if (!raw && !(line === 'C:' || line.startsWith('C: '))) return undefined;
  if (raw && !(line === 'C!:' || line.startsWith('C!: '))) return undefined;
  const template = line.slice(raw ? 4 : 3);
  const vars = templateVariables(template);
  if ('error' in vars) fail(loc.line, vars.error);
  if (raw) {
    const decoded = decodeEscapes(template);
    if ('error' in decoded) fail(loc.line, decoded.error);
  }
  return { kind: 'send', template, raw, loc };
}

/** Which variables must come from the run (used before captured), and which fixtures are sent. */
function analyseSteps<P>(steps: readonly Step<P>[], fail: (line: number, message: string) => void): { needs: string[]; fixtures: string[] } {
  const captured = new Set<string>();
  const needs = new Set<string>();
  const fixtures: string[] = [];
  const visitSend = (send: SendStep): void => {
    const vars = templateVariables(send.template);
    if (Array.isArray(vars)) for (const v of vars) if (!captured.has(v)) needs.add(v);
  };
  const visitExpect = (expect: ExpectStep<P>): void => {
    for (const v of expect.matcher.variables) captured.add(v);
  };
  let sessionOpened = false;
  for (const step of steps) {
    if (step.kind === 'send') visitSend(step);
    else if (step.kind === 'pipeline') step.sends.forEach(visitSend);
    else if (step.kind === 'expect') visitExpect(step);
    else if (step.kind === 'unordered') step.expects.forEach(visitExpect);
    else if (step.kind === 'send-fixture') fixtures.push(step.fixture);
    else if (step.kind === 'session') sessionOpened = true;
    else if (step.kind === 'close' && !sessionOpened && steps.indexOf(step) === 0) fail(step.loc.line, '@close before anything was sent or received');
  }
  return { needs: [...needs], fixtures };
}
