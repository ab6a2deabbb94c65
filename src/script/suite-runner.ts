import type { CaseResult, Protocol } from '../report/result.js';
import { Connection, type ConnectOptions, type TlsSettings, type TransportLimits } from '../transport/connection.js';
import type { RequirementLevel, RfcRef } from '../protocol/shared/rfc.js';
import type { ProtocolAdapter } from './adapter.js';
import { loadSuites } from './discover.js';
import { prepareNothing, type PrepareCase, type PrepareRun, type SeedingOptions } from './case-setup.js';
import { runCases, type TargetProfile } from './run-cases.js';
import type { SuiteError } from './script-case.js';
import { selectCases, type Shard } from './select-cases.js';

/** What a protocol contributes besides its adapter: port, probing, default variables. */
export interface ProtocolSpec<P> {
  readonly adapter: ProtocolAdapter<P>;
  readonly defaultPort: number;
  /** The port for implicit TLS (--tls): 465, 995, 993. */
  readonly defaultTlsPort: number;
  /** Connects once and learns greeting and capabilities. Throws TransportError if it can't. */
  probe(options: ConnectOptions, vars: ReadonlyMap<string, string>): Promise<TargetProfile>;
  /** Run variables: the user's, completed with protocol defaults and what the probe learned. */
  completeVars(vars: ReadonlyMap<string, string>, profile: TargetProfile): Map<string, string>;
  /** Per-case preparation; the default skips cases that need seeded messages. */
  readonly prepareCase?: PrepareCase<P>;
  /** Once per run, after the probe, before the first case. */
  readonly prepareRun?: PrepareRun;
  /** Most cases that can run at once against one account (POP3: one maildrop, one session at a time). */
  readonly maxConcurrency?: number;
}

export interface CaseListing {
  readonly id: string;
  readonly summary: string;
  readonly ref: RfcRef;
  readonly level: RequirementLevel;
  readonly requires: readonly string[];
  readonly file: string;
}

export interface SuiteRunOptions extends TransportLimits {
  readonly suitesRoot: string;
  readonly fixturesDir: string;
  readonly host: string;
  readonly port: number;
  /** Certificate checks for implicit TLS and STARTTLS. */
  readonly tls?: TlsSettings;
  /** Every connection starts with a TLS handshake (ports 465, 993, 995). */
  readonly implicitTls?: boolean;
  readonly vars: ReadonlyMap<string, string>;
  /** Names of vars that are secret (password): redacted from every result. */
  readonly secretNames: ReadonlySet<string>;
  readonly seeding: SeedingOptions;
  readonly allowDestructive: boolean;
  /** Cases run at once. @defaultValue 1 */
  readonly concurrency?: number;
  /** Case id patterns; empty selects all. */
  readonly only: readonly string[];
  readonly shard?: Shard;
  /** Called once the target is probed and the cases are chosen, before the first case runs. */
  readonly onStart?: (profile: TargetProfile, caseCount: number) => void;
  readonly onResult: (result: CaseResult) => void;
  /** Something the user should know that is no case's result (e.g. leftovers of an earlier run). */
  readonly onNote?: (text: string) => void;
  /** Once aborted, no case starts; the cases in progress finish (cleanup included) and are reported. */
  readonly signal?: AbortSignal;
}

/** What implicit TLS settled on, for the report: one connection that only shakes hands. */
async function describeImplicitTls(connect: ConnectOptions): Promise<string> {
  const connection = await Connection.open(connect);
  try {
    const tls = connection.tls;
    if (!tls) return 'none';
    const subject = tls.subject !== undefined ? ` for ${tls.subject}` : '';
    return `${tls.protocol} ${tls.cipher}, certificate${subject} ${tls.authorized ? 'verified' : `NOT verified (${tls.authorizationError ?? '--insecure'})`}`;
  } finally {
    connection.close();
  }
}

export type SuiteRunOutcome =
  | { readonly kind: 'suite-errors'; readonly errors: readonly SuiteError[] }
  | { readonly kind: 'no-cases' }
  | { readonly kind: 'done'; readonly profile: TargetProfile; readonly results: readonly CaseResult[] };

/** The protocol-independent face of a protocol's suites: the CLI uses only this. */
export interface SuiteRunner {
  readonly protocol: Protocol;
  readonly defaultPort: number;
  /** The port for implicit TLS (--tls): 465, 995, 993. */
  readonly defaultTlsPort: number;
  readonly fileExtension: string;
  /** --concurrency above this is lowered to it (cases of this protocol would disturb each other). */
  readonly maxConcurrency: number;
  list(suitesRoot: string, fixturesDir: string): Promise<{ readonly cases: readonly CaseListing[]; readonly errors: readonly SuiteError[] }>;
  run(options: SuiteRunOptions): Promise<SuiteRunOutcome>;
}

export function createSuiteRunner<P>(spec: ProtocolSpec<P>): SuiteRunner {
  const { adapter } = spec;
  return {
    protocol: adapter.protocol,
    defaultPort: spec.defaultPort,
    defaultTlsPort: spec.defaultTlsPort,
    fileExtension: adapter.fileExtension,
    maxConcurrency: spec.maxConcurrency ?? Infinity,
    async list(suitesRoot, fixturesDir) {
      const { cases, errors } = await loadSuites(suitesRoot, adapter, fixturesDir);
      return {
        errors,
        cases: cases.map((c) => ({ id: c.header.id, summary: c.header.summary, ref: c.header.ref, level: c.header.level, requires: c.header.requires, file: c.file })),
      };
    },
    async run(options) {
      const { cases, errors } = await loadSuites(options.suitesRoot, adapter, options.fixturesDir);
      if (errors.length > 0) return { kind: 'suite-errors', errors };
      const selected = selectCases(cases, options.only, options.shard);
      if (selected.length === 0) return { kind: 'no-cases' };
      const limits: TransportLimits = {
        connectTimeoutMs: options.connectTimeoutMs,
        readTimeoutMs: options.readTimeoutMs,
        stepTimeoutMs: options.stepTimeoutMs,
        maxLineLength: options.maxLineLength,
        maxResponseBytes: options.maxResponseBytes,
      };
      const security = { ...(options.tls ? { tls: options.tls } : {}), ...(options.implicitTls ? { implicitTls: true } : {}) };
      const connect: ConnectOptions = { host: options.host, port: options.port, ...limits, ...security };
      const probed = await spec.probe(connect, options.vars);
      const profile = options.implicitTls ? { ...probed, properties: { ...probed.properties, tls: await describeImplicitTls(connect) } } : probed;
      options.onStart?.(profile, selected.length);
      const bindings = spec.completeVars(options.vars, profile);
      for (const note of (await spec.prepareRun?.({ connect, bindings })) ?? []) options.onNote?.(note);
      const prepare = (spec.prepareCase ?? prepareNothing) as PrepareCase<unknown>;
      const results = await runCases(
        selected,
        adapter,
        profile,
        {
          host: options.host,
          port: options.port,
          ...limits,
          ...security,
          fixturesDir: options.fixturesDir,
          bindings,
          secretNames: options.secretNames,
          concurrency: Math.min(options.concurrency ?? 1, spec.maxConcurrency ?? Infinity),
          prepare,
          context: { connect, fixturesDir: options.fixturesDir, seeding: options.seeding, allowDestructive: options.allowDestructive },
          ...(options.signal ? { signal: options.signal } : {}),
        },
        options.onResult,
      );
      return { kind: 'done', profile, results };
    },
  };
}

