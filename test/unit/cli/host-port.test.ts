import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseHostPort } from '../../../src/cli/host-port.js';

test('host:port, [v6]:port, and a host alone with the default port', () => {
  assert.deepEqual(parseHostPort('--x', '127.0.0.1:1110', 110), { host: '127.0.0.1', port: 1110 });
  assert.deepEqual(parseHostPort('--x', 'mail.example.test', 110), { host: 'mail.example.test', port: 110 });
  assert.deepEqual(parseHostPort('--x', '[::1]:995', 110), { host: '::1', port: 995 });
  assert.deepEqual(parseHostPort('--x', '[::1]', 110), { host: '::1', port: 110 });
});

test('bad values are one-line errors naming the option', () => {
  for (const bad of ['', ':110', '127.0.0.1:', '127.0.0.1:pop', '127.0.0.1:0', '127.0.0.1:65536', '::1:110', 'a b:1', '127.0.0.1:110:1']) {
    const parsed = parseHostPort('--deliver-pop3', bad, 110);
    assert.ok('error' in parsed, bad);
    assert.match(parsed.error, /^--deliver-pop3 takes host:port, e\.g\. 127\.0\.0\.1:110 \(got ".*"\)$/, bad);
  }
});
