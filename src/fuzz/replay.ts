import fc from 'fast-check';
import type { Finding, SavedLinkedMailbox, SavedSettings } from './findings/finding.js';
import { isFuzzFailure, type FuzzEvidence } from './fuzz-failure.js';
import type { FuzzEndpoint, FuzzSettings, FuzzStats, LinkedMailbox } from './fuzz-property.js';
import { findProperty } from './properties/registry.js';
import type { TlsSettings } from '../transport/connection.js';

export type ReplayOutcome =
  /** The same kind of failure (and rule, when it has one) as the finding. */
  | { readonly kind: 'reproduced'; readonly evidence: FuzzEvidence }
  /** It still fails, differently. */
  | { readonly kind: 'different'; readonly evidence: FuzzEvidence }
  | { readonly kind: 'passed' };

/**
 * The saved settings, with what a finding never holds: the password (the account's and the linked
 * mailbox's, one and the same as the CLI takes them), and optionally another endpoint.
 */
export function restoreSettings(
  saved: SavedSettings,
  extra: { readonly password?: string; readonly endpoint?: FuzzEndpoint; readonly tls?: TlsSettings },
): FuzzSettings {
  const { linked } = saved;
  const security = { ...(extra.tls ? { tls: extra.tls } : {}), ...(saved.implicitTls ? { implicitTls: true } : {}) };
  return {
    protocol: saved.protocol,
    endpoint: { ...(extra.endpoint ?? { host: saved.host, port: saved.port }), ...security },
    ...(saved.user !== undefined ? { user: saved.user } : {}),
    ...(extra.password !== undefined ? { password: extra.password } : {}),
    vars: new Map(Object.entries(saved.vars)),
    answerTimeoutMs: saved.answerTimeoutMs,
    connectTimeoutMs: saved.connectTimeoutMs,
    allowDestructive: saved.allowDestructive,
    namespace: saved.namespace,
    maxCommands: saved.maxCommands,
    ...(saved.seedCommand !== undefined ? { seedCommand: saved.seedCommand } : {}),
    ...(linked !== undefined ? { linked: restoreLinked(linked, extra.password) } : {}),
  };
}

function restoreLinked(saved: SavedLinkedMailbox, password: string | undefined): LinkedMailbox {
  const { protocol, host, port, user, deliveryTimeoutMs } = saved;
  return { protocol, endpoint: { host, port }, user, deliveryTimeoutMs, ...(password !== undefined ? { password } : {}) };
}

/**
 * Runs a finding's shrunk input again: fast-check rebuilds it from the batch seed and the
 * counterexample path (plus the commands' replayPath), so the same bytes go out in the same order.
 */
export async function replayFinding(finding: Finding, settings: FuzzSettings): Promise<ReplayOutcome> {
  const property = findProperty(finding.property);
  if (!property) throw new Error(`finding ${finding.id}: this version of mailconform has no property ${finding.property}`);
  const stats: FuzzStats = { commands: 0 };
  const replayPath = finding.replay.replayPath;
  const arbitrary = property.arbitrary(settings, replayPath !== undefined ? { replayPath } : undefined);
  let details: fc.RunDetails<[unknown]>;
  try {
    details = await fc.check(fc.asyncProperty(arbitrary, (input) => property.run(input, settings, stats)), {
      seed: finding.replay.seed,
      path: finding.replay.path,
      numRuns: 1,
      endOnFailure: true,
    });
  } finally {
    await property.cleanUp?.(settings);
  }
  if (!details.failed) return { kind: 'passed' };
  if (!isFuzzFailure(details.errorInstance)) throw details.errorInstance instanceof Error ? details.errorInstance : new Error(String(details.errorInstance));
  const evidence = details.errorInstance.evidence;
  const same = evidence.kind === finding.kind && (finding.rule === undefined || evidence.rule === finding.rule);
  return { kind: same ? 'reproduced' : 'different', evidence };
}
