import type { Protocol } from '../../report/result.js';
import { findProperty } from '../properties/registry.js';
import { buildCaseBody, type CaseBody, type CaseBodyInput } from './case/case-body.js';
import { IMAP_CASE_PROTOCOL } from './case/imap-case-protocol.js';
import { POP3_CASE_PROTOCOL } from './case/pop3-case-protocol.js';
import { recoverClientLines } from './case/recover-client-bytes.js';
import type { Substitution } from './case/send-line.js';
import { SMTP_CASE_PROTOCOL } from './case/smtp-case-protocol.js';
import { readTranscript, type WireEvent } from './case/transcript-events.js';
import type { Finding } from './finding.js';

/** A finding as a suite case: the file's path relative to a suites root, and its text. */
export interface FindingCase {
  /** `<protocol>/rfc<N>-fuzz/<finding id>.<protocol>`: the layout `mailconform lint` and `run --suites` read. */
  readonly fileName: string;
  readonly text: string;
}

const PROTOCOLS: readonly Protocol[] = ['smtp', 'pop3', 'imap'];

/** Shorter run values are left as they are: "${x}" for a 2-letter value would hit unrelated text. */
const MIN_SUBSTITUTED_LENGTH = 3;

/**
 * Writes a finding as a case in the transcript language (suites/README.md), so a vendor can keep
 * it as a regression case: it fails on a server with the fault and passes on one without. The
 * client side is the minimal run's exact bytes (credentials as ${user} / ${password}); the server
 * side is what any conforming server may answer, and at the fault what the broken rule demands.
 */
export function findingCase(finding: Finding): FindingCase {
  const ref = finding.ref ?? findProperty(finding.property)?.ref;
  if (ref === undefined) throw new Error(`finding ${finding.id} names no RFC section and its property ${finding.property} is unknown`);
  const folder = `rfc${ref.rfc}-fuzz`;
  const id = `${finding.protocol}.${folder}.${finding.id}`;
  const input: CaseBodyInput = {
    events: recoverEvents(finding),
    kind: finding.kind,
    ...(finding.rule !== undefined ? { rule: finding.rule } : {}),
    ...(finding.expected !== undefined ? { expected: finding.expected } : {}),
    substitutions: substitutions(finding),
  };
  const { body, extension } = writeBody(finding, input);
  const header = [
    `id: ${id}`,
    `summary: ${oneLine(finding.message)}`,
    `rfc: ${ref.rfc}`,
    `section: ${ref.section}`,
    `level: ${finding.level}`,
    `note: ${oneLine([...provenance(finding), ...body.notes].join(' '))}`,
    // A hang is judged against the answer timeout the fuzzer used: a conforming server gets as long.
    ...(finding.kind === 'hang' ? [`timeout: ${finding.replay.settings.answerTimeoutMs}`] : []),
  ];
  return { fileName: `${finding.protocol}/${folder}/${finding.id}${extension}`, text: `${[...header, '', ...body.lines].join('\n')}\n` };
}

function writeBody(finding: Finding, input: CaseBodyInput): { body: CaseBody; extension: string } {
  switch (finding.protocol) {
    case 'smtp':
      return { body: buildCaseBody(SMTP_CASE_PROTOCOL, input), extension: SMTP_CASE_PROTOCOL.adapter.fileExtension };
    case 'pop3':
      return { body: buildCaseBody(POP3_CASE_PROTOCOL, input), extension: POP3_CASE_PROTOCOL.adapter.fileExtension };
    case 'imap':
      return { body: buildCaseBody(IMAP_CASE_PROTOCOL, input), extension: IMAP_CASE_PROTOCOL.adapter.fileExtension };
  }
}

/**
 * Sessions named after another protocol read the outcome back there (smtp.delivery's "pop3"
 * session): a case speaks one protocol, so they are left out, and a note says so.
 */
function foreignSessions(finding: Finding): string[] {
  const names = new Set(finding.transcript.map((l) => l.session));
  return PROTOCOLS.filter((p) => p !== finding.protocol && names.has(p));
}

/** The transcript's events, with over-long client lines completed from the saved input where it holds them. */
function recoverEvents(finding: Finding): WireEvent[] {
  const foreign = new Set(foreignSessions(finding));
  const events = readTranscript(finding.transcript.filter((l) => !foreign.has(l.session)));
  const byConnection = new Map<string, number[]>();
  events.forEach((event, i) => {
    if (event.kind === 'send') byConnection.set(event.connection, [...(byConnection.get(event.connection) ?? []), i]);
  });
  for (const indexes of byConnection.values()) {
    const sends = indexes.map((i) => events[i] as Extract<WireEvent, { kind: 'send' }>);
    const recovered = recoverClientLines(sends.map((s) => s.line), finding.input);
    indexes.forEach((at, k) => (events[at] = { ...sends[k]!, line: recovered[k]! }));
  }
  return events;
}

