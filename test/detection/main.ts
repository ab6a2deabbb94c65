/**
 * `npm run detect`: the detection matrix. Every fault of the catalogue in a proxy in front of the
 * real servers, each protocol's suites and a short seeded fuzz campaign against it, and the same
 * against the clean servers (precision). Writes reports/detection.json and reports/detection.md.
 *   node dist/test/detection/main.js [--only FAULT]... [--protocol P] [--no-fuzz] [--seed N] [--fuzz-runs N] [--fuzz-seconds N] [--out DIR] [--update]
 * --update keeps the rows of the protocols not run now from the DIR/detection.json already there.
 * Exit 0 when every fault is detected and the clean servers give no false positive, else 1; 2 on bad usage.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Protocol } from '../../src/report/result.js';
import type { Fault } from '../helpers/fault-proxy/fault.js';
import { FAULTS, findFault } from '../helpers/fault-proxy/faults.js';
import { detectFault, type Detection, type DetectionPlan, type FaultOutcome } from './detect-fault.js';
import { startDetectionLab } from './detection-lab.js';
import { buildMatrix, matrixMarkdown, matrixRow, type DetectionMatrix, type MatrixRow, type ProtocolScore } from './detection-matrix.js';

const PROTOCOLS: readonly Protocol[] = ['smtp', 'pop3', 'imap'];

function usage(message: string): never {
  process.stderr.write(`detect: ${message}\nusage: npm run detect -- [--only FAULT]... [--protocol smtp|pop3|imap] [--no-fuzz] [--seed N] [--fuzz-runs N] [--fuzz-seconds N] [--out DIR] [--update]\n`);
  process.exit(2);
}

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) usage(`--${name} must be a positive whole number (got ${text})`);
  return n;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string', multiple: true },
      protocol: { type: 'string' },
      'no-fuzz': { type: 'boolean' },
      seed: { type: 'string' },
      'fuzz-runs': { type: 'string' },
      'fuzz-seconds': { type: 'string' },
      out: { type: 'string' },
      update: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.protocol !== undefined && !PROTOCOLS.includes(values.protocol as Protocol)) usage(`unknown protocol ${values.protocol}`);
  let faults: Fault[];
  try {
    faults = (values.only ?? []).length > 0 ? values.only!.map(findFault) : FAULTS.filter((f) => f.protocol !== 'any');
  } catch (e) {
    usage((e as Error).message);
  }
  if (values.protocol !== undefined) faults = faults.filter((f) => f.protocol === values.protocol);
  const seed = positive('seed', values.seed, 1);
  const fuzz = { seed, runs: positive('fuzz-runs', values['fuzz-runs'], 200), durationMs: positive('fuzz-seconds', values['fuzz-seconds'], 60) * 1000 };
  const properties: DetectionPlan['properties'] = values['no-fuzz'] ? 'none' : [];
  const out = path.resolve(values.out ?? 'reports');
  const protocols = PROTOCOLS.filter((p) => faults.some((f) => f.protocol === p));

  const lab = await startDetectionLab();
  const rows: MatrixRow[] = [];
  const clean = new Map<Protocol, readonly Detection[]>();
  try {
    const passthrough = findFault('passthrough');
    for (const protocol of protocols) {
      const outcome = await detectFault(passthrough, lab.servers[protocol], { cases: [], properties, fuzz, stopAtFirstFinding: false });
      clean.set(protocol, outcome.detections);
      process.stderr.write(`detect: clean ${protocol}: ${outcome.detections.length} false positive(s) in ${((outcome.suiteMs + outcome.fuzzMs) / 1000).toFixed(0)} s\n`);
      for (const d of outcome.detections) process.stderr.write(`  ${d.id}: ${d.message}\n`);
    }
    for (const fault of faults) {
      const protocol = fault.protocol as Protocol;
      let outcome: FaultOutcome;
      try {
        outcome = await detectFault(fault, lab.servers[protocol], { cases: [], properties, fuzz, stopAtFirstFinding: true });
      } catch (e) {
        // One fault that breaks the run (a probe or spawn that fails) is a row that says so, not the end of the matrix.
        outcome = { fault: fault.name, protocol, triggered: 0, detections: [], errors: [`the run failed: ${(e as Error).message}`], suiteMs: 0, fuzzMs: 0 };
      }
      const row = matrixRow(fault, outcome);
      rows.push(row);
      const by = [...new Set(outcome.detections.map((d) => d.id))];
      const failed = outcome.errors.find((e) => e.startsWith('the run failed'));
      process.stderr.write(`detect: ${fault.name}: ${row.detected ? `caught by ${by.length} (${by.slice(0, 4).join(', ')}${by.length > 4 ? ', …' : ''})` : `NOT DETECTED${failed ? ` (${failed})` : ''}`}, fired ${outcome.triggered}×, ${((outcome.suiteMs + outcome.fuzzMs) / 1000).toFixed(0)} s\n`);
    }
  } finally {
    await lab.stop();
  }
  // --update: the rows and clean runs of protocols not run now come from the matrix already written.
  if (values.update) {
    const earlier = await readEarlierMatrix(path.join(out, 'detection.json'));
    const rerun = new Set(protocols);
    rows.unshift(...(earlier?.rows ?? []).filter((r) => !rerun.has(r.protocol)));
    for (const [protocol, score] of Object.entries(earlier?.protocols ?? {}) as [Protocol, ProtocolScore][]) if (!rerun.has(protocol)) clean.set(protocol, score.falsePositives);
  }
  const matrix = buildMatrix(seed, rows, clean);
  await mkdir(out, { recursive: true });
  await writeFile(path.join(out, 'detection.json'), `${JSON.stringify(matrix, null, 2)}\n`);
  await writeFile(path.join(out, 'detection.md'), matrixMarkdown(matrix));
  for (const [protocol, score] of Object.entries(matrix.protocols)) process.stderr.write(`detect: ${protocol}: recall ${score.detected}/${score.faults}, ${score.falsePositives.length} false positive(s)\n`);
  process.stderr.write(`detect: ${path.join(out, 'detection.md')}, ${path.join(out, 'detection.json')}\n`);
  const perfect = Object.values(matrix.protocols).every((s) => s.detected === s.faults && s.falsePositives.length === 0);
  return perfect ? 0 : 1;
}

async function readEarlierMatrix(file: string): Promise<DetectionMatrix | undefined> {
  try {
    const data = JSON.parse(await readFile(file, 'utf8')) as DetectionMatrix;
    return data.format === 'mailconform-detection/1' ? data : undefined;
  } catch {
    return undefined;
  }
}

// `npm test` runs every .js under dist/test/ as a test file, this one too: not a run there.
if (process.env['NODE_TEST_CONTEXT'] === undefined) {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`detect: ${(e as Error).message}\n`);
      process.exit(2);
    },
  );
}
