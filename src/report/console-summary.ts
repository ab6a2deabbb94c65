import { escapeLine } from './escape-line.js';
import { formatFailureLine, formatFailureLocation } from './format-failure-line.js';
import { countVerdicts, type CaseResult, type RunResult } from './result.js';

export interface SummaryOptions {
  /**
   * ANSI colours, for a terminal.
   * @defaultValue false
   */
  readonly color?: boolean;
}

const ANSI = { red: 31, green: 32, yellow: 33, dim: 2 } as const;
type Style = keyof typeof ANSI;

/**
 * A short summary for stderr: one block per failed or errored case (id, where, the rule broken,
 * expected vs received), then the counts. Passed and skipped cases are only counted; the
 * transcripts are in the TAP and JUnit reports.
 */
export function formatSummary(run: RunResult, options: SummaryOptions = {}): string {
  const paint = (style: Style, text: string): string =>
    options.color === true ? `\x1b[${ANSI[style]}m${text}\x1b[0m` : text;
  const blocks = run.cases
    .filter((c) => c.verdict === 'fail' || c.verdict === 'error')
    .map((c) => formatCaseBlock(c, paint));
  return [...blocks, formatTotals(run, paint)].join('\n\n') + '\n';
}

function formatCaseBlock(result: CaseResult, paint: (style: Style, text: string) => string): string {
  const first = result.failures[0];
  const label = result.verdict === 'fail' ? paint('red', 'FAIL') : paint('yellow', 'ERROR');
  const lines = [
    `${label} ${escapeLine(result.id)} ${paint('dim', `(${escapeLine(formatFailureLocation(result, first))})`)}`,
    `  ${formatFailureLine(result)}`,
  ];
  if (first?.expected !== undefined) lines.push(`  expected: ${escapeLine(first.expected)}`);
  if (first?.received !== undefined) lines.push(`  received: ${escapeLine(first.received)}`);
  const more = result.failures.length - 1;
  if (more > 0) lines.push(paint('dim', `  (+${more} more failure${more === 1 ? '' : 's'} in the report)`));
  return lines.join('\n');
}

/** "mailconform 0.1.0 smtp 127.0.0.1:2525: 3 passed, 1 failed, 1 skipped, 1 error (6 cases) in 1.23s" */
function formatTotals(run: RunResult, paint: (style: Style, text: string) => string): string {
  const counts = countVerdicts(run.cases);
  const { tool, toolVersion, protocol, target } = run.info;
  const parts = [
    paint(counts.pass > 0 ? 'green' : 'dim', `${counts.pass} passed`),
    paint(counts.fail > 0 ? 'red' : 'dim', `${counts.fail} failed`),
    `${counts.skip} skipped`,
    paint(counts.error > 0 ? 'yellow' : 'dim', `${counts.error} error${counts.error === 1 ? '' : 's'}`),
  ];
  const seconds = (run.durationMs / 1000).toFixed(2);
  const heading = escapeLine(`${tool} ${toolVersion} ${protocol} ${target}`);
  const totals = `${heading}: ${parts.join(', ')} (${counts.total} case${counts.total === 1 ? '' : 's'}) in ${seconds}s`;
  return run.interrupted === undefined ? totals : `${totals}\n${paint('yellow', `interrupted: ${escapeLine(run.interrupted)}`)}`;
}
