import path from 'node:path';
import { DEFAULT_TRANSPORT_LIMITS } from '../../src/transport/connection.js';
import { fileURLToPath } from 'node:url';
import { SECRET_VARIABLES } from '../../src/cli/options.js';
import type { Finding } from '../../src/fuzz/findings/finding.js';
import type { FuzzProperty } from '../../src/fuzz/fuzz-property.js';
import { FUZZ_PROPERTIES } from '../../src/fuzz/properties/registry.js';
import { spawnTarget } from '../../src/fuzz/target/spawned-target.js';
import type { RequirementLevel, RfcRef } from '../../src/protocol/shared/rfc.js';
import type { CaseResult, Protocol } from '../../src/report/result.js';
import { SUITE_RUNNERS } from '../../src/script/protocols.js';
import { isKnownFuzzDeviation } from '../baselines/fuzz-deviations.js';
import type { Fault } from '../helpers/fault-proxy/fault.js';
import { startFaultProxy } from '../helpers/fault-proxy/proxy.js';
import { collectCampaign } from '../helpers/fuzz-campaign.js';
import { FIXTURES_DIR, SUITES_DIR, type DetectionServer } from './detection-lab.js';

const PROXY_MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../helpers/fault-proxy/main.js');

/** One detector that caught the fault: a suite case that failed, or a fuzz property's finding. */
export interface Detection {
  readonly detector: 'case' | 'property';
  /** Case id or property name. */
  readonly id: string;
  /** The rule the detector cites (its failure's, or the finding's). */
  readonly ref?: RfcRef;
  readonly level: RequirementLevel;
  /** Grammar or model rule name, when there is one. */
  readonly rule?: string;
  readonly message: string;
  /** From the start of the suite run (cases) or of the campaign (properties) to the verdict. */
  readonly afterMs: number;
}

/** What to run against a fault (or, with the passthrough fault, against the clean server). */
export interface DetectionPlan {
  /** Case ids to run; empty runs every case of the protocol. */
  readonly cases: readonly string[] | 'none';
  /** Property names to fuzz with; empty fuzzes with every property the settings allow. */
  readonly properties: readonly string[] | 'none';
  readonly fuzz: { readonly seed: number; readonly runs: number; readonly durationMs: number };
  /** Stop the campaign at its first finding (time to detect), or run it whole (precision). */
  readonly stopAtFirstFinding: boolean;
}

export interface FaultOutcome {
  readonly fault: string;
  readonly protocol: Protocol;
  /** How often the proxy actually fired during the suite run. */
  readonly triggered: number;
  readonly detections: readonly Detection[];
  /** Cases that could not run (verdict error, or run after a crash fault took the server down): not detections. */
  readonly errors: readonly string[];
  readonly suiteMs: number;
  readonly fuzzMs: number;
}

/** Runs the plan's suites, then its fuzz campaign, against the real server behind `fault`. */
export async function detectFault(fault: Fault, server: DetectionServer, plan: DetectionPlan): Promise<FaultOutcome> {
  await server.tidy();
  const suite = plan.cases === 'none' ? { detections: [], errors: [], triggered: 0, ms: 0 } : await runSuitesThrough(fault, server, plan.cases);
  const fuzz = plan.properties === 'none' ? { detections: [], ms: 0 } : await fuzzThrough(fault, server, { ...plan, properties: plan.properties });
  return {
    fault: fault.name,
    protocol: server.protocol,
    triggered: suite.triggered,
    detections: [...suite.detections, ...fuzz.detections],
    errors: suite.errors,
    suiteMs: suite.ms,
    fuzzMs: fuzz.ms,
  };
}

