import { runCampaign, type CampaignOptions, type CampaignResult } from '../../src/fuzz/campaign/campaign.js';
import type { Finding } from '../../src/fuzz/findings/finding.js';
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
