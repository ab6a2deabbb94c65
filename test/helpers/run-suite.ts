import assert from 'node:assert/strict';
import { DEFAULT_TRANSPORT_LIMITS } from '../../src/transport/connection.js';
import type { CaseResult } from '../../src/report/result.js';
import { SUITE_RUNNERS } from '../../src/script/protocols.js';
import type { SuiteRunOptions, SuiteRunOutcome } from '../../src/script/suite-runner.js';

/** Runs a protocol's suites from `suitesRoot` against 127.0.0.1:port with short test timeouts. */
export function runSuites(protocol: 'smtp' | 'pop3' | 'imap', suitesRoot: string, port: number, overrides: Partial<SuiteRunOptions> = {}): Promise<SuiteRunOutcome> {
  const runner = SUITE_RUNNERS[protocol];
  assert.ok(runner, `no ${protocol} runner`);
  return runner.run({
    suitesRoot,
    fixturesDir: suitesRoot,
    host: '127.0.0.1',
    port,
    ...DEFAULT_TRANSPORT_LIMITS,
    connectTimeoutMs: 2000,
    readTimeoutMs: 1000,
    maxLineLength: 4096,
    vars: new Map(),
    secretNames: new Set(),
    seeding: {},
    allowDestructive: false,
    only: [],
    onResult: () => undefined,
    ...overrides,
  });
}

/** The one case's result, when the suites root holds exactly one case. */
export async function runSingleCase(protocol: 'smtp' | 'pop3' | 'imap', suitesRoot: string, port: number, overrides: Partial<SuiteRunOptions> = {}): Promise<CaseResult> {
  const outcome = await runSuites(protocol, suitesRoot, port, overrides);
  assert.ok(outcome.kind === 'done', JSON.stringify(outcome));
  return outcome.results[0]!;
}