/**
 * The run's values as the variables `mailconform run` fills in: the --var values, the user, and
 * for IMAP the fuzz namespace as ${mailbox}, the case's own mailbox (the runner creates it and
 * deletes every mailbox under it afterwards).
 */
function substitutions(finding: Finding): Substitution[] {
  const { settings } = finding.replay;
  const all: Substitution[] = Object.entries(settings.vars).map(([name, value]) => ({ name, value }));
  if (settings.user !== undefined) all.push({ name: 'user', value: settings.user });
  if (finding.protocol === 'imap' && settings.namespace !== '') all.push({ name: 'mailbox', value: settings.namespace });
  return all.filter((s) => s.value.length >= MIN_SUBSTITUTED_LENGTH);
}

/** Where the finding came from and what it says, then what the case can and cannot show for its kind. */
function provenance(finding: Finding): string[] {
  const { seed, path, settings } = finding.replay;
  const notes = [
    `Found by mailconform fuzz ${finding.protocol}, property ${finding.property}, against ${finding.target} (batch seed ${seed}, counterexample path ${path}); replay it with: mailconform replay ${finding.id}.json.`,
  ];
  if (finding.rule !== undefined || finding.expected !== undefined || finding.received !== undefined) {
    notes.push(`${finding.rule ? `Rule ${finding.rule}: expected` : 'Expected'} ${finding.expected ?? '(not recorded)'}, received ${finding.received ?? '(not recorded)'}.`);
  }
  const kindNote = KIND_NOTES[finding.kind](finding);
  if (kindNote !== undefined) notes.push(kindNote);
  for (const session of foreignSessions(finding)) {
    notes.push(`The fuzzer checked the outcome over ${session.toUpperCase()} (its session is left out: a case speaks one protocol), so the case replays what was sent but cannot see that outcome.`);
  }
  if (finding.property === 'pop3.maildrop-model') {
    notes.push("The fuzz run seeded its own messages (--seed-command) next to the account's mail and removed them afterwards: message numbers here refer to that maildrop, so the case reproduces the fault only on a maildrop in the same state.");
  }
  if (finding.protocol === 'imap' && settings.namespace !== '') notes.push(`Mailbox names under the fuzz namespace ${settings.namespace} are written under \${mailbox}, the case's own mailbox.`);
  if (hasCutWrites(finding.input)) notes.push('The fuzzer split some writes into several TCP segments; the case sends each line in one write.');
  // script/transcript.ts notes a wire log that reached its size limit.
  if (finding.transcript.some((l) => l.dir === '*' && l.text.startsWith('wire log limit reached'))) notes.push('The wire log dropped bytes past its limit: the case ends where the log does.');
  return notes;
}

const KIND_NOTES: Readonly<Record<Finding['kind'], (finding: Finding) => string | undefined>> = {
  hang: (f) => `The fuzzed server sent no answer within ${f.replay.settings.answerTimeoutMs} ms; the case waits as long for any well-formed one.`,
  malformed: (f) => `The fuzzed server's answer broke the grammar${f.rule ? ` (${f.rule})` : ''}; any well-formed answer passes, as the engine checks every byte it receives.`,
  reset: () => 'The fuzzed server closed the connection without its goodbye; a conforming server answers (or says goodbye first).',
  crash: (f) => `The fuzzed server's process died${f.process ? ` (${describeDeath(f.process)})` : ''}: a case cannot watch a process, only see that no answer comes; if nothing listens any more the engine reports an error rather than a failure.`,
  dead: () => 'After this sequence the fuzzed server no longer greeted and answered a new connection; if nothing listens at all, the engine reports an error rather than a failure.',
  // What the case demands at the fault is said by its last lines, or by a note when no pattern can say it.
  model: () => undefined,
};

function describeDeath(death: NonNullable<Finding['process']>): string {
  return death.signal !== null ? `signal ${death.signal}` : `exit code ${death.code ?? 'unknown'}`;
}

/** Robustness inputs record where a step's write was cut into several. */
function hasCutWrites(input: unknown): boolean {
  if (typeof input !== 'object' || input === null || !('steps' in input) || !Array.isArray(input.steps)) return false;
  return input.steps.some((s: unknown) => typeof s === 'object' && s !== null && 'cuts' in s && Array.isArray(s.cuts) && s.cuts.length > 0);
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}
