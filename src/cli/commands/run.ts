import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { TlsSettings, TransportLimits } from '../../transport/connection.js';
import { formatSummary } from '../../report/console-summary.js';
import { writeJunitFile } from '../../report/junit-writer.js';
import { exitCodeFor, type CaseResult, type Protocol, type RunInfo } from '../../report/result.js';
import { TapWriter } from '../../report/tap-writer.js';
import { SUITE_RUNNERS } from '../../script/protocols.js';
import { parseShard } from '../../script/select-cases.js';
import { ToolError, UsageError } from '../errors.js';
import { SECRET_VARIABLES } from '../options.js';
import { defaultFixturesDir, defaultSuitesDir, packageVersion } from '../paths.js';
import { INTERRUPTED_EXIT_CODE, handleSigint } from '../sigint.js';
import { preflight, preflightCredentials } from '../preflight.js';

export interface RunArgs {
  readonly protocol: Protocol;
  readonly host: string;
  readonly port?: number;
  readonly junit?: string;
  readonly tap?: string;
  readonly suites?: string;
  readonly fixtures?: string;
  readonly only: readonly string[];
  readonly shard?: string;
  readonly connectTimeout: number;
  readonly timeout: number;
  readonly stepTimeout: number;
  readonly maxLine: number;
  readonly maxResponse: number;
  readonly tls: TlsSettings;
  readonly implicitTls: boolean;
  readonly vars: ReadonlyMap<string, string>;
  readonly seedCommand?: string;
  readonly allowDestructive: boolean;
  readonly concurrency: number;
  readonly color: boolean;
}

/** `mailconform run <protocol>`: TAP on stdout as cases finish, JUnit at the end, summary on stderr. */
export async function runCommand(args: RunArgs): Promise<number> {
  const runner = SUITE_RUNNERS[args.protocol];
  if (!runner) throw new UsageError(`no ${args.protocol} suites yet; available: ${Object.keys(SUITE_RUNNERS).join(', ')}`);
  if (!Number.isInteger(args.concurrency) || args.concurrency < 1 || args.concurrency > 64) throw new UsageError(`--concurrency must be a whole number from 1 to 64 (got ${args.concurrency})`);
  const shard = args.shard === undefined ? undefined : parseShard(args.shard);
  if (shard && 'error' in shard) throw new UsageError(shard.error);
  const port = args.port ?? (args.implicitTls ? runner.defaultTlsPort : runner.defaultPort);
  if (args.concurrency > runner.maxConcurrency) {
    process.stderr.write(`note: --concurrency ${args.concurrency} lowered to ${runner.maxConcurrency}: ${args.protocol} cases share the account's maildrop, so they run one at a time\n`);
  }
  // One greeting and login first: a target that can't greet or refuses the account stops here, in one line.
  const limits: TransportLimits = {
    connectTimeoutMs: args.connectTimeout,
    readTimeoutMs: args.timeout,
    stepTimeoutMs: args.stepTimeout,
    maxLineLength: args.maxLine,
    maxResponseBytes: args.maxResponse,
  };
  const security = { tls: args.tls, implicitTls: args.implicitTls };
  await preflight(args.protocol, { host: args.host, port, ...limits, ...security }, preflightCredentials(args.vars.get('user'), args.vars.get('password')));

  const tapFile = args.tap ? openTapFile(args.tap) : undefined;
  // Synchronous writes: whatever a second Ctrl-C leaves is whole test points (stdout to a file or pipe is synchronous too).
  const tap = new TapWriter((chunk) => {
    process.stdout.write(chunk);
    if (tapFile !== undefined) writeAll(tapFile, chunk);
  });
  const started = Date.now();
  let info: RunInfo | undefined;
  let planned = 0;
  const results: CaseResult[] = [];
  const sigint = handleSigint('\ninterrupted: no new case starts; the cases in progress finish and clean up, then the reports are written (Ctrl-C again to quit at once)\n', () => {
    if (tap.open) tap.bailOut(Date.now() - started, `interrupted twice (Ctrl-C): quit at once after ${results.length} of ${planned} cases; cases in progress were not reported and may have left data behind`);
  });
  let interrupted: string | undefined;
  try {
    const outcome = await runner.run({
      suitesRoot: args.suites ?? defaultSuitesDir(),
      fixturesDir: args.fixtures ?? defaultFixturesDir(),
      host: args.host,
      port,
      ...limits,
      ...security,
      vars: args.vars,
      secretNames: SECRET_VARIABLES,
      seeding: args.seedCommand ? { command: args.seedCommand } : {},
      allowDestructive: args.allowDestructive,
      concurrency: args.concurrency,
      only: args.only,
      ...(shard ? { shard } : {}),
      signal: sigint.signal,
      onNote: (text) => void process.stderr.write(`note: ${text}\n`),
      onStart: (profile, count) => {
        planned = count;
        info = {
          tool: 'mailconform',
          toolVersion: packageVersion(),
          protocol: args.protocol,
          target: `${args.host}:${port}`,
          startedAt: new Date(started).toISOString(),
          properties: { ...profile.properties, ...(args.shard ? { shard: args.shard } : {}) },
        };
        tap.start(info, count);
      },
      onResult: (result) => {
        results.push(result);
        tap.writeCase(result);
      },
    });
    if (outcome.kind === 'suite-errors') {
      throw new ToolError(
        `suite files have errors (run \`mailconform lint\`):\n${outcome.errors.map((e) => `  ${e.file}:${e.line}: ${e.message}`).join('\n')}`,
      );
    }
    if (outcome.kind === 'no-cases') throw new UsageError(`no ${args.protocol} case matches --only ${args.only.join(' ')}${args.shard ? ` in shard ${args.shard}` : ''}`);
  } catch (err) {
    sigint.dispose();
    throw err;
  } finally {
    // A Ctrl-C after the last case started cut nothing short: that run is whole.
    if (sigint.signal.aborted && results.length < planned) interrupted = `interrupted (Ctrl-C) after ${results.length} of ${planned} cases`;
    if (info && interrupted !== undefined) tap.bailOut(Date.now() - started, interrupted);
    else if (info) tap.end(Date.now() - started);
    if (tapFile !== undefined) closeSync(tapFile);
  }

  try {
    const run = { info: info!, cases: results, durationMs: Date.now() - started, ...(interrupted !== undefined ? { interrupted } : {}) };
    if (args.junit) await writeJunitFile(run, args.junit);
    process.stderr.write(formatSummary(run, { color: args.color }));
    if (args.junit) process.stderr.write(`JUnit: ${args.junit}\n`);
    if (args.tap) process.stderr.write(`TAP: ${args.tap}\n`);
    return interrupted !== undefined ? INTERRUPTED_EXIT_CODE : exitCodeFor(results);
  } finally {
    sigint.dispose();
  }
}

function openTapFile(file: string): number {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  return openSync(file, 'w');
}

function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
}
