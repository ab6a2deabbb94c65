import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { FUZZ_PROPERTIES } from '../../src/fuzz/properties/registry.js';
import type { Protocol } from '../../src/report/result.js';
import { detectFault, type DetectionPlan } from '../detection/detect-fault.js';
import { startDetectionLab, type DetectionLab } from '../detection/detection-lab.js';
import type { Fault } from '../helpers/fault-proxy/fault.js';
import { FAULTS, findFault } from '../helpers/fault-proxy/faults.js';

// Detection power cannot silently regress: every fault that names its detectors (detectedBy) is
// caught by each of them, and the same detectors pass against the clean servers. The full matrix,
// every case and property against every fault, is `npm run detect`.

const PROTOCOLS: readonly Protocol[] = ['smtp', 'pop3', 'imap'];
const MIN_FAULTS = 15;
let lab: DetectionLab;

before(async () => {
  lab = await startDetectionLab();
});

after(async () => {
  await lab?.stop();
});

const covered = FAULTS.filter((f): f is Fault & { protocol: Protocol; detectedBy: readonly string[] } => f.protocol !== 'any' && (f.detectedBy?.length ?? 0) > 0);
const isProperty = (protocol: Protocol, id: string): boolean => FUZZ_PROPERTIES[protocol].some((p) => p.name === id);

/** Just the named detectors: their cases, and their properties in a short campaign that stops at the first finding. */
function planFor(protocol: Protocol, detectors: readonly string[]): DetectionPlan {
  const cases = detectors.filter((id) => !isProperty(protocol, id));
  const properties = detectors.filter((id) => isProperty(protocol, id));
  return {
    cases: cases.length > 0 ? cases : 'none',
    properties: properties.length > 0 ? properties : 'none',
    fuzz: { seed: 1, runs: 100, durationMs: 30_000 },
    stopAtFirstFinding: true,
  };
}

test(`at least ${MIN_FAULTS} faults name their detectors, each a known case or property`, () => {
  assert.ok(covered.length >= MIN_FAULTS, `${covered.length} faults have detectedBy`);
  for (const fault of covered) for (const id of fault.detectedBy) assert.ok(id.startsWith(`${fault.protocol}.`), `${fault.name}: ${id} is not a ${fault.protocol} detector`);
});

test('the STARTTLS injection and SMTP smuggling faults are among them', () => {
  const names = covered.map((f) => f.name);
  for (const name of ['smtp.starttls-injection', 'pop3.stls-injection', 'imap.starttls-injection', 'smtp.lax-end-of-data']) assert.ok(names.includes(name), `${name} names its detectors`);
});

for (const fault of covered) {
  test(`${fault.name} is caught by ${fault.detectedBy.join(', ')}`, { timeout: 120_000 }, async () => {
    const plan = planFor(fault.protocol, fault.detectedBy);
    const outcome = await detectFault(fault, lab.servers[fault.protocol], plan);
    if (plan.cases !== 'none') assert.ok(outcome.triggered > 0, 'the fault fired during the cases');
    const caught = new Set(outcome.detections.map((d) => d.id));
    const missed = fault.detectedBy.filter((id) => !caught.has(id));
    assert.deepEqual(missed, [], `missed by ${missed.join(', ')}; detections: ${outcome.detections.map((d) => `${d.id}: ${d.message}`).join('; ') || 'none'}; errors: ${outcome.errors.join(', ')}`);
    // The fault's own rule is among what was reported, or a symptom names its section: either way, a rule with a section.
    assert.ok(outcome.detections.every((d) => d.ref !== undefined), 'every detection cites an RFC section');
  });
}

for (const protocol of PROTOCOLS) {
  test(`the ${protocol} detectors find nothing on the clean server`, { timeout: 120_000 }, async () => {
    const detectors = [...new Set(covered.filter((f) => f.protocol === protocol).flatMap((f) => f.detectedBy))];
    if (detectors.length === 0) return;
    const plan = { ...planFor(protocol, detectors), properties: 'none' as const };
    const outcome = await detectFault(findFault('passthrough'), lab.servers[protocol], plan);
    assert.deepEqual(outcome.detections.map((d) => `${d.id}: ${d.message}`), []);
    assert.deepEqual(outcome.errors, []);
  });
}
