import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildFinding, saveSettings } from '../../../src/fuzz/campaign/build-finding.js';
import { FuzzFailure } from '../../../src/fuzz/fuzz-failure.js';
import type { FuzzProperty, FuzzSettings } from '../../../src/fuzz/fuzz-property.js';
import { restoreSettings } from '../../../src/fuzz/replay.js';

const LINKED_PASSWORD = 'linked-Secret-9';
const settings: FuzzSettings = {
  protocol: 'smtp',
  endpoint: { host: '127.0.0.1', port: 25 },
  vars: new Map([['rcpt', 'alice@example.test']]),
  answerTimeoutMs: 1000,
  connectTimeoutMs: 1000,
  allowDestructive: false,
  namespace: 'n',
  maxCommands: 5,
  linked: { protocol: 'pop3', endpoint: { host: '127.0.0.1', port: 110 }, user: 'alice', password: LINKED_PASSWORD, deliveryTimeoutMs: 4000 },
};

test('the linked mailbox is saved without its password and restored with the replay\'s', () => {
  const saved = saveSettings(settings);
  assert.deepEqual(saved.linked, { protocol: 'pop3', host: '127.0.0.1', port: 110, user: 'alice', deliveryTimeoutMs: 4000 });
  assert.ok(!JSON.stringify(saved).includes(LINKED_PASSWORD));
  assert.deepEqual(restoreSettings(saved, { password: 'p2' }).linked, { ...settings.linked, password: 'p2' });
  assert.equal(restoreSettings(saved, {}).linked?.password, undefined);
  assert.equal(restoreSettings(saveSettings({ ...settings, linked: undefined }), {}).linked, undefined);
});

test('a finding redacts the linked mailbox\'s password from its transcript', () => {
  const property = { name: 'smtp.delivery', protocol: 'smtp', describeInput: (i: unknown) => i } as unknown as FuzzProperty<unknown>;
  const failure = new FuzzFailure({ kind: 'model', message: 'm', level: 'MUST', transcript: [{ session: 'pop3', dir: 'C', text: `PASS ${LINKED_PASSWORD}`, atMs: 1 }] });
  const finding = buildFinding(failure, [], { property, settings, target: 't', seed: 1, path: '0', replayPath: undefined, shrinks: 0, toolVersion: 'v' }, undefined);
  assert.ok(!JSON.stringify(finding).includes(LINKED_PASSWORD));
});
