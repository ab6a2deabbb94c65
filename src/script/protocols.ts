import { probeImap } from '../protocol/imap/probe.js';
import { probePop3 } from '../protocol/pop3/probe.js';
import { probeSmtp } from '../protocol/smtp/probe.js';
import type { Protocol } from '../report/result.js';
import type { ConnectOptions } from '../transport/connection.js';
import { imapAdapter } from './adapters/imap-adapter.js';
import { pop3Adapter } from './adapters/pop3-adapter.js';
import { smtpAdapter } from './adapters/smtp-adapter.js';
import { sweepImapLeftovers } from './setup/imap-leftovers.js';
import { prepareImapCase } from './setup/imap-setup.js';
import { preparePop3Case } from './setup/pop3-setup.js';
import { createSuiteRunner, type SuiteRunner } from './suite-runner.js';

/** EHLO argument when the user gives none: a name under the reserved .test TLD (RFC 2606). */
export const DEFAULT_CLIENT_DOMAIN = 'client.mailconform.test';

/** A password that is surely not the account's, for cases that check a refused login. */
const WRONG_PASSWORD = 'mailconform-not-the-password';

/** Defaults every protocol's messages use: the client's name and the sender; a wrong password. */
function withMessageDefaults(vars: ReadonlyMap<string, string>): Map<string, string> {
  const complete = new Map(vars);
  complete.set('client', vars.get('client') ?? DEFAULT_CLIENT_DOMAIN);
  complete.set('from', vars.get('from') ?? `mailconform@${complete.get('client')}`);
  const password = vars.get('password');
  if (password !== undefined) complete.set('wrong-password', password === WRONG_PASSWORD ? `${WRONG_PASSWORD}-2` : WRONG_PASSWORD);
  return complete;
}

/** POP3 and IMAP: seeded messages are addressed to the tested account. */
function withAccountDefaults(vars: ReadonlyMap<string, string>): Map<string, string> {
  const complete = withMessageDefaults(vars);
  if (!complete.has('rcpt') && vars.has('user')) complete.set('rcpt', vars.get('user')!);
  return complete;
}

const smtp = createSuiteRunner({
  adapter: smtpAdapter,
  defaultPort: 25,
  // RFC 8314 §7.3: submissions (implicit TLS) is 465.
  defaultTlsPort: 465,
  async probe(options, vars) {
    const probe = await probeSmtp(options, vars.get('client') ?? DEFAULT_CLIENT_DOMAIN);
    const keywords = [...probe.keywords].map(([k, params]) => [k, ...params].join(' '));
    return {
      properties: { greeting: probe.greeting, 'ehlo.keywords': keywords.join(', ') },
      // EHLO itself counts as a capability: a HELO-only server skips EHLO-based cases. SASL
      // mechanisms are named as IMAP does (AUTH=PLAIN), so a case can require one (RFC 4954 §3).
      capabilities: new Set([...probe.keywords.keys(), ...(probe.ehloCode === 250 ? ['EHLO'] : []), ...mechanisms('AUTH', probe.keywords.get('AUTH'))]),
    };
  },
  completeVars(vars) {
    const complete = withMessageDefaults(vars);
    // A domain the server accepts mail for: given, else the rcpt's. Not guessed from the greeting:
    // a host name (mail.example.test) is often not a mail domain, and a wrong guess fails cases falsely.
    const domain = vars.get('domain') ?? vars.get('rcpt')?.split('@')[1];
    if (domain) complete.set('domain', domain);
    return complete;
  },
});

/** "AUTH=PLAIN", "AUTH=LOGIN", … from a keyword's parameters. */
function mechanisms(keyword: string, params: readonly string[] | undefined): string[] {
  return (params ?? []).map((mechanism) => `${keyword}=${mechanism.toUpperCase()}`);
}

function credentialsOf(vars: ReadonlyMap<string, string>): { user: string; pass: string } | undefined {
  const user = vars.get('user');
  const pass = vars.get('password');
  return user !== undefined && pass !== undefined ? { user, pass } : undefined;
}

/** A refused login would turn every case into a failure that says nothing about the server: stop instead. */
function requireLogin<T extends { readonly authenticated: boolean }>(probe: T, target: ConnectOptions, credentials: { user: string } | undefined): T {
  if (credentials && !probe.authenticated) throw new Error(`${target.host}:${target.port} refused the login for ${credentials.user}: check --user and the password`);
  return probe;
}

const pop3 = createSuiteRunner({
  adapter: pop3Adapter,
  defaultPort: 110,
  defaultTlsPort: 995,
  async probe(options, vars) {
    const credentials = credentialsOf(vars);
    const probe = requireLogin(await probePop3(options, credentials), options, credentials);
    const capabilities = [...probe.capabilities].map(([tag, params]) => [tag, ...params].join(' '));
    return {
      properties: { greeting: probe.greeting, 'capa': probe.capaSupported ? capabilities.join(', ') : '(CAPA not supported)', authenticated: String(probe.authenticated) },
      // APOP is announced by the greeting's timestamp (RFC 2449 §6), CAPA by answering it.
      // SASL mechanisms as SASL=PLAIN (RFC 2449 §6.3 lists them after the SASL tag), for cases to require.
      capabilities: new Set([...probe.capabilities.keys(), ...(probe.apopTimestamp ? ['APOP'] : []), ...(probe.capaSupported ? ['CAPA'] : []), ...mechanisms('SASL', probe.capabilities.get('SASL'))]),
    };
  },
  completeVars: withAccountDefaults,
  prepareCase: preparePop3Case,
  // Every case works on the account's one maildrop: the server locks it for a session (RFC 1939 §4),
  // and one case's seeded messages would show up in another's STAT and LIST.
  maxConcurrency: 1,
});

const imap = createSuiteRunner({
  adapter: imapAdapter,
  defaultPort: 143,
  defaultTlsPort: 993,
  async probe(options, vars) {
    const credentials = credentialsOf(vars);
    const probe = requireLogin(await probeImap(options, credentials), options, credentials);
    return { properties: { greeting: probe.greeting, capabilities: [...probe.capabilities].join(' ') }, capabilities: probe.capabilities };
  },
  completeVars: withAccountDefaults,
  prepareCase: prepareImapCase,
  prepareRun: (context) => sweepImapLeftovers(context),
});

/** Protocols with suites, by name. */
export const SUITE_RUNNERS: Readonly<Partial<Record<Protocol, SuiteRunner>>> = { smtp, pop3, imap };

export const KNOWN_PROTOCOLS: readonly Protocol[] = ['smtp', 'pop3', 'imap'];
