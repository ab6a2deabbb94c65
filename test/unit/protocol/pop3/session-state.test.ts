import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pop3Status } from '../../../../src/protocol/pop3/parse-status-line.js';
import { nextPendingUser, nextPop3State, Pop3State } from '../../../../src/protocol/pop3/session-state.js';

const { Authorization, Transaction, Update, Closed } = Pop3State;

/** [from, command, status, expected state] */
const TABLE: [Pop3State, string, Pop3Status | undefined, Pop3State][] = [
  // USER keeps AUTHORIZATION; PASS, APOP and AUTH +OK open the maildrop (§4, §7, RFC 5034 §4).
  [Authorization, 'USER mrose', '+OK', Authorization],
  [Authorization, 'PASS secret', '+OK', Transaction],
  [Authorization, 'pass secret', '+OK', Transaction],
  [Authorization, 'APOP mrose c4c9334bac560ecc979e58001b3e22fb', '+OK', Transaction],
  [Authorization, 'AUTH PLAIN', '+OK', Transaction],
  [Authorization, 'AUTH', '+OK', Authorization],
  // -ERR leaves the state (§4: "the POP3 session remains in the AUTHORIZATION state").
  [Authorization, 'USER mrose', '-ERR', Authorization],
  [Authorization, 'PASS secret', '-ERR', Authorization],
  [Authorization, 'APOP mrose x', '-ERR', Authorization],
  [Authorization, 'AUTH PLAIN', '-ERR', Authorization],
  // An unrecognised status confirms nothing.
  [Authorization, 'PASS secret', undefined, Authorization],
  // QUIT in AUTHORIZATION ends the session without UPDATE (§6).
  [Authorization, 'QUIT', '+OK', Closed],
  [Authorization, 'QUIT', '-ERR', Authorization],
  // QUIT in TRANSACTION enters UPDATE, whose response may be -ERR (§6).
  [Transaction, 'QUIT', '+OK', Update],
  [Transaction, 'QUIT', '-ERR', Update],
  // TRANSACTION commands keep the state, accepted or not.
  [Transaction, 'STAT', '+OK', Transaction],
  [Transaction, 'LIST', '+OK', Transaction],
  [Transaction, 'RETR 1', '+OK', Transaction],
  [Transaction, 'DELE 1', '+OK', Transaction],
  [Transaction, 'RSET', '+OK', Transaction],
  [Transaction, 'NOOP', '-ERR', Transaction],
  // Authentication commands accepted in TRANSACTION (a 'command.state' violation) change nothing.
  [Transaction, 'PASS secret', '+OK', Transaction],
  [Transaction, 'AUTH PLAIN', '+OK', Transaction],
  // CAPA is valid in both states and changes neither (RFC 2449 §5).
  [Authorization, 'CAPA', '+OK', Authorization],
  [Transaction, 'CAPA', '+OK', Transaction],
  // Closed is final.
  [Closed, 'PASS secret', '+OK', Closed],
  [Closed, 'QUIT', '+OK', Closed],
];

describe('nextPop3State', () => {
  for (const [from, command, status, to] of TABLE) {
    it(`${from} --${command} ${status ?? '(no status)'}--> ${to}`, () => {
      assert.equal(nextPop3State(from, command, status), to);
    });
  }
});

describe('nextPendingUser', () => {
  it('records the name a successful USER gives', () => {
    assert.equal(nextPendingUser('USER mrose', '+OK'), 'mrose');
    assert.equal(nextPendingUser('user mrose', '+OK'), 'mrose');
  });

  it('forgets it after a failed USER or any other command ("immediately after", §7)', () => {
    assert.equal(nextPendingUser('USER mrose', '-ERR'), undefined);
    assert.equal(nextPendingUser('CAPA', '+OK'), undefined);
    assert.equal(nextPendingUser('PASS secret', '-ERR'), undefined);
  });
});
