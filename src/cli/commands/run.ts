import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { formatSummary } from '../../report/console-summary.js';
import { writeJunitFile } from '../../report/junit-writer.js';
import { exitCodeFor, type CaseResult, type Protocol, type RunInfo } from '../../report/result.js';
import { TapWriter } from '../../report/tap-writer.js';
import { SUITE_RUNNERS } from '../../script/protocols.js';
import { parseShard } from '../../script/select-cases.js';
import { ToolError, UsageError } from '../errors.js';
import { SECRET_VARIABLES } from '../options.js';
import { defaultFixturesDir, defaultSuitesDir, packageVersion } from '../paths.js';

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
  readonly maxLine: number;
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
  const port = args.port ?? runner.defaultPort;
  if (args.concurrency > runner.maxConcurrency) {
    process.stderr.write(`note: --concurrency ${args.concurrency} lowered to ${runner.maxConcurrency}: ${args.protocol} cases share the account's maildrop, so they run one at a time\n`);
  }

  const tapFile = args.tap ? openTapFile(args.tap) : undefined;
  const tap = new TapWriter((chunk) => {
    process.stdout.write(chunk);
    tapFile?.write(chunk);
  });
  const started = Date.now();
  let info: RunInfo | undefined;
  const results: CaseResult[] = [];
  try {
    const outcome = await runner.run({
      suitesRoot: args.suites ?? defaultSuitesDir(),
      fixturesDir: args.fixtures ?? defaultFixturesDir(),
      host: args.host,
      port,
      connectTimeoutMs: args.connectTimeout,
      readTimeoutMs: args.timeout,
      maxLineLength: args.maxLine,
      vars: args.vars,
      secretNames: SECRET_VARIABLES,
      seeding: args.seedCommand ? { command: args.seedCommand } : {},
      allowDestructive: args.allowDestructive,
      concurrency: args.concurrency,
      only: args.only,
      ...(shard ? { shard } : {}),
      onStart: (profile, count) => {
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
  } finally {
    if (info) tap.end(Date.now() - started);
    await closeStream(tapFile);
  }

  const run = { info: info!, cases: results, durationMs: Date.now() - started };
  if (args.junit) await writeJunitFile(run, args.junit);
  process.stderr.write(formatSummary(run, { color: args.color }));
  if (args.junit) process.stderr.write(`JUnit: ${args.junit}\n`);
  if (args.tap) process.stderr.write(`TAP: ${args.tap}\n`);
  return exitCodeFor(results);
}

function openTapFile(file: string): WriteStream {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  return createWriteStream(file);
}

function closeStream(stream: WriteStream | undefined): Promise<void> {
  return new Promise((resolve) => (stream ? stream.end(resolve) : resolve()));
}
