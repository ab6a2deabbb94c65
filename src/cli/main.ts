import yargs, { type Argv } from 'yargs';
import type { Protocol } from '../report/result.js';
import { KNOWN_PROTOCOLS } from '../script/protocols.js';
import { MAILBOX_PREFIX } from '../script/setup/imap-setup.js';
import { isTransportError } from '../transport/errors.js';
import { ToolError, UsageError, describeError } from './errors.js';
import { ACCOUNT_OPTIONS, CONNECTION_OPTIONS, DELIVERY_OPTIONS, RESPONSE_LIMIT_OPTIONS, TLS_OPTIONS, VARIABLE_OPTIONS, checkLimits, collectVars, tlsSettingsOf } from './options.js';
import { packageVersion } from './paths.js';

const EPILOGUE = `Exit codes: 0 all cases passed (or were skipped), 1 the server failed a case (fuzz: a finding; replay: it still reproduces), 2 usage error, unreachable target, or the tool could not run, 130 interrupted (Ctrl-C): run finishes the cases in progress and their cleanup, fuzz the current run (findings so far are saved); the reports of what ran are written.
Docs: README.md and suites/README.md (the transcript language).`;

/**
 * Parses argv and runs one subcommand. Subcommand modules are imported lazily so `--help` and
 * `list` don't load the network or report code. Returns the exit code; never throws.
 */
