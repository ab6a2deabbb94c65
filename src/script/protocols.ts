import { probeSmtp } from '../protocol/smtp/probe.js';
import type { Protocol } from '../report/result.js';
import { smtpAdapter } from './adapters/smtp-adapter.js';
import { createSuiteRunner, type SuiteRunner } from './suite-runner.js';

/** EHLO argument when the user gives none: a name under the reserved .test TLD (RFC 2606). */
export const DEFAULT_CLIENT_DOMAIN = 'client.mailconform.test';

const smtp = createSuiteRunner({
  adapter: smtpAdapter,
  defaultPort: 25,
  async probe(options, vars) {
    const probe = await probeSmtp(options, vars.get('client') ?? DEFAULT_CLIENT_DOMAIN);
    const keywords = [...probe.keywords].map(([k, params]) => [k, ...params].join(' '));
    return {
      properties: { greeting: probe.greeting, 'ehlo.keywords': keywords.join(', ') },
      // EHLO itself counts as a capability: a HELO-only server skips EHLO-based cases.
      capabilities: new Set([...probe.keywords.keys(), ...(probe.ehloCode === 250 ? ['EHLO'] : [])]),
    };
  },
  completeVars(vars) {
    const complete = new Map(vars);
    complete.set('client', vars.get('client') ?? DEFAULT_CLIENT_DOMAIN);
    complete.set('from', vars.get('from') ?? `mailconform@${complete.get('client')}`);
    // A domain the server accepts mail for: given, else the rcpt's. Not guessed from the greeting:
    // a host name (mail.example.test) is often not a mail domain, and a wrong guess fails cases falsely.
    const domain = vars.get('domain') ?? vars.get('rcpt')?.split('@')[1];
    if (domain) complete.set('domain', domain);
    return complete;
  },
});

/** Protocols with suites, by name. POP3 and IMAP plug in here. */
export const SUITE_RUNNERS: Readonly<Partial<Record<Protocol, SuiteRunner>>> = { smtp };

export const KNOWN_PROTOCOLS: readonly Protocol[] = ['smtp', 'pop3', 'imap'];
