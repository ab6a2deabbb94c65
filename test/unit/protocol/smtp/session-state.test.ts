import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextSmtpState, SmtpState } from '../../../../src/protocol/smtp/session-state.js';

const { Greeting, Ready, Mail, Rcpt, Data, Closed } = SmtpState;

/** [from, verb, reply code, expected state] */
const TABLE: [SmtpState, string, number | undefined, SmtpState][] = [
  // HELO/EHLO open the session and reset any transaction (§4.1.1.1, §4.1.4).
  [Greeting, 'EHLO', 250, Ready],
  [Greeting, 'HELO', 250, Ready],
  [Greeting, 'ehlo', 250, Ready],
  [Rcpt, 'EHLO', 250, Ready],
  [Mail, 'HELO', 250, Ready],
  [Greeting, 'EHLO', 502, Greeting],
  [Greeting, 'EHLO', 550, Greeting],
  [Mail, 'EHLO', 501, Mail],
  // MAIL, RCPT, DATA (§3.3).
  [Ready, 'MAIL', 250, Mail],
  [Ready, 'mail', 250, Mail],
  [Ready, 'MAIL', 550, Ready],
  [Ready, 'MAIL', 451, Ready],
  [Mail, 'RCPT', 250, Rcpt],
  [Mail, 'RCPT', 251, Rcpt],
  [Mail, 'RCPT', 550, Mail],
  [Rcpt, 'RCPT', 250, Rcpt],
  [Rcpt, 'RCPT', 452, Rcpt],
  [Rcpt, 'DATA', 354, Data],
  [Rcpt, 'DATA', 554, Rcpt],
  [Mail, 'DATA', 503, Mail],
  // The end of mail data closes the transaction, accepted or not (§4.1.1.4).
  [Data, '.', 250, Ready],
  [Data, '.', 451, Ready],
  [Data, '.', 554, Ready],
  [Data, '.', 354, Data],
  // In DATA the client sends content: command words there are not commands.
  [Data, 'RSET', 250, Data],
  [Data, 'QUIT', 221, Data],
  [Ready, '.', 250, Ready],
  // RSET ends a transaction; before EHLO it is a NOOP (§4.1.1.5).
  [Mail, 'RSET', 250, Ready],
  [Rcpt, 'RSET', 250, Ready],
  [Ready, 'RSET', 250, Ready],
  [Greeting, 'RSET', 250, Greeting],
  [Rcpt, 'RSET', 500, Rcpt],
  // Commands that do not change the state.
  [Mail, 'NOOP', 250, Mail],
  [Rcpt, 'VRFY', 252, Rcpt],
  [Ready, 'HELP', 214, Ready],
  [Ready, 'XFOO', 500, Ready],
  // QUIT and 421 close (§3.8).
  [Ready, 'QUIT', 221, Closed],
  [Greeting, 'QUIT', 221, Closed],
  [Ready, 'QUIT', 500, Ready],
  [Ready, 'MAIL', 421, Closed],
  [Data, '.', 421, Closed],
  [Greeting, 'EHLO', 421, Closed],
  [Closed, 'EHLO', 250, Closed],
  // The state follows what the server accepted, even out of order.
  [Ready, 'RCPT', 250, Rcpt],
  [Ready, 'DATA', 354, Data],
  // Unreadable or out-of-range codes change nothing.
  [Ready, 'MAIL', undefined, Ready],
  [Ready, 'MAIL', 650, Ready],
  [Rcpt, 'DATA', 199, Rcpt],
];

describe('nextSmtpState', () => {
  for (const [from, verb, code, to] of TABLE) {
    it(`${from} + ${verb} → ${code ?? 'no code'} gives ${to}`, () => {
      assert.equal(nextSmtpState(from, verb, code), to);
    });
  }

  it('walks a whole session', () => {
    const steps: [string, number][] = [
      ['EHLO', 250],
      ['MAIL', 250],
      ['RCPT', 550],
      ['RCPT', 250],
      ['DATA', 354],
      ['.', 250],
      ['MAIL', 250],
      ['RSET', 250],
      ['QUIT', 221],
    ];
    const seen = [Greeting];
    for (const [verb, code] of steps) seen.push(nextSmtpState(seen.at(-1)!, verb, code));
    assert.deepEqual(seen, [Greeting, Ready, Mail, Mail, Rcpt, Data, Ready, Mail, Ready, Closed]);
  });
});
