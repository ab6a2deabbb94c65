import { randomInt } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { runCampaign, type CampaignResult } from '../../fuzz/campaign/campaign.js';
import { campaignRunResult } from '../../fuzz/campaign/campaign-report.js';
import { ProgressLine } from '../../fuzz/campaign/progress-line.js';
import type { Finding } from '../../fuzz/findings/finding.js';
import { FindingStore, type StoredFinding } from '../../fuzz/findings/finding-store.js';
import type { FuzzEndpoint, FuzzProperty, FuzzSettings, LinkedMailbox } from '../../fuzz/fuzz-property.js';
import { FUZZ_PROPERTIES } from '../../fuzz/properties/registry.js';
import { checkProtocolAlive } from '../../fuzz/robustness/liveness.js';
import type { FuzzTarget } from '../../fuzz/target/fuzz-target.js';
import { listeningTarget } from '../../fuzz/target/fuzz-target.js';
import { spawnTarget } from '../../fuzz/target/spawned-target.js';
import { formatSummary } from '../../report/console-summary.js';
import { writeJunitFile } from '../../report/junit-writer.js';
import type { Protocol } from '../../report/result.js';
import { TapWriter } from '../../report/tap-writer.js';
import { SUITE_RUNNERS } from '../../script/protocols.js';
import { parseShard } from '../../script/select-cases.js';
import type { TlsSettings } from '../../transport/connection.js';
import { WireLog } from '../../transport/wire-log.js';
import { parseDuration } from '../duration.js';
import { INTERRUPTED_EXIT_CODE, handleSigint } from '../sigint.js';
import { ToolError, UsageError } from '../errors.js';
import { parseHostPort } from '../host-port.js';
import { packageVersion } from '../paths.js';
import { preflight, preflightCredentials } from '../preflight.js';

export interface FuzzArgs {
  readonly protocol: Protocol;
  readonly host?: string;
  readonly port?: number;
  readonly tls: TlsSettings;
  readonly implicitTls: boolean;
  readonly spawn?: string;
  readonly runs?: number;
  readonly duration?: string;
  readonly seed?: number;
  readonly shard?: string;
  readonly properties: readonly string[];
  readonly findings: string;
  readonly junit?: string;
  readonly tap?: string;
  readonly connectTimeout: number;
  readonly timeout: number;
  readonly maxCommands: number;
  readonly vars: ReadonlyMap<string, string>;
  readonly seedCommand?: string;
  readonly allowDestructive: boolean;
  /** host:port of the POP3 server the SMTP target delivers --rcpt to. */
  readonly deliverPop3?: string;
  readonly deliveryTimeout: number;
  readonly tty: boolean;
}

/** POP3's port when --deliver-pop3 names only a host (RFC 1939 §3). */
const POP3_PORT = 110;

/** Without --runs or --duration, a campaign this long: enough to mean something, short enough to try. */
export const DEFAULT_RUNS = 100;

