/**
 * The commands that ran, as their toString() shows them. fast-check wraps each command and marks
 * the ones that ran (`hasRan`); before any ran (a sampled input), all of them are described.
 */
export function executedCommands(commands: Iterable<object>): string[] {
  const all = [...commands];
  const ran = all.filter((c) => (c as { readonly hasRan?: unknown }).hasRan === true);
  return (ran.length > 0 ? ran : all).map(String);
}
