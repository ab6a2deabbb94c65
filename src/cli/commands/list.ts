import { formatRef, type RequirementLevel } from '../../protocol/shared/rfc.js';
import type { Protocol } from '../../report/result.js';
import { SUITE_RUNNERS } from '../../script/protocols.js';
import { ToolError, UsageError } from '../errors.js';
import { defaultFixturesDir, defaultSuitesDir } from '../paths.js';

/** `mailconform list [protocol]`: one line per case, id, level, RFC section, summary. */
export async function listCommand(args: { readonly protocol?: Protocol; readonly suites?: string; readonly fixtures?: string; readonly json: boolean }): Promise<number> {
  const runners = args.protocol ? [SUITE_RUNNERS[args.protocol]] : Object.values(SUITE_RUNNERS);
  if (runners.some((r) => r === undefined)) throw new UsageError(`no ${args.protocol} suites yet`);
  const rows: Array<{ id: string; level: RequirementLevel; ref: string; summary: string; requires: readonly string[] }> = [];
  for (const runner of runners) {
    const { cases, errors } = await runner!.list(args.suites ?? defaultSuitesDir(), args.fixtures ?? defaultFixturesDir());
    if (errors.length > 0) throw new ToolError(`${errors.length} suite error(s); run \`mailconform lint\``);
    for (const c of cases) rows.push({ id: c.id, level: c.level, ref: formatRef(c.ref), summary: c.summary, requires: c.requires });
  }
  if (args.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  const idWidth = Math.max(...rows.map((r) => r.id.length), 2);
  const refWidth = Math.max(...rows.map((r) => r.ref.length), 3);
  for (const r of rows) {
    const requires = r.requires.length > 0 ? ` [requires ${r.requires.join(', ')}]` : '';
    process.stdout.write(`${r.id.padEnd(idWidth)}  ${r.level.padEnd(6)}  ${r.ref.padEnd(refWidth)}  ${r.summary}${requires}\n`);
  }
  process.stderr.write(`${rows.length} case(s)\n`);
  return 0;
}
