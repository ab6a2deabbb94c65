import { readFileSync } from 'node:fs';
import type { Options } from 'yargs';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_MAX_LINE_LENGTH,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_READ_TIMEOUT_MS,
  DEFAULT_STEP_TIMEOUT_MS,
  type TlsSettings,
} from '../transport/connection.js';
import { UsageError } from './errors.js';

/** Where the target is and how long to wait for it; shared by every command that talks to a server. */
export const CONNECTION_OPTIONS = {
  host: { type: 'string', demandOption: true, describe: 'server host name or address' },
  port: { type: 'number', describe: 'server port (default: the protocol\'s, e.g. 25 for SMTP)' },
  'connect-timeout': { type: 'number', default: DEFAULT_CONNECT_TIMEOUT_MS, describe: 'ms to wait for the TCP connection' },
  timeout: { type: 'number', default: DEFAULT_READ_TIMEOUT_MS, describe: 'ms to wait for each server line before the case fails' },
  'max-line': { type: 'number', default: DEFAULT_MAX_LINE_LENGTH, describe: 'longest server line (bytes) the tool will buffer' },
} as const satisfies Record<string, Options>;

/** TLS: implicit TLS, and how the server's certificate is checked (also for STARTTLS in cases). */
export const TLS_OPTIONS = {
  tls: { type: 'boolean', default: false, describe: 'implicit TLS: handshake right after connecting (default port 465, 995 or 993)' },
  ca: { type: 'string', describe: 'PEM file of the CA (or self-signed certificate) to trust instead of the system\'s' },
  insecure: { type: 'boolean', default: false, describe: 'do not verify the server\'s certificate (the report says so); for test servers only' },
  servername: { type: 'string', describe: 'TLS server name (SNI) the certificate must carry (default: --host, unless it is an IP address)' },
} as const satisfies Record<string, Options>;

/** The TLS settings the flags describe; the CA file is read here, so a bad path is a usage error. */
export function tlsSettingsOf(args: { readonly ca?: string; readonly insecure: boolean; readonly servername?: string }): TlsSettings {
  let ca: Buffer | undefined;
  if (args.ca !== undefined) {
    try {
      ca = readFileSync(args.ca);
    } catch (err) {
      throw new UsageError(`--ca ${args.ca}: cannot read it (${err instanceof Error ? err.message : String(err)})`);
    }
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`--ca ${args.ca}: not a PEM certificate (no "-----BEGIN CERTIFICATE-----")`);
  }
  return { verify: !args.insecure, ...(ca ? { ca: [ca] } : {}), ...(args.servername !== undefined ? { servername: args.servername } : {}) };
}

/** How long one command's answer may take and how big it may be (run; fuzz keeps the defaults). */
export const RESPONSE_LIMIT_OPTIONS = {
  'step-timeout': {
    type: 'number',
    default: DEFAULT_STEP_TIMEOUT_MS,
    describe: 'ms a server may take to finish answering one command, all lines and literals together (bounds a server that drips bytes or floods lines)',
  },
  'max-response': {
    type: 'number',
    default: DEFAULT_MAX_RESPONSE_BYTES,
    describe: 'most bytes the tool reads in answer to one command; a case that needs more ends as an error naming this limit',
  },
} as const satisfies Record<string, Options>;

/** Values the transcripts use as ${name}. */
export const VARIABLE_OPTIONS = {
  rcpt: { type: 'string', describe: 'a mailbox that may receive test mail (${rcpt}); delivery cases are skipped without it' },
  rcpt2: { type: 'string', describe: 'a second such mailbox (${rcpt2}), for multi-recipient cases' },
  domain: { type: 'string', describe: 'a mail domain the server accepts (${domain}; default: the domain of --rcpt, else the greeting\'s host name)' },
  from: { type: 'string', describe: 'envelope sender (${from}; default mailconform@<client>)' },
  client: { type: 'string', describe: 'the name the tool gives in EHLO/HELO (${client}; default client.mailconform.test)' },
  var: { type: 'string', array: true, default: [], describe: 'any other transcript variable, as name=value (repeatable)' },
} as const satisfies Record<string, Options>;

/** The account the tool logs in to (POP3, IMAP), and what it may do there. */
export const ACCOUNT_OPTIONS = {
  user: { type: 'string', describe: 'user name to log in with (${user})' },
  'password-env': { type: 'string', describe: 'name of an environment variable holding the password (${password}); never shown in any report' },
  password: { type: 'string', describe: 'the password itself; WARNING: visible to other users in the process list — prefer --password-env' },
  'seed-command': {
    type: 'string',
    describe: 'shell command that stores the message given on stdin in the tested mailbox (e.g. "doveadm save -u alice"); cases that need known messages are skipped without it',
  },
  'allow-destructive': {
    type: 'boolean',
    default: false,
    describe: 'let destructive cases (POP3 DELE+QUIT) run on messages the tool did not create; off by default so no existing mail is ever deleted',
  },
} as const satisfies Record<string, Options>;

/** Where `fuzz smtp` reads its test mail back (the smtp.delivery property). */
export const DELIVERY_OPTIONS = {
  'deliver-pop3': {
    type: 'string',
    describe:
      'host:port of the POP3 server holding the --rcpt mailbox: smtp.delivery sends test mail by SMTP, reads it back there as --user (password from --password-env), compares it with what was sent, and deletes only those messages',
  },
  'delivery-timeout': { type: 'number', default: 10_000, describe: 'ms to wait for accepted test mail to show up in the --deliver-pop3 mailbox before that is a finding' },
} as const satisfies Record<string, Options>;

const POSITIVE_LIMITS = ['connect-timeout', 'timeout', 'step-timeout', 'max-line', 'max-response'] as const;

/** yargs check: every time and size limit given is a positive number (a typo must not mean "no limit"). */
export function checkLimits(argv: Readonly<Record<string, unknown>>): true {
  for (const name of POSITIVE_LIMITS) {
    const value = argv[name];
    if (value !== undefined && !(typeof value === 'number' && value > 0 && Number.isFinite(value))) throw new UsageError(`--${name} must be a positive number (got ${String(value)})`);
  }
  return true;
}

/** Secret variables: redacted from every result, report and log. */
export const SECRET_VARIABLES: ReadonlySet<string> = new Set(['password']);

type VariableArgs = { readonly [K in Exclude<keyof typeof VARIABLE_OPTIONS, 'var'>]?: string } & {
  readonly var: readonly (string | number)[];
  readonly user?: string;
  readonly password?: string;
  readonly 'password-env'?: string;
};

/** Named variable flags plus --var name=value pairs, as transcript bindings. */
export function collectVars(args: VariableArgs): Map<string, string> {
  const vars = new Map<string, string>();
  for (const entry of args.var.map(String)) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new UsageError(`--var takes name=value, got "${entry}"`);
    vars.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  for (const name of ['rcpt', 'rcpt2', 'domain', 'from', 'client', 'user'] as const) {
    const value = args[name];
    if (value !== undefined) vars.set(name, value);
  }
  const password = readPassword(args);
  if (password !== undefined) vars.set('password', password);
  return vars;
}

function readPassword(args: VariableArgs): string | undefined {
  if (args.password !== undefined && args['password-env'] !== undefined) throw new UsageError('give --password or --password-env, not both');
  if (args.password !== undefined) return args.password;
  const name = args['password-env'];
  if (name === undefined) return undefined;
  const value = process.env[name];
  if (value === undefined || value === '') throw new UsageError(`--password-env ${name}: the environment variable ${name} is not set`);
  return value;
}
