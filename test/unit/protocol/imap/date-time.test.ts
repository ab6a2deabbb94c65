import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDateTime } from '../../../../src/protocol/imap/date-time.js';
import { located, parseWire } from './parse-wire.js';

/** Violations of INTERNALDATE "<content>" (the content starts at offset 25). */
const check = (content: string): Array<[string, string, number]> => located(parseWire(`* 1 FETCH (INTERNALDATE "${content}")\r\n`).violations);

describe('date-time (§9: DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE)', () => {
  it('accepts both date-day-fixed forms and month names in any case (§9 Note 1)', () => {
    assert.deepEqual(check('17-Jul-1996 02:44:25 -0700'), []);
    assert.deepEqual(check(' 7-Jul-1996 02:44:25 -0700'), []);
    assert.deepEqual(check('07-JUL-1996 02:44:25 +0000'), []);
    assert.deepEqual(check('29-Feb-2024 23:59:60 +1400'), []);
  });

  it('reports each field at its octet', () => {
    assert.deepEqual(check('7-Jul-1996 02:44:25 -0700'), [['date-day-fixed', '9', 25]]);
    assert.deepEqual(check('17-Jux-1996 02:44:25 -0700'), [['date-month', '9', 28]]);
    assert.deepEqual(check('17-Jul-96 02:44:25 -0700'), [['date-year', '9', 32]]);
    assert.deepEqual(check('17-Jul-1996 2:44:25 -0700'), [['time', '9', 37]]);
    assert.deepEqual(check('17-Jul-1996 02:44:25 PDT'), [['zone', '9', 46]]);
    assert.deepEqual(check('17-Jul-1996 02:44:25 +700'), [['zone', '9', 46]]);
    assert.deepEqual(check('17-Jul-1996 02:44:25 -0700 x'), [['date-time', '9', 51]]);
  });

  it('reports values out of range but keeps them: day 30 of February, hour 24, zone minutes 60', () => {
    assert.deepEqual(check('30-Feb-2024 02:44:25 -0700'), [['date-day-fixed', '9', 25]]);
    assert.deepEqual(check('01-Feb-2024 24:00:00 -0700'), [['time', '9', 37]]);
    assert.deepEqual(check('01-Feb-2024 02:00:00 -0060'), [['zone', '9', 46]]);
  });

  it('reports a date-time sent as a literal (its DQUOTEs are part of the rule)', () => {
    assert.deepEqual(located(parseWire('* 1 FETCH (INTERNALDATE {26}\r\n17-Jul-1996 02:44:25 -0700)\r\n').violations), [['date-time', '9', 24]]);
  });

  it('formats the canonical form', () => {
    assert.equal(formatDateTime({ year: 1996, month: 7, day: 7, hour: 2, minute: 4, second: 5, zone: '-0700' }), '07-Jul-1996 02:04:05 -0700');
  });
});
