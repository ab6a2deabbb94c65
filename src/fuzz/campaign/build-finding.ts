import { createHash } from 'node:crypto';
import { secretRedactor } from '../../script/redact.js';
import type { Finding, SavedLinkedMailbox, SavedSettings } from '../findings/finding.js';
import type { FuzzFailure } from '../fuzz-failure.js';
import type { FuzzProperty, FuzzSettings, LinkedMailbox } from '../fuzz-property.js';
import type { ProcessDeath } from '../target/fuzz-target.js';

export interface FindingContext {
  readonly property: FuzzProperty<unknown>;
  readonly settings: FuzzSettings;
  readonly target: string;
  readonly seed: number;
  readonly path: string;
  readonly replayPath: string | undefined;
  readonly shrinks: number;
  readonly toolVersion: string;
}

/** The finding a shrunk failure makes. Its id is derived from property, seed and path: a replay finds the same id. */
export function buildFinding(failure: FuzzFailure, counterexample: unknown, context: FindingContext, death: ProcessDeath | undefined): Finding {
  const { evidence } = failure;
  // The prelude logs in (and smtp.delivery logs in to the linked mailbox): passwords are on the wire, never in a finding.
  const passwords = [context.settings.password, context.settings.linked?.password].filter((p): p is string => p !== undefined);
  const redact = secretRedactor(passwords) ?? ((text: string) => text);
  const digest = createHash('sha256').update(`${context.property.name}|${context.seed}|${context.path}`).digest('hex').slice(0, 10);
  const transcript = evidence.transcript.map((line) => ({ ...line, text: redact(line.text) }));
  const greeting = transcript.find((l) => l.dir === 'S')?.text;
  return {
    format: 'mailconform-finding/1',
    id: `${context.property.name.replace(/\./g, '-')}-${evidence.kind}-${digest}`,
    tool: { name: 'mailconform', version: context.toolVersion },
    createdAt: new Date().toISOString(),
    property: context.property.name,
    protocol: context.property.protocol,
    ...evidence,
    message: redact(evidence.message),
    ...(evidence.expected !== undefined ? { expected: redact(evidence.expected) } : {}),
    ...(evidence.received !== undefined ? { received: redact(evidence.received) } : {}),
    target: context.target,
    ...(greeting !== undefined ? { greeting } : {}),
    replay: {
      seed: context.seed,
      path: context.path,
      ...(context.replayPath !== undefined ? { replayPath: context.replayPath } : {}),
      settings: saveSettings(context.settings),
    },
    // Inputs never hold the password: it is sent by the prelude, built at run time from the settings.
    input: counterexample === undefined ? null : context.property.describeInput(counterexample),
    shrinks: context.shrinks,
    transcript,
    ...(death ? { process: death } : {}),
  };
}

/** Settings without the password: a finding file may be shared. */
export function saveSettings(settings: FuzzSettings): SavedSettings {
  return {
    protocol: settings.protocol,
    host: settings.endpoint.host,
    port: settings.endpoint.port,
    ...(settings.endpoint.implicitTls ? { implicitTls: true } : {}),
    ...(settings.user !== undefined ? { user: settings.user } : {}),
    vars: Object.fromEntries(settings.vars),
    answerTimeoutMs: settings.answerTimeoutMs,
    connectTimeoutMs: settings.connectTimeoutMs,
    allowDestructive: settings.allowDestructive,
    namespace: settings.namespace,
    maxCommands: settings.maxCommands,
    ...(settings.seedCommand !== undefined ? { seedCommand: settings.seedCommand } : {}),
    ...(settings.linked !== undefined ? { linked: saveLinked(settings.linked) } : {}),
  };
}

function saveLinked(linked: LinkedMailbox): SavedLinkedMailbox {
  const { protocol, endpoint, user, deliveryTimeoutMs } = linked;
  return { protocol, host: endpoint.host, port: endpoint.port, user, deliveryTimeoutMs };
}
