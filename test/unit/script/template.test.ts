import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeEscapes, renderTemplate, templateVariables } from '../../../src/script/template.js';

test('fills variables, repeats text, keeps $${ literal', () => {
  const bindings = new Map([['rcpt', 'alice@example.test']]);
  assert.deepEqual(renderTemplate('RCPT TO:<${rcpt}>', bindings), { text: 'RCPT TO:<alice@example.test>', derivedSecrets: [] });
  assert.deepEqual(renderTemplate('NOOP ${repeat:ab:3}', bindings), { text: 'NOOP ababab', derivedSecrets: [] });
  assert.deepEqual(renderTemplate('say $${rcpt}', bindings), { text: 'say ${rcpt}', derivedSecrets: [] });
  assert.deepEqual(renderTemplate('${nope}', bindings), { missing: 'nope' });
  assert.deepEqual(templateVariables('${a} ${repeat:x:2} ${b}'), ['a', 'b']);
  assert.ok('error' in (templateVariables('${1bad}') as object));
});

test('raw lines decode escapes to exact bytes and refuse non-ASCII characters', () => {
  assert.deepEqual(decodeEscapes('NOOP\\n\\x00\\xff\\\\'), Buffer.from([...Buffer.from('NOOP'), 0x0a, 0x00, 0xff, 0x5c]));
  assert.ok('error' in decodeEscapes('caf\u00e9'));
  assert.ok('error' in decodeEscapes('\\q'));
});

test('md5hex digests the named variables, as APOP needs (RFC 1939 §7 example), and marks digests of secrets secret', () => {
  const bindings = new Map([
    ['ts', '<1896.697170952@dbc.mtview.ca.us>'],
    ['password', 'tanstaaf'],
  ]);
  const digest = 'c4c9334bac560ecc979e58001b3e22fb';
  assert.deepEqual(renderTemplate('APOP mrose ${md5hex:ts,password}', bindings, (name) => name === 'password'), { text: `APOP mrose ${digest}`, derivedSecrets: [digest] });
  assert.deepEqual(renderTemplate('${md5hex:ts,password}', bindings).hasOwnProperty('text'), true);
  assert.deepEqual(renderTemplate('${md5hex:ts,nope}', bindings), { missing: 'nope' });
  assert.deepEqual(templateVariables('APOP ${user} ${md5hex:apop.timestamp,password}'), ['user', 'apop.timestamp', 'password']);
});

test('quoted gives an IMAP quoted string (RFC 3501 §4.3), secret when its variable is', () => {
  const bindings = new Map([['user', 'alice'], ['password', 'p w"x\\y']]);
  const secret = (name: string): boolean => name === 'password';
  assert.deepEqual(renderTemplate('a1 LOGIN ${user} ${quoted:password}', bindings, secret), { text: 'a1 LOGIN alice "p w\\"x\\\\y"', derivedSecrets: ['"p w\\"x\\\\y"'] });
  assert.deepEqual(templateVariables('${quoted:password}'), ['password']);
  const refused = renderTemplate('${quoted:password}', new Map([['password', 'a\r\nb']]), secret);
  assert.ok('error' in refused && /cannot hold/.test(refused.error) && !refused.error.includes('a\r\nb'), JSON.stringify(refused));
});

test('SASL helpers: base64, PLAIN (RFC 4616 §2) and CRAM-MD5 (the RFC 2195 §2 example), all secret when built from a secret', () => {
  const secret = (name: string): boolean => name === 'password';
  const bindings = new Map([['user', 'tim'], ['password', 'tanstaaftanstaaf'], ['challenge', 'PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+']]);
  assert.deepEqual(renderTemplate('${crammd5:user,password,challenge}', bindings, secret), {
    text: 'dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw',
    derivedSecrets: ['dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw'],
  });
  const plain = renderTemplate('AUTH PLAIN ${saslplain:user,password}', bindings, secret);
  assert.ok('text' in plain);
  assert.equal(Buffer.from(plain.text.split(' ')[2]!, 'base64').toString(), '\0tim\0tanstaaftanstaaf');
  assert.deepEqual(renderTemplate('${base64:user}', bindings, secret), { text: 'dGlt', derivedSecrets: [] });
  assert.deepEqual(renderTemplate('${saslplain:user}', bindings), { error: '${saslplain:user}: saslplain takes 2 variable(s), got 1' });
  assert.match(JSON.stringify(templateVariables('${nosuch:user}')), /unknown function/);
});

test('octets gives a value\'s length in bytes, for IMAP literal counts', () => {
  assert.deepEqual(renderTemplate('LOGIN {${octets:user}}', new Map([['user', 'alïce']])), { text: 'LOGIN {6}', derivedSecrets: [] });
  assert.deepEqual(templateVariables('{${octets:user}}'), ['user']);
});