export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = 0;
  const debug = argv.includes('--debug');
  const cli = yargs([...argv])
    .scriptName('mailconform')
    .usage('$0 <command> [options]\n\nConformance testing for SMTP, POP3 and IMAP servers: RFC-cited transcript suites,\nstrict reference clients, TAP on stdout, JUnit for CI.')
    .command(
      'run <protocol>',
      'run the conformance suites of one protocol against a server',
      (y: Argv) =>
        y
          .positional('protocol', { choices: KNOWN_PROTOCOLS, describe: 'which protocol the server speaks' })
          .options(CONNECTION_OPTIONS)
          .options(TLS_OPTIONS)
          .options(RESPONSE_LIMIT_OPTIONS)
          .options(VARIABLE_OPTIONS)
          .options(ACCOUNT_OPTIONS)
          .option('junit', { type: 'string', describe: 'also write a JUnit XML report to this file' })
          .option('tap', { type: 'string', describe: 'also save the TAP stream to this file (for `mailconform report`)' })
          .option('only', { type: 'string', array: true, default: [], describe: 'run only cases whose id contains this text or matches this *-pattern (repeatable)' })
          .option('concurrency', { type: 'number', default: 1, describe: 'cases run at once, each on its own connections (and IMAP mailbox); reports keep case order' })
          .option('shard', { type: 'string', describe: 'run shard i of n (e.g. 2/4): n processes with 1/n…n/n run every case exactly once' })
          .option('suites', { type: 'string', describe: 'suites directory (default: the suites shipped with mailconform); a fuzz --findings directory is one too: it holds each finding as a case' })
          .option('fixtures', { type: 'string', describe: 'fixtures directory (default: the fixtures shipped with mailconform)' })
          .example('$0 run smtp --host 127.0.0.1 --port 25 --junit reports/smtp.xml', 'all SMTP cases; TAP on stdout, JUnit in reports/')
          .example('$0 run smtp --host mx.example.test --rcpt postmaster@example.test', 'also run the delivery cases, sending test mail to that mailbox')
          .example('POP3_PASS=… $0 run pop3 --host 127.0.0.1 --user alice --password-env POP3_PASS', 'log in with a password from the environment')
          .epilogue(`IMAP: before the first case, case mailboxes named ${MAILBOX_PREFIX}mc<time><random>-… that a killed run left more than an hour ago are deleted (nothing else is); younger ones are named and kept.\n${EPILOGUE}`),
      async (args) => {
        const { runCommand } = await import('./commands/run.js');
        exitCode = await runCommand({
          protocol: args.protocol as Protocol,
          host: args.host as string,
          port: args.port,
          junit: args.junit,
          tap: args.tap,
          suites: args.suites,
          fixtures: args.fixtures,
          only: args.only.map(String),
          shard: args.shard,
          connectTimeout: args['connect-timeout'],
          timeout: args.timeout,
          stepTimeout: args['step-timeout'],
          maxLine: args['max-line'],
          maxResponse: args['max-response'],
          tls: tlsSettingsOf(args),
          implicitTls: args.tls,
          vars: collectVars(args),
          seedCommand: args['seed-command'],
          allowDestructive: args['allow-destructive'],
          concurrency: args.concurrency,
          color: process.stderr.isTTY === true,
        });
      },
    )
    .command(
      'fuzz <protocol>',
      'fuzz a server with fast-check: robustness and model-based properties, shrunk, replayable findings',
      (y: Argv) =>
        y
          .positional('protocol', { choices: KNOWN_PROTOCOLS, describe: 'which protocol the server speaks' })
          .options({ ...CONNECTION_OPTIONS, host: { type: 'string', describe: 'server host name or address (or use --spawn)' } })
          .options(TLS_OPTIONS)
          .options(VARIABLE_OPTIONS)
          .options(ACCOUNT_OPTIONS)
          .options(DELIVERY_OPTIONS)
          .option('spawn', { type: 'string', describe: 'start the server with this shell command ({port} is replaced by a free port); it is restarted when it dies, and a death is a finding' })
          .option('runs', { type: 'number', describe: 'stop after this many runs (default 100 when --duration is not given)' })
          .option('duration', { type: 'string', describe: 'stop after this long, e.g. 30s, 10m, 1h' })
          .option('seed', { type: 'number', describe: 'campaign seed (printed on every run; the same seed sends the same commands)' })
          .option('shard', { type: 'string', describe: 'run shard i of n (e.g. 2/4): n machines with one --seed share the campaign, no run twice' })
          .option('property', { type: 'string', array: true, default: [], describe: 'run only these properties (e.g. robustness, mailbox-model; repeatable)' })
          .option('max-commands', { type: 'number', default: 12, describe: 'most commands generated per run' })
          .option('findings', { type: 'string', default: 'reports/findings', describe: 'directory where findings are saved the moment they are confirmed' })
          .option('junit', { type: 'string', describe: 'write a JUnit XML report (one test per property) to this file' })
          .option('tap', { type: 'string', describe: 'save the TAP stream to this file' })
          .example('$0 fuzz imap --host 127.0.0.1 --port 143 --user u --password-env P --duration 10m --seed 42', 'a ten-minute IMAP campaign')
          .example("$0 fuzz smtp --spawn './my-smtpd --port {port}' --runs 5000", 'start the server, restart it when it crashes')
          .example(
            '$0 fuzz smtp --host 127.0.0.1 --port 25 --rcpt alice@example.test --deliver-pop3 127.0.0.1:110 --user alice --password-env P --property delivery',
            'send test mail to alice and check over POP3 that it arrives unchanged',
          ),
      async (args) => {
        const { fuzzCommand } = await import('./commands/fuzz.js');
        exitCode = await fuzzCommand({
          protocol: args.protocol as Protocol,
          ...(args.host !== undefined ? { host: args.host } : {}),
          ...(args.port !== undefined ? { port: args.port } : {}),
          tls: tlsSettingsOf(args),
          implicitTls: args.tls,
          ...(args.spawn !== undefined ? { spawn: args.spawn } : {}),
          ...(args.runs !== undefined ? { runs: args.runs } : {}),
          ...(args.duration !== undefined ? { duration: args.duration } : {}),
          ...(args.seed !== undefined ? { seed: args.seed } : {}),
          ...(args.shard !== undefined ? { shard: args.shard } : {}),
          properties: args.property.map(String),
          findings: args.findings,
          ...(args.junit !== undefined ? { junit: args.junit } : {}),
          ...(args.tap !== undefined ? { tap: args.tap } : {}),
          connectTimeout: args['connect-timeout'],
          timeout: args.timeout,
          maxCommands: args['max-commands'],
          vars: collectVars(args),
          ...(args['seed-command'] !== undefined ? { seedCommand: args['seed-command'] } : {}),
          allowDestructive: args['allow-destructive'],
          ...(args['deliver-pop3'] !== undefined ? { deliverPop3: args['deliver-pop3'] } : {}),
          deliveryTimeout: args['delivery-timeout'],
          tty: process.stderr.isTTY === true,
        });
      },
    )
    .command(
      'replay <finding>',
      'run a saved finding again and say whether it still reproduces (exit 1) or not (exit 0)',
      (y: Argv) =>
        y
          .positional('finding', { type: 'string', demandOption: true, describe: 'a finding file, e.g. reports/findings/<id>.json' })
          .option('host', { type: 'string', describe: 'replay against this host instead of the one saved' })
          .option('port', { type: 'number', describe: 'replay against this port instead of the one saved' })
          .option('spawn', { type: 'string', describe: 'start the server with this command first ({port} is replaced)' })
          .option('timeout', { type: 'number', describe: 'ms to wait for an answer (default: the campaign\'s)' })
          .options({ ca: TLS_OPTIONS.ca, insecure: TLS_OPTIONS.insecure, servername: TLS_OPTIONS.servername })
          .options({ 'password-env': ACCOUNT_OPTIONS['password-env'], password: ACCOUNT_OPTIONS.password }),
      async (args) => {
        const { replayCommand } = await import('./commands/replay.js');
        const vars = collectVars({ var: [], ...(args.password !== undefined ? { password: args.password } : {}), ...(args['password-env'] !== undefined ? { 'password-env': args['password-env'] } : {}) });
        const password = vars.get('password');
        exitCode = await replayCommand({
          finding: args.finding,
          ...(args.host !== undefined ? { host: args.host } : {}),
          ...(args.port !== undefined ? { port: args.port } : {}),
          ...(args.spawn !== undefined ? { spawn: args.spawn } : {}),
          ...(password !== undefined ? { password } : {}),
          ...(args.timeout !== undefined ? { timeout: args.timeout } : {}),
          tls: tlsSettingsOf(args),
        });
      },
    )
    .command(
      'list [protocol]',
      'list the cases with their RFC sections and requirement levels',
      (y: Argv) =>
        y
          .positional('protocol', { choices: KNOWN_PROTOCOLS, describe: 'only this protocol' })
          .option('suites', { type: 'string', describe: 'suites directory' })
          .option('fixtures', { type: 'string', describe: 'fixtures directory' })
          .option('json', { type: 'boolean', default: false, describe: 'print JSON' }),
      async (args) => {
        const { listCommand } = await import('./commands/list.js');
        exitCode = await listCommand({ protocol: args.protocol as Protocol | undefined, suites: args.suites, fixtures: args.fixtures, json: args.json });
      },
    )
    .command(
      'lint',
      'parse every suite file and report errors as file:line',
      (y: Argv) =>
        y.option('suites', { type: 'string', describe: 'suites directory (e.g. a fuzz --findings directory, to check its exported cases)' }).option('fixtures', { type: 'string', describe: 'fixtures directory' }),
      async (args) => {
        const { lintCommand } = await import('./commands/lint.js');
        exitCode = await lintCommand({ suites: args.suites, fixtures: args.fixtures });
      },
    )
    .command(
      'report <tap>',
      'turn a saved TAP stream back into JUnit XML (TAP is the record of a run)',
      (y: Argv) =>
        y
          .positional('tap', { type: 'string', demandOption: true, describe: 'TAP file written with --tap' })
          .option('junit', { type: 'string', describe: 'write JUnit XML to this file' })
          .example('$0 report reports/smtp.tap --junit reports/smtp.xml', ''),
      async (args) => {
        const { reportCommand } = await import('./commands/report.js');
        exitCode = await reportCommand({ tap: args.tap, junit: args.junit, color: process.stderr.isTTY === true });
      },
    )
    .option('debug', { type: 'boolean', describe: 'print stack traces of internal errors' })
    .check(checkLimits, true)
    .demandCommand(1, 'name a command: run, fuzz, replay, list, lint or report')
    .strict()
    .recommendCommands()
    .epilogue(EPILOGUE)
    .version(packageVersion())
    .help()
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .exitProcess(false)
    .fail((message: string | undefined, err: Error | undefined) => {
      throw err ?? new UsageError(message ?? 'invalid arguments');
    });

  try {
    await cli.parseAsync();
    return exitCode;
  } catch (err) {
    const hint = err instanceof UsageError ? ' (see mailconform --help)' : '';
    process.stderr.write(`mailconform: ${describeError(err)}${hint}\n`);
    if (debug && err instanceof Error && !(err instanceof UsageError) && !(err instanceof ToolError) && !isTransportError(err)) process.stderr.write(`${err.stack}\n`);
    return 2;
  }
}
