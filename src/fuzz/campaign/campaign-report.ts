import type { CaseResult, Failure, RunResult } from '../../report/result.js';
import type { Finding } from '../findings/finding.js';
import type { FuzzProperty } from '../fuzz-property.js';
import type { CampaignResult } from './campaign.js';

export interface CampaignReportInfo {
  readonly toolVersion: string;
  readonly target: string;
  readonly startedAt: string;
  /** Properties not run, with the reason (shown as skipped tests). */
  readonly unavailable: ReadonlyArray<{ readonly property: FuzzProperty<unknown>; readonly reason: string }>;
  /** Where each finding was saved, by id. */
  readonly savedAs: ReadonlyMap<string, string>;
}

/**
 * A campaign as the one result type every report is written from: one test per property, each
 * finding one failure of it with its minimal transcript (the first finding's, as a test has one).
 */
export function campaignRunResult(result: CampaignResult, properties: readonly FuzzProperty<unknown>[], info: CampaignReportInfo): RunResult {
  const protocol = properties[0]?.protocol ?? info.unavailable[0]?.property.protocol ?? 'smtp';
  const ran: CaseResult[] = properties.map((property) => {
    const outcome = result.properties.find((p) => p.property === property.name);
    const findings = outcome?.findings ?? [];
    const repeats = outcome?.repeats ?? 0;
    return {
      ...propertyCase(property),
      verdict: findings.length > 0 ? 'fail' : 'pass',
      ...(findings.length > 0 ? { reason: `${findings.length} finding(s): ${findings[0]!.message}` } : {}),
      failures: findings.map((f) => findingFailure(f, info.savedAs.get(f.id))),
      transcript: findings[0]?.transcript ?? [],
      durationMs: 0,
      summary: `${property.summary} (${outcome?.runs ?? 0} runs${repeats > 0 ? `, ${repeats} repeat finding(s) not saved again` : ''})`,
    };
  });
  const skipped: CaseResult[] = info.unavailable.map(({ property, reason }) => ({
    ...propertyCase(property),
    verdict: 'skip',
    reason,
    failures: [],
    transcript: [],
    durationMs: 0,
  }));
  return {
    info: {
      tool: 'mailconform',
      toolVersion: info.toolVersion,
      protocol,
      target: info.target,
      startedAt: info.startedAt,
      properties: {
        seed: String(result.seed),
        shard: `${result.shard.index}/${result.shard.count}`,
        runs: String(result.runs),
        commands: String(result.commands),
        end: result.end,
      },
    },
    cases: [...ran, ...skipped],
    durationMs: result.durationMs,
  };
}

function propertyCase(property: FuzzProperty<unknown>): Omit<CaseResult, 'verdict' | 'failures' | 'transcript' | 'durationMs'> {
  return {
    id: `fuzz.${property.name}`,
    protocol: property.protocol,
    suite: `fuzz/${property.protocol}`,
    summary: property.summary,
    ref: property.ref,
    level: property.level,
    file: `fuzz:${property.name}`,
  };
}

function findingFailure(finding: Finding, file: string | undefined): Failure {
  return {
    message: `[${finding.kind}] ${finding.message} (finding ${finding.id}${file ? `, ${file}` : ''}; replay: mailconform replay ${file ?? `${finding.id}.json`})`,
    level: finding.level,
    ...(finding.ref ? { ref: finding.ref } : {}),
    ...(finding.rule !== undefined ? { rule: finding.rule } : {}),
    ...(finding.expected !== undefined ? { expected: finding.expected } : {}),
    ...(finding.received !== undefined ? { received: finding.received } : {}),
  };
}