/** `mailconform fuzz <protocol>`: a seeded, shrinking campaign; findings saved as they are confirmed. */
export async function fuzzCommand(args: FuzzArgs): Promise<number> {
  const plan = validate(args);
  const err = (text: string): void => void process.stderr.write(text);

  const target: FuzzTarget = args.spawn
    ? await spawnTarget({ command: args.spawn, protocol: args.protocol, ...(args.port !== undefined ? { port: args.port } : {}) })
    : listeningTarget({ host: args.host!, port: args.port ?? (args.implicitTls ? SUITE_RUNNERS[args.protocol]!.defaultTlsPort : SUITE_RUNNERS[args.protocol]!.defaultPort) });
  // Every connection of the campaign (runs, liveness checks, clean-up) checks certificates alike.
  const endpoint: FuzzEndpoint = { ...target.endpoint, tls: args.tls, ...(args.implicitTls ? { implicitTls: true } : {}) };
  // Findings are on disk the moment they are confirmed, so a second Ctrl-C has nothing left to save.
  const sigint = handleSigint('\ninterrupted: finishing the current run, keeping every finding, tidying up, writing reports (Ctrl-C again to quit at once)\n', () => undefined);
  try {
    const settings = settingsOf(args, endpoint, plan.linked);
    // One greeting and login first: a target that can't greet or refuses the account is no finding, it stops here in one line.
    const limits = { connectTimeoutMs: args.connectTimeout, readTimeoutMs: args.timeout };
    await preflight(args.protocol, { ...endpoint, ...limits }, preflightCredentials(settings.user, settings.password));
    if (settings.linked) {
      await preflight(settings.linked.protocol, { ...settings.linked.endpoint, ...limits }, preflightCredentials(settings.linked.user, settings.linked.password)).catch((e: unknown) => {
        throw e instanceof ToolError ? new ToolError(`--deliver-pop3: ${e.message}`) : e;
      });
    }
    const alive = await checkProtocolAlive(args.protocol, { endpoint, log: new WireLog(), connectTimeoutMs: args.connectTimeout, answerTimeoutMs: args.timeout });
    if (!alive.ok) throw new ToolError(`${target.description} is not usable before fuzzing starts: ${alive.reason}`);
    if (plan.linked) {
      // Checked here: a mailbox that is down from the start is a setup problem, not a finding.
      const linked = await checkProtocolAlive(plan.linked.protocol, { endpoint: plan.linked.endpoint, log: new WireLog(), connectTimeoutMs: args.connectTimeout, answerTimeoutMs: args.timeout });
      if (!linked.ok) throw new ToolError(`--deliver-pop3 ${args.deliverPop3}: not usable: ${linked.reason}`);
    }
    err(`mailconform fuzz ${args.protocol}: seed ${plan.seed}${args.shard ? `, shard ${args.shard}` : ''} (the same seed replays the same campaign: --seed ${plan.seed})\n`);

    const { properties, unavailable } = chooseProperties(args, settings);
    for (const { property, reason } of unavailable) err(`skipping ${property.name}: ${reason}\n`);
    if (properties.length === 0) throw new UsageError(`no ${args.protocol} fuzz property can run with these options`);

    const store = new FindingStore(args.findings);
    const savedAs = new Map<string, string>();
    const progress = new ProgressLine(err, args.tty);
    const startedAt = new Date().toISOString();
    let result: CampaignResult;
    try {
      result = await runCampaign({
        properties,
        settings,
        target,
        seed: plan.seed,
        ...(plan.runs !== undefined ? { runs: plan.runs } : {}),
        ...(plan.durationMs !== undefined ? { durationMs: plan.durationMs } : {}),
        ...(plan.shard ? { shard: plan.shard } : {}),
        signal: sigint.signal,
        toolVersion: packageVersion(),
        onProgress: (p) => progress.update(p),
        onFinding: async (finding) => {
          const saved = await store.save(finding);
          savedAs.set(finding.id, saved.json);
          progress.message(describeSaved(finding, saved, args));
        },
      });
    } finally {
      progress.finish();
    }

    const run = campaignRunResult(result, properties, { toolVersion: packageVersion(), target: target.description, startedAt, unavailable, savedAs });
    const tapText: string[] = [];
    const tap = new TapWriter((chunk) => {
      process.stdout.write(chunk);
      tapText.push(chunk);
    });
    tap.start(run.info, run.cases.length);
    for (const c of run.cases) tap.writeCase(c);
    tap.end(run.durationMs);
    if (args.tap) await writeText(args.tap, tapText.join(''));
    if (args.junit) await writeJunitFile(run, args.junit);
    err(formatSummary(run, { color: args.tty }));
    err(`${result.runs} runs, ${result.commands} commands in ${(result.durationMs / 1000).toFixed(1)} s; ended: ${describeEnd(result)}; seed ${plan.seed}\n`);
    const found = result.properties.reduce((n, p) => n + p.findings.length, 0);
    if (found > 0) err(`findings: ${args.findings} (replay one with: mailconform replay <file>.json; run them as suite cases with: mailconform run ${args.protocol} --suites ${args.findings})\n`);
    if (args.junit) err(`JUnit: ${args.junit}\n`);
    if (args.tap) err(`TAP: ${args.tap}\n`);
    // An interrupted campaign says so first (its findings are saved all the same); then findings, then a lost target.
    if (result.end === 'interrupted') return INTERRUPTED_EXIT_CODE;
    if (found > 0) return 1;
    return result.end === 'target-down' ? 2 : 0;
  } finally {
    sigint.dispose();
    await target.stop();
  }
}

/** The finding in one line, where its JSON went, and its suite case with the command that runs it. */
function describeSaved(finding: Finding, saved: StoredFinding, args: FuzzArgs): string {
  const lines = [`finding [${finding.kind}] ${finding.property}: ${finding.message}`, `  saved ${saved.json}`];
  if (saved.caseFile !== undefined) lines.push(`  as a suite case: ${saved.caseFile} (run it: mailconform run ${args.protocol} --suites ${args.findings} --only ${finding.id})`);
  else lines.push(`  no suite case: ${saved.caseError ?? 'not written'}`);
  return lines.join('\n');
}

interface Plan {
  readonly seed: number;
  /** The linked mailbox, password aside (settingsOf adds it). */
  readonly linked?: LinkedMailbox;
  readonly runs?: number;
  readonly durationMs?: number;
  readonly shard?: { readonly index: number; readonly count: number };
}

