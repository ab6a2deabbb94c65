import fc from 'fast-check';
import { runCampaign, type CampaignOptions, type CampaignResult } from '../../src/fuzz/campaign/campaign.js';
import type { Finding } from '../../src/fuzz/findings/finding.js';
import { isFuzzFailure } from '../../src/fuzz/fuzz-failure.js';
import type { FuzzProperty, FuzzSettings, FuzzStats } from '../../src/fuzz/fuzz-property.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy/proxy.js';
import { findFault } from './fault-proxy/faults.js';

export interface CollectOptions extends Omit<CampaignOptions, 'onFinding' | 'toolVersion' | 'signal'> {
  /** Stop the campaign once a finding satisfies this (tests that look for one bug need not spend the whole budget). */
  readonly until?: (finding: Finding) => boolean;
  /** Called with each finding as it is confirmed (before the campaign ends). */
  readonly onFindingAt?: (finding: Finding) => void;
}

/** A campaign whose findings are collected in memory (tests read them instead of files). */
export async function collectCampaign(options: CollectOptions): Promise<{ result: CampaignResult; findings: Finding[] }> {
  const findings: Finding[] = [];
  const stop = new AbortController();
  const result = await runCampaign({
    toolVersion: 'test',
    ...options,
    signal: stop.signal,
    onFinding: (f) => {
      findings.push(f);
      options.onFindingAt?.(f);
      if (options.until?.(f)) stop.abort();
      return Promise.resolve();
    },
  });
  return { result, findings };
}

/** Findings as an assertion message: kind, rule, level, message and the minimal transcript. */
export function describeFindings(findings: readonly Finding[]): string {
  return findings.map((f) => `${f.kind} ${f.rule ?? ''} ${f.level}: ${f.message}\n${f.transcript.map((l) => `  ${l.session} ${l.dir}: ${l.text}`).join('\n')}`).join('\n');
}

/** Runs `body` with the named fault proxied in front of 127.0.0.1:upstreamPort; stops the proxy after. */
export async function withFaultProxy<T>(fault: string, upstreamPort: number, body: (proxy: FaultProxy) => Promise<T>): Promise<T> {
  const proxy = await startFaultProxy({ upstream: { host: '127.0.0.1', port: upstreamPort }, fault: findFault(fault) });
  try {
    return await body(proxy);
  } finally {
    await proxy.stop();
  }
}

/** A thrown fuzz error for an assertion message: the evidence (rule, expected, received) and the transcript by session. */
export function describeFuzzError(error: unknown): string {
  if (!isFuzzFailure(error)) return String(error);
  const { transcript, ...evidence } = error.evidence;
  return `${JSON.stringify(evidence, null, 2)}\n${transcript.map((l) => `${l.session} ${l.dir}: ${l.text}`).join('\n')}`;
}

/** The outcome of seeded runs of one property against a server that should pass them all. */
export interface SeededRuns {
  readonly failed: boolean;
  /** When failed: the finding and the shrunk input, for the assertion message. */
  readonly explanation: string;
  readonly numRuns: number;
  readonly commands: number;
  readonly elapsedMs: number;
}

/** Runs `numRuns` seeded runs of `property` (fast-check, stopping at the first failure) and says how they went. */
export async function runSeeded<T>(property: FuzzProperty<T>, settings: FuzzSettings, seed: number, numRuns: number): Promise<SeededRuns> {
  const stats: FuzzStats = { commands: 0 };
  const started = Date.now();
  const details = await fc.check(fc.asyncProperty(property.arbitrary(settings), (input) => property.run(input, settings, stats)), { seed, numRuns, endOnFailure: true });
  const input = details.counterexample?.[0];
  return {
    failed: details.failed,
    explanation: details.failed ? `${describeFuzzError(details.errorInstance)}\ncounterexample: ${JSON.stringify(input === undefined ? null : property.describeInput(input))}` : '',
    numRuns: details.numRuns,
    commands: stats.commands,
    elapsedMs: Date.now() - started,
  };
}
