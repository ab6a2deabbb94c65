/** fast-check prints a command list as `CMD1,CMD2 /*replayPath="…"*\/`. */
const REPLAY_PATH = /\/\*replayPath="([^"]*)"\*\//;

/**
 * The replayPath of a fast-check command-list counterexample (or of the tuple fc.check reports it
 * in), or undefined. A replay needs it besides `{seed, path}`: the shrinker chose its steps by
 * which commands ran, and a replay, which runs only the last step, cannot see that (fast-check's
 * `commands({ replayPath })`).
 */
export function replayPathOf(counterexample: unknown): string | undefined {
  const value = Array.isArray(counterexample) && counterexample.length === 1 ? (counterexample[0] as unknown) : counterexample;
  if (value === null || value === undefined) return undefined;
  return REPLAY_PATH.exec(String(value))?.[1];
}
