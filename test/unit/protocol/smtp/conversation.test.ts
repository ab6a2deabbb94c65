import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SmtpConversation } from '../../../../src/protocol/smtp/conversation.js';
import { framedLine } from '../../../helpers/framed-lines.js';

const send = (c: SmtpConversation, text: string): void => c.onSend(Buffer.from(text, 'latin1'));
/** Feeds server lines; the rules violated by the replies they complete. */
const feed = (c: SmtpConversation, ...lines: string[]): string[] => lines.flatMap((l) => c.onLine(framedLine(`${l}\r\n`)).violations.map((v) => v.rule));

test('BDAT: the chunk\'s octets are data, CRLFs included, and the command owes one reply (RFC 3030 §2)', () => {
  const c = new SmtpConversation();
  feed(c, '220 ready');
  send(c, 'BDAT 12 LAST\r\nNOOP\r\nNOOP\r\n');
  assert.equal(c.awaitingLines(), true);
  feed(c, '250 2.0.0 Ok: queued');
  assert.equal(c.awaitingLines(), false, 'the NOOP lines inside the chunk owe nothing');
  send(c, 'BDAT 5\r\nab');
  send(c, 'c\r\nQUIT\r\n');
  feed(c, '250 2.0.0 Ok: 5 octets');
  assert.equal(c.awaitingLines(), true, 'QUIT after the chunk is a command again');
});

test('STARTTLS: EHLO over TLS must not list STARTTLS (RFC 3207 §4.2), and commands pipelined behind it owe nothing', () => {
  const c = new SmtpConversation();
  feed(c, '220 ready');
  send(c, 'STARTTLS\r\nNOOP\r\n');
  feed(c, '220 2.0.0 Ready to start TLS');
  c.onTlsStarted();
  assert.equal(c.awaitingLines(), false, 'the NOOP was the server\'s to discard');
  send(c, 'EHLO client.test\r\n');
  assert.deepEqual(feed(c, '250-mail.example.test', '250-STARTTLS', '250 PIPELINING'), ['STARTTLS.after-tls']);
  send(c, 'EHLO client.test\r\n');
  assert.deepEqual(feed(c, '250-mail.example.test', '250 PIPELINING'), []);
});

test('before TLS, STARTTLS in EHLO is fine', () => {
  const c = new SmtpConversation();
  feed(c, '220 ready');
  send(c, 'EHLO client.test\r\n');
  assert.deepEqual(feed(c, '250-mail.example.test', '250 STARTTLS'), []);
});
