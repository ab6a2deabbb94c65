import type { CaseResult } from '../report/result.js';
import type { ProtocolAdapter } from './adapter.js';
import { execCase, type ExecOptions } from './exec-case.js';
import type { CaseContext, CaseSetup, PrepareCase } from './case-setup.js';
import { redactCaseResult } from './redact.js';
import { caseIdentity, type ScriptCase } from './script-case.js';
import { uniqueToken } from './unique-token.js';

/** What the runner learned about the target before running cases (greeting, EHLO keywords, …). */
export interface TargetProfile {
  /** Facts for reports, e.g. greeting and EHLO keywords. */
  readonly properties: Readonly<Record<string, string>>;
  /** Capability names as advertised, upper-cased (EHLO keywords, CAPA tags, IMAP capabilities). */
  readonly capabilities: ReadonlySet<string>;
}

/** Hints shown when a case needs a run variable that was not given. */
const VARIABLE_HINTS: Readonly<Record<string, string>> = {
  rcpt: 'set --rcpt to a mailbox that may receive test mail',
  rcpt2: 'set --rcpt2 to a second mailbox that may receive test mail',
  domain: 'set --domain to a mail domain the server accepts (or give --rcpt)',
  user: 'set --user and --password-env to an account on the server',
  password: 'set --password-env to the name of a variable holding the password of --user',
};

/** Why a case can't apply to this target, or undefined if it can run. */
export function skipReason<P>(scriptCase: ScriptCase<P>, profile: TargetProfile, bindings: ReadonlyMap<string, string>): string | undefined {
  const missingCaps = scriptCase.header.requires.filter((cap) => !profile.capabilities.has(cap.toUpperCase()));
  if (missingCaps.length > 0) return `server does not advertise ${missingCaps.join(', ')}`;
  const missingVars = scriptCase.needs.filter((v) => !bindings.has(v));
  if (missingVars.length > 0) {
    return `needs ${missingVars.map((v) => `\${${v}}`).join(', ')}: ${missingVars.map((v) => VARIABLE_HINTS[v] ?? `set --var ${v}=VALUE`).join('; ')}`;
  }
  return undefined;
}

export function skippedResult<P>(scriptCase: ScriptCase<P>, reason: string): CaseResult {
  return {
    ...caseIdentity(scriptCase),
    verdict: 'skip',
    reason,
    failures: [],
    transcript: [],
    durationMs: 0,
  };
}

export interface RunCasesOptions extends Omit<ExecOptions, 'bindings'> {
  readonly bindings: ReadonlyMap<string, string>;
  /** Cases run at once. @defaultValue 1 */
  readonly concurrency?: number;
  readonly prepare: PrepareCase<unknown>;
  readonly context: Omit<CaseContext, 'bindings'>;
  /** Once aborted (Ctrl-C), no case starts; the cases in progress finish, their cleanup included. */
  readonly signal?: AbortSignal;
}

/**
 * Runs cases, `concurrency` at a time (each case has its own connections, and for IMAP its own
 * mailbox, so they don't share state), reporting each result in case order as soon as it and all
 * before it are known: the TAP stream is written from onResult, so an interrupted run still has a
 * record of what finished, and the stream is the same whatever the concurrency. Stopped by the
 * signal, it returns the cases that ran: a prefix of `cases`, since cases start in order.
 */
export async function runCases<P>(
  cases: readonly ScriptCase<P>[],
  adapter: ProtocolAdapter<P>,
  profile: TargetProfile,
  options: RunCasesOptions,
  onResult: (result: CaseResult) => void,
): Promise<CaseResult[]> {
  const results: Array<CaseResult | undefined> = new Array(cases.length);
  let next = 0;
  let reported = 0;
  const worker = async (): Promise<void> => {
    while (next < cases.length && options.signal?.aborted !== true) {
      const index = next++;
      results[index] = await runOneCase(cases[index]!, adapter, profile, options);
      while (reported < cases.length && results[reported] !== undefined) onResult(results[reported++]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 1, cases.length)) }, worker));
  return results.slice(0, reported) as CaseResult[];
}

async function runOneCase<P>(scriptCase: ScriptCase<P>, adapter: ProtocolAdapter<P>, profile: TargetProfile, options: RunCasesOptions): Promise<CaseResult> {
  const bindings = new Map(options.bindings);
  bindings.set('uniq', uniqueToken(scriptCase.header.id));
  bindings.set('date', formatRfc5322Date(new Date()));
  const skip = skipReason(scriptCase, profile, bindings);
  if (skip) return skippedResult(scriptCase, skip);

  let setup: CaseSetup;
  try {
    setup = await options.prepare(scriptCase as ScriptCase<unknown>, { ...options.context, bindings });
  } catch (err) {
    return errorResult(scriptCase, `could not prepare the case: ${describe(err)}`, options.secretNames, bindings);
  }
  if (setup.skip) return skippedResult(scriptCase, setup.skip);
  for (const [name, value] of setup.bindings ?? []) bindings.set(name, value);

  const result = await execCase(scriptCase, adapter, { ...options, bindings });
  try {
    await setup.cleanup?.();
    return result;
  } catch (err) {
    // Left-over tool data is the tool's failure to clean up, not the server's: say so loudly.
    const reason = `cleanup after the case failed (tool-created messages may remain): ${describe(err)}`;
    return result.verdict === 'fail' ? { ...result, reason: `${result.reason}; ${reason}` } : { ...result, verdict: 'error', reason };
  }
}

function errorResult<P>(scriptCase: ScriptCase<P>, reason: string, secretNames: ReadonlySet<string>, bindings: ReadonlyMap<string, string>): CaseResult {
  const secrets = [...secretNames].map((n) => bindings.get(n)).filter((v): v is string => v !== undefined);
  return redactCaseResult({ ...skippedResult(scriptCase, reason), verdict: 'error' }, secrets);
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 5322 §3.3 date-time in UTC, e.g. "Sun, 22 Nov 2026 07:30:00 +0000", for Date: headers. */
export function formatRfc5322Date(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${DAYS[date.getUTCDay()]}, ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}