function validate(args: FuzzArgs): Plan {
  if (!args.spawn && !args.host) throw new UsageError('give --host (a server that is listening) or --spawn (a command that starts one)');
  if (args.runs !== undefined && (!Number.isInteger(args.runs) || args.runs < 1)) throw new UsageError(`--runs must be a positive whole number (got ${args.runs})`);
  if (!Number.isInteger(args.maxCommands) || args.maxCommands < 1 || args.maxCommands > 1000) throw new UsageError(`--max-commands must be from 1 to 1000 (got ${args.maxCommands})`);
  if (!(args.timeout > 0)) throw new UsageError(`--timeout must be positive (got ${args.timeout})`);
  if (args.seed !== undefined && !Number.isSafeInteger(args.seed)) throw new UsageError(`--seed must be a whole number (got ${args.seed})`);
  const duration = args.duration === undefined ? undefined : parseDuration(args.duration);
  if (typeof duration === 'object') throw new UsageError(duration.error);
  const shard = args.shard === undefined ? undefined : parseShard(args.shard);
  if (shard && 'error' in shard) throw new UsageError(shard.error);
  const linked = linkedMailboxOf(args);
  return {
    ...(linked ? { linked } : {}),
    // fast-check seeds are 32-bit: a bigger --seed is folded, the same way every time.
    seed: args.seed === undefined ? randomInt(2 ** 31) : args.seed | 0,
    ...(args.runs === undefined && duration === undefined ? { runs: DEFAULT_RUNS } : {}),
    ...(args.runs !== undefined ? { runs: args.runs } : {}),
    ...(duration !== undefined ? { durationMs: duration } : {}),
    ...(shard ? { shard } : {}),
  };
}

/** --deliver-pop3 and --delivery-timeout as a linked mailbox (the account is --user's), or undefined without them. */
function linkedMailboxOf(args: FuzzArgs): LinkedMailbox | undefined {
  if (args.deliverPop3 === undefined) return undefined;
  if (args.protocol !== 'smtp') throw new UsageError(`--deliver-pop3 is for fuzz smtp (mail is sent by SMTP and read back by POP3), not fuzz ${args.protocol}`);
  const endpoint = parseHostPort('--deliver-pop3', args.deliverPop3, POP3_PORT);
  if ('error' in endpoint) throw new UsageError(endpoint.error);
  if (!(args.deliveryTimeout > 0)) throw new UsageError(`--delivery-timeout must be a positive number of ms (got ${args.deliveryTimeout})`);
  const user = args.vars.get('user');
  if (user === undefined) throw new UsageError('--deliver-pop3 needs --user: the POP3 account --rcpt delivers to');
  return { protocol: 'pop3', endpoint, user, deliveryTimeoutMs: args.deliveryTimeout };
}

function settingsOf(args: FuzzArgs, endpoint: FuzzEndpoint, linked: LinkedMailbox | undefined): FuzzSettings {
  const user = args.vars.get('user');
  const password = args.vars.get('password');
  const vars = new Map([...args.vars].filter(([name]) => name !== 'password' && name !== 'user'));
  return {
    protocol: args.protocol,
    endpoint,
    ...(user !== undefined ? { user } : {}),
    ...(password !== undefined ? { password } : {}),
    vars,
    answerTimeoutMs: args.timeout,
    connectTimeoutMs: args.connectTimeout,
    allowDestructive: args.allowDestructive,
    // One namespace per shard: shards may share an account without touching each other's mailboxes.
    namespace: `mailconform-fuzz-${args.shard ? args.shard.replace('/', 'of') : 'solo'}`,
    maxCommands: args.maxCommands,
    ...(args.seedCommand !== undefined ? { seedCommand: args.seedCommand } : {}),
    ...(linked ? { linked: password !== undefined ? { ...linked, password } : linked } : {}),
  };
}

function chooseProperties(args: FuzzArgs, settings: FuzzSettings): { properties: FuzzProperty<unknown>[]; unavailable: { property: FuzzProperty<unknown>; reason: string }[] } {
  const all = FUZZ_PROPERTIES[args.protocol];
  const wanted = args.properties.length === 0 ? all : all.filter((p) => args.properties.some((w) => p.name === w || p.name === `${args.protocol}.${w}`));
  const unknown = args.properties.filter((w) => !all.some((p) => p.name === w || p.name === `${args.protocol}.${w}`));
  if (unknown.length > 0) throw new UsageError(`unknown --property ${unknown.join(', ')}; ${args.protocol} has: ${all.map((p) => p.name).join(', ')}`);
  const properties: FuzzProperty<unknown>[] = [];
  const unavailable: { property: FuzzProperty<unknown>; reason: string }[] = [];
  for (const property of wanted) {
    const reason = property.unavailableReason?.(settings);
    if (reason === undefined) properties.push(property);
    else unavailable.push({ property, reason });
  }
  return { properties, unavailable };
}

function describeEnd(result: CampaignResult): string {
  switch (result.end) {
    case 'runs':
      return 'run budget spent';
    case 'duration':
      return 'time budget spent';
    case 'interrupted':
      return 'interrupted';
    case 'target-down':
      return `the target went down (${result.targetDown ?? 'unreachable'})`;
  }
}

async function writeText(file: string, text: string): Promise<void> {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  await new Promise<void>((resolve, reject) => {
    const stream = createWriteStream(file);
    stream.on('error', reject);
    stream.end(text, resolve);
  });
}
