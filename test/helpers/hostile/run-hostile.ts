import path from 'node:path';
import type { CaseResult } from '../../../src/report/result.js';
import { prepareNothing } from '../../../src/script/case-setup.js';
import { runCases } from '../../../src/script/run-cases.js';
import { DEFAULT_TRANSPORT_LIMITS, type ConnectOptions } from '../../../src/transport/connection.js';
import { isTransportError } from '../../../src/transport/errors.js';
import type { HostileProtocolKit, HostileScenario } from './hostile-scenario.js';
import { describeStream } from './hostile-stream.js';
import { HOSTILE_VARS, REPO_ROOT } from './load-hostile-cases.js';
import type { ProcessFaultWatch } from './process-faults.js';
import type { ReplayServer } from './replay-server.js';
import { scheduledDelayBound } from './write-schedule.js';

export interface HostileRunSettings {
  readonly readTimeoutMs: number;
  /** Slack on top of read timeouts and scheduled pauses before a run counts as hung. @defaultValue 2000 */
  readonly slackMs?: number;
}

/** A broken promise of the property: the message says which, with the stream that broke it. */
export class HostilePropertyError extends Error {
  override readonly name = 'HostilePropertyError';
}

const VERDICTS = new Set(['pass', 'fail', 'error', 'skip']);

/**
 * Plays the scenario's stream and runs its target against it. Resolves to the outcome's kind
 * (e.g. "client:ERR_TRANSPORT_CLOSED", "case:fail"); throws HostilePropertyError if the run took
 * longer than its bound, rejected with anything but a TransportError, gave a verdict without a
 * reason or an internal error, or left an unhandled rejection / uncaught exception behind.
 */
export async function runHostile<P>(kit: HostileProtocolKit<P>, scenario: HostileScenario<P>, server: ReplayServer, faults: ProcessFaultWatch, settings: HostileRunSettings): Promise<string> {
  server.load(scenario.stream);
  const connect: ConnectOptions = { host: '127.0.0.1', port: server.port, connectTimeoutMs: 2000, readTimeoutMs: settings.readTimeoutMs };
  const reads = scenario.target.kind === 'client' ? scenario.target.scenario.maxReads : scenario.target.scriptCase.steps.length + 2;
  const boundMs = settings.readTimeoutMs * (reads + 2) + scheduledDelayBound(scenario.stream.schedule, scenario.stream.segments.length) + (settings.slackMs ?? 2000);
  const run = scenario.target.kind === 'client' ? runClient(scenario.target.scenario.run(connect)) : runCase(kit, scenario, connect);
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), boundMs)));
  try {
    const outcome = await Promise.race([run, hung]);
    if (outcome === 'hung') throw broken(scenario, `did not settle within ${boundMs} ms`);
    if (outcome.startsWith('bug:')) throw broken(scenario, outcome.slice(4));
    // A rejection nobody awaited surfaces after the current turn: give it one.
    await new Promise((resolve) => setImmediate(resolve));
    const stray = faults.take();
    if (stray.length > 0) throw broken(scenario, stray.join('\n'));
    return outcome;
  } finally {
    clearTimeout(timer);
    server.dropConnections();
  }
}

async function runClient(run: Promise<void>): Promise<string> {
  try {
    await run;
    return 'client:completed';
  } catch (err) {
    if (isTransportError(err)) return `client:${err.code}`;
    return `bug:the client rejected with ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
  }
}

async function runCase<P>(kit: HostileProtocolKit<P>, scenario: HostileScenario<P>, connect: ConnectOptions): Promise<string> {
  if (scenario.target.kind !== 'case') throw new Error('runCase needs a case target');
  const scriptCase = scenario.target.scriptCase;
  const fixturesDir = path.join(REPO_ROOT, 'fixtures');
  let results: CaseResult[];
  try {
    results = await runCases(
      [scriptCase],
      kit.adapter,
      { properties: {}, capabilities: new Set(scriptCase.header.requires.map((c) => c.toUpperCase())) },
      {
        host: connect.host,
        port: connect.port,
        ...DEFAULT_TRANSPORT_LIMITS,
        connectTimeoutMs: connect.connectTimeoutMs ?? 2000,
        readTimeoutMs: connect.readTimeoutMs ?? 1000,
        fixturesDir,
        bindings: HOSTILE_VARS,
        secretNames: new Set(['password']),
        prepare: prepareNothing,
        context: { connect, fixturesDir, seeding: {}, allowDestructive: false },
      },
      () => undefined,
    );
  } catch (err) {
    return `bug:the engine rejected with ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
  }
  const result = results[0];
  if (!result || !VERDICTS.has(result.verdict)) return `bug:no valid verdict: ${JSON.stringify(result?.verdict)}`;
  if (result.verdict !== 'pass' && !result.reason) return `bug:verdict ${result.verdict} without a reason`;
  // execCase turns any exception into an "internal error" verdict: that is a crash, not a finding.
  if (result.reason?.startsWith('internal error')) return `bug:${result.reason}`;
  return `case:${result.verdict}`;
}

function broken<P>(scenario: HostileScenario<P>, what: string): HostilePropertyError {
  return new HostilePropertyError(`${what}\nstream: ${describeStream(scenario.stream)}`);
}