async function runSuitesThrough(fault: Fault, server: DetectionServer, cases: readonly string[]): Promise<{ detections: Detection[]; errors: string[]; triggered: number; ms: number }> {
  const proxy = await startFaultProxy({ upstream: { host: '127.0.0.1', port: server.port }, fault, protocol: server.protocol, tls: server.proxyTls });
  const started = Date.now();
  const detections: Detection[] = [];
  const errors: string[] = [];
  let crashSeen = false;
  try {
    const outcome = await SUITE_RUNNERS[server.protocol]!.run({
      suitesRoot: SUITES_DIR,
      fixturesDir: FIXTURES_DIR,
      host: proxy.host,
      port: proxy.port,
      tls: server.tls,
      ...DEFAULT_TRANSPORT_LIMITS,
      connectTimeoutMs: 3000,
      readTimeoutMs: 3000,
      vars: server.vars,
      secretNames: SECRET_VARIABLES,
      seeding: server.seedCommand !== undefined ? { command: server.seedCommand } : {},
      allowDestructive: false,
      // One case at a time: a crash or hang is then blamed on the case that caused it, not on a neighbour.
      concurrency: 1,
      // "*id" is anchored at both ends (select-cases.ts), and ids start with their protocol: exactly that case.
      only: cases.map((id) => `*${id}`),
      onResult: (result) => {
        // Once a crash fault has killed the "server", every later case fails to connect: only the case that was running when it died caught it.
        const collateral = proxy.crashed && crashSeen;
        crashSeen ||= proxy.crashed;
        if (collateral || result.verdict === 'error') errors.push(result.id);
        // A deviation of the clean server is no evidence against the fault.
        else if (result.verdict === 'fail' && !server.deviations.has(result.id)) detections.push(caseDetection(result, Date.now() - started));
      },
    });
    if (outcome.kind === 'suite-errors') throw new Error(`suite errors: ${outcome.errors.map((e) => `${e.file}:${e.line} ${e.message}`).join('; ')}`);
    if (outcome.kind === 'no-cases') throw new Error(`no ${server.protocol} case matches ${cases.join(', ')}`);
  } finally {
    await proxy.stop();
  }
  return { detections, errors, triggered: proxy.triggered, ms: Date.now() - started };
}

function caseDetection(result: CaseResult, afterMs: number): Detection {
  const failure = result.failures[0];
  return {
    detector: 'case',
    id: result.id,
    ref: failure?.ref ?? result.ref,
    level: failure?.level ?? result.level,
    ...(failure?.rule !== undefined ? { rule: failure.rule } : {}),
    message: result.reason ?? failure?.message ?? 'failed',
    afterMs,
  };
}

/**
 * A seeded campaign against the fault proxy run as its own process (--spawn), so a crash fault
 * kills a process the campaign sees die and restarts, as it would a real server.
 */
async function fuzzThrough(fault: Fault, server: DetectionServer, plan: DetectionPlan & { readonly properties: readonly string[] }): Promise<{ detections: Detection[]; ms: number }> {
  const command = `${process.execPath} ${PROXY_MAIN} --listen-port {port} --upstream 127.0.0.1:${server.port} --fault ${fault.name} --protocol ${server.protocol} --tls-cert ${server.proxyTls.certFile} --tls-key ${server.proxyTls.keyFile}`;
  const target = await spawnTarget({ command, protocol: server.protocol });
  const started = Date.now();
  const detections: Detection[] = [];
  try {
    const settings = server.fuzzSettings(target.endpoint);
    const properties = chooseProperties(server.protocol, plan.properties).filter((p) => p.unavailableReason?.(settings) === undefined);
    const counts = (f: Finding): boolean => !isKnownFuzzDeviation(server.protocol, f);
    await collectCampaign({
      properties,
      settings,
      target,
      seed: plan.fuzz.seed,
      runs: plan.fuzz.runs,
      durationMs: plan.fuzz.durationMs,
      shrinkTimeMs: 20_000,
      runsPerBatch: 10,
      until: (f) => plan.stopAtFirstFinding && counts(f),
      onFindingAt: (f) => {
        if (counts(f)) detections.push(findingDetection(f, Date.now() - started));
      },
    });
  } finally {
    await target.stop();
  }
  return { detections, ms: Date.now() - started };
}

function chooseProperties(protocol: Protocol, names: readonly string[]): FuzzProperty<unknown>[] {
  const all = FUZZ_PROPERTIES[protocol];
  if (names.length === 0) return [...all];
  return names.map((name) => {
    const property = all.find((p) => p.name === name);
    if (!property) throw new Error(`no ${protocol} fuzz property ${name} (known: ${all.map((p) => p.name).join(', ')})`);
    return property;
  });
}

function findingDetection(finding: Finding, afterMs: number): Detection {
  return {
    detector: 'property',
    id: finding.property,
    ...(finding.ref ? { ref: finding.ref } : {}),
    level: finding.level,
    ...(finding.rule !== undefined ? { rule: finding.rule } : {}),
    message: `[${finding.kind}] ${finding.message}`,
    afterMs,
  };
}
