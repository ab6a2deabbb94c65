import type { RequirementLevel, RfcRef } from '../../src/protocol/shared/rfc.js';
import type { Protocol } from '../../src/report/result.js';
import type { Fault } from '../helpers/fault-proxy/fault.js';
import type { Detection, FaultOutcome } from './detect-fault.js';

/** One fault's row: what it breaks, what caught it, and whether the expected detectors did. */
export interface MatrixRow {
  readonly fault: string;
  readonly protocol: Protocol;
  readonly ref: RfcRef | null;
  readonly level: RequirementLevel | null;
  readonly summary: string;
  readonly detected: boolean;
  /** Some detector cites the very section the fault breaks (the others caught a symptom). */
  readonly sameSection: boolean;
  /** detectedBy entries of the catalogue that did not catch it this time. */
  readonly expectedMissed: readonly string[];
  readonly firstDetectionMs?: number;
  readonly outcome: FaultOutcome;
}

export interface ProtocolScore {
  readonly faults: number;
  readonly detected: number;
  readonly recall: number;
  /** Detections on the clean server (passthrough) beyond its documented deviations: false positives. */
  readonly falsePositives: readonly Detection[];
}

export interface DetectionMatrix {
  readonly format: 'mailconform-detection/1';
  readonly generatedAt: string;
  readonly seed: number;
  readonly rows: readonly MatrixRow[];
  readonly protocols: Readonly<Partial<Record<Protocol, ProtocolScore>>>;
  /** Median time to the first finding, over faults that only fuzzing caught (no suite case did). */
  readonly medianFuzzOnlyMs?: number;
}

export function matrixRow(fault: Fault, outcome: FaultOutcome): MatrixRow {
  const ids = new Set(outcome.detections.map((d) => d.id));
  const first = outcome.detections.reduce<number | undefined>((min, d) => (min === undefined || d.afterMs < min ? d.afterMs : min), undefined);
  return {
    fault: fault.name,
    protocol: outcome.protocol,
    ref: fault.ref,
    level: fault.level,
    summary: fault.summary,
    detected: outcome.detections.length > 0,
    sameSection: fault.ref !== null && outcome.detections.some((d) => d.ref?.rfc === fault.ref!.rfc && d.ref.section === fault.ref!.section),
    expectedMissed: (fault.detectedBy ?? []).filter((id) => !ids.has(id)),
    ...(first !== undefined ? { firstDetectionMs: first } : {}),
    outcome,
  };
}

export function buildMatrix(seed: number, rows: readonly MatrixRow[], clean: ReadonlyMap<Protocol, readonly Detection[]>): DetectionMatrix {
  const protocols: Partial<Record<Protocol, ProtocolScore>> = {};
  for (const protocol of new Set<Protocol>([...rows.map((r) => r.protocol), ...clean.keys()])) {
    const mine = rows.filter((r) => r.protocol === protocol);
    const detected = mine.filter((r) => r.detected).length;
    protocols[protocol] = { faults: mine.length, detected, recall: mine.length === 0 ? 1 : detected / mine.length, falsePositives: clean.get(protocol) ?? [] };
  }
  const fuzzOnly = rows
    .filter((r) => r.detected && r.outcome.detections.every((d) => d.detector === 'property'))
    .map((r) => r.firstDetectionMs!)
    .sort((a, b) => a - b);
  return {
    format: 'mailconform-detection/1',
    generatedAt: new Date().toISOString(),
    seed,
    rows,
    protocols,
    ...(fuzzOnly.length > 0 ? { medianFuzzOnlyMs: median(fuzzOnly) } : {}),
  };
}

function median(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const section = (ref: RfcRef | null | undefined): string => (ref ? `RFC ${ref.rfc} §${ref.section}` : '—');
const seconds = (ms: number | undefined): string => (ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`);
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function detectorCell(d: Detection): string {
  return `\`${d.id}\`${d.rule !== undefined ? ` (${d.rule})` : ''} ${section(d.ref)}`;
}

/** The matrix as Markdown: recall per protocol, precision, then one row per fault. */
export function matrixMarkdown(matrix: DetectionMatrix): string {
  const out: string[] = ['# Detection matrix', '', `Generated ${matrix.generatedAt} by \`npm run detect\` (fuzz seed ${matrix.seed}). Each fault runs in a proxy in front of the real server (test/helpers/fault-proxy/faults/); detectors are the suite cases that failed and the fuzz properties that found it.`, ''];
  out.push('| Protocol | Faults | Detected | Recall | False positives on the clean server |', '|---|---|---|---|---|');
  for (const [protocol, score] of Object.entries(matrix.protocols)) {
    out.push(`| ${protocol} | ${score.faults} | ${score.detected} | ${(score.recall * 100).toFixed(0)}% | ${score.falsePositives.length === 0 ? '0' : score.falsePositives.map((d) => cell(`${d.id}: ${d.message}`)).join('<br>')} |`);
  }
  if (matrix.medianFuzzOnlyMs !== undefined) out.push('', `Median time to detect for faults only fuzzing caught: ${seconds(matrix.medianFuzzOnlyMs)}.`);
  out.push('', '| Fault | Breaks | Detected | Suite cases | Fuzz properties | First detection |', '|---|---|---|---|---|---|');
  for (const row of matrix.rows) {
    const cases = row.outcome.detections.filter((d) => d.detector === 'case');
    const props = row.outcome.detections.filter((d) => d.detector === 'property');
    const shownCases = cases.slice(0, 3).map(detectorCell).join('<br>') + (cases.length > 3 ? `<br>and ${cases.length - 3} more` : '');
    const verdict = !row.detected ? '**NO**' : row.sameSection ? 'yes, same section' : 'yes, by a symptom';
    const failed = row.outcome.errors.filter((e) => e.startsWith('the run failed'));
    const missed = (row.expectedMissed.length > 0 ? `<br>expected but missed: ${row.expectedMissed.join(', ')}` : '') + failed.map((e) => `<br>${e}`).join('');
    out.push(`| \`${row.fault}\`: ${cell(row.summary)} | ${section(row.ref)} ${row.level ?? ''} | ${verdict}${missed} | ${cell(shownCases) || '—'} | ${cell(props.map(detectorCell).join('<br>')) || '—'} | ${seconds(row.firstDetectionMs)} |`);
  }
  return `${out.join('\n')}\n`;
}
