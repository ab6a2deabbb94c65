import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SmtpEnvelopeModel } from '../../../src/model/smtp-envelope.js';
import { SMTP_MODEL_RULES as R } from '../../../src/model/smtp-model-rules.js';

const rules = (breaches: ReadonlyArray<{ rule: { rule: string } }>): string[] => breaches.map((b) => b.rule.rule);

/** A model in an open transaction with one accepted recipient. */
function withRecipient(): SmtpEnvelopeModel {
  const m = new SmtpEnvelopeModel();
  m.onHello('EHLO', 250);
  m.onMail(250);
  m.onRcpt('valid', 250);
  return m;
}

test('rejects RCPT before MAIL with anything but 503', () => {
  const m = new SmtpEnvelopeModel();
  assert.deepEqual(m.onRcpt('valid', 503), []);
  assert.deepEqual(rules(m.onRcpt('valid', 250)), [R.rcptBeforeMail.rule]);
  m.onHello('EHLO', 250);
  assert.deepEqual(rules(m.onRcpt('unknown-local', 550)), [R.rcptBeforeMail.rule]);
});

test('a refused MAIL opens no transaction; an accepted one does, before EHLO too (the server decides)', () => {
  const m = new SmtpEnvelopeModel();
  assert.deepEqual(m.onMail(503), []);
  assert.equal(m.transaction, 'none');
  assert.deepEqual(m.onMail(250), []);
  assert.equal(m.transaction, 'mail');
  assert.deepEqual(m.onRcpt('valid', 550), []);
});

test('MAIL inside a transaction: 503 keeps it, 250 starts a new one, anything else leaves the state open', () => {
  const kept = withRecipient();
  kept.onMail(503);
  assert.equal(kept.transaction, 'rcpt');
  const fresh = withRecipient();
  fresh.onMail(250);
  assert.equal(fresh.transaction, 'mail');
  const odd = withRecipient();
  odd.onMail(452);
  assert.equal(odd.transaction, 'unknown');
  assert.deepEqual(odd.onRcpt('valid', 250), [], 'nothing is asserted in an unknown state');
});

test('EHLO, RSET and the end of mail data each end the transaction, so RCPT then needs 503', () => {
  for (const end of [(m: SmtpEnvelopeModel) => m.onHello('HELO', 250), (m: SmtpEnvelopeModel) => m.onRset(250), (m: SmtpEnvelopeModel) => m.onDataEnd(554)]) {
    const m = withRecipient();
    end(m);
    assert.equal(m.transaction, 'none');
    assert.deepEqual(rules(m.onRcpt('valid', 250)), [R.rcptBeforeMail.rule]);
  }
});

test('a refused EHLO keeps the state and must use a code §4.1.4 lists', () => {
  const m = withRecipient();
  assert.deepEqual(m.onHello('EHLO', 501), []);
  assert.equal(m.transaction, 'rcpt');
  assert.deepEqual(rules(m.onHello('EHLO', 554)), [R.ehloRefusal.rule]);
  assert.deepEqual(m.onHello('HELO', 554), [], 'HELO refusals are not listed by §4.1.4');
});

test('DATA: 354 asks for content; a 2yz is never right; without recipients the server may refuse as it likes', () => {
  assert.deepEqual(withRecipient().onData(354), { breaches: [], sendContent: true });
  assert.deepEqual(rules(withRecipient().onData(250).breaches), [R.dataReply.rule]);
  const none = new SmtpEnvelopeModel();
  none.onHello('EHLO', 250);
  for (const code of [503, 554, 451]) assert.deepEqual(none.onData(code), { breaches: [], sendContent: false });
  assert.equal(none.transaction, 'none');
  assert.equal(none.onData(354).sendContent, true, '§3.3 lets a server say 354 and fail after the data');
});

test('DATA refused with 503 keeps the transaction; another refusal leaves it unknown', () => {
  const kept = withRecipient();
  kept.onData(503);
  assert.equal(kept.transaction, 'rcpt');
  const odd = withRecipient();
  odd.onData(451);
  assert.equal(odd.transaction, 'unknown');
});

test('RSET and NOOP must answer 250; before EHLO a 503 to NOOP or VRFY breaks only a SHOULD', () => {
  const m = new SmtpEnvelopeModel();
  assert.deepEqual(m.onRset(250), []);
  assert.deepEqual(rules(m.onRset(503)), [R.rset.rule]);
  const noop = m.onNoop(503);
  assert.deepEqual(rules(noop), [R.beforeEhlo.rule]);
  assert.equal(noop[0]?.rule.level, 'SHOULD');
  assert.deepEqual(rules(m.onVrfy(503)), [R.beforeEhlo.rule]);
  m.onHello('EHLO', 250);
  assert.deepEqual(rules(m.onNoop(503)), [R.noop.rule]);
  assert.deepEqual(m.onVrfy(503), []);
  assert.deepEqual(m.onVrfy(252), []);
});

test('RCPT TO:<Postmaster> must be accepted inside a transaction, and only there', () => {
  const m = new SmtpEnvelopeModel();
  m.onHello('EHLO', 250);
  m.onMail(250);
  assert.deepEqual(rules(m.onRcpt('postmaster', 550)), [R.postmaster.rule]);
  assert.deepEqual(m.onRcpt('off-domain', 554), [], 'relaying may be refused (§3.3)');
  assert.deepEqual(m.onRcpt('unknown-local', 550), []);
});

test('421 closes the session: nothing is asserted afterwards', () => {
  const m = new SmtpEnvelopeModel();
  assert.deepEqual(m.onNoop(421), []);
  assert.equal(m.closed, true);
  assert.deepEqual(m.onRset(500), []);
});
