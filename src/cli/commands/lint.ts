import { SUITE_RUNNERS } from '../../script/protocols.js';
import { defaultFixturesDir, defaultSuitesDir } from '../paths.js';

/** `mailconform lint`: parses every suite file; errors as file:line: message, exit 1 if any. */
export async function lintCommand(args: { readonly suites?: string; readonly fixtures?: string }): Promise<number> {
  const suitesRoot = args.suites ?? defaultSuitesDir();
  let cases = 0;
  let errors = 0;
  for (const runner of Object.values(SUITE_RUNNERS)) {
    const listed = await runner.list(suitesRoot, args.fixtures ?? defaultFixturesDir());
    cases += listed.cases.length;
    errors += listed.errors.length;
    for (const e of listed.errors) process.stdout.write(`${suitesRoot}/${e.file}:${e.line}: ${e.message}\n`);
  }
  process.stderr.write(`${cases} case(s) parsed, ${errors} error(s)\n`);
  return errors > 0 ? 1 : 0;
}
