import { readFile } from 'node:fs/promises';
import { formatSummary } from '../../report/console-summary.js';
import { writeJunitFile } from '../../report/junit-writer.js';
import { readTap } from '../../report/tap-reader.js';
import { ToolError } from '../errors.js';

/** `mailconform report FILE.tap --junit out.xml`: TAP is the record; JUnit is derived from it. */
export async function reportCommand(args: { readonly tap: string; readonly junit?: string; readonly color: boolean }): Promise<number> {
  let text: string;
  try {
    text = await readFile(args.tap, 'utf8');
  } catch (err) {
    throw new ToolError(`cannot read ${args.tap}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const { run, parseErrors } = readTap(text);
  if (parseErrors.length > 0) throw new ToolError(`${args.tap} is not a mailconform TAP stream: ${parseErrors[0]}`);
  if (args.junit) await writeJunitFile(run, args.junit);
  process.stderr.write(formatSummary(run, { color: args.color }));
  if (args.junit) process.stderr.write(`JUnit: ${args.junit}\n`);
  return 0;
}
