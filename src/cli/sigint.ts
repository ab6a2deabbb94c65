/** Exit status of a command stopped by Ctrl-C (128 + SIGINT), as shells report it. */
export const INTERRUPTED_EXIT_CODE = 130;

export interface SigintHandler {
  /** Aborted by the first Ctrl-C: the command starts nothing new, finishes what is in progress. */
  readonly signal: AbortSignal;
  /** Removes the handlers (Ctrl-C takes its default action again). */
  dispose(): void;
}

/**
 * Ctrl-C in two steps. The first prints `notice` and aborts `signal`: the command winds down and
 * writes its reports. A second quits at once with 130, after `lastWords`, which must be
 * synchronous (whatever it writes is on disk before the exit).
 */
export function handleSigint(notice: string, lastWords: () => void): SigintHandler {
  const controller = new AbortController();
  // One listener for both: with process.once, the moment between the first one's removal and the
  // second one's addition has no listener, and a Ctrl-C then kills the process by the signal.
  const onSigint = (): void => {
    if (controller.signal.aborted) {
      lastWords();
      process.exit(INTERRUPTED_EXIT_CODE);
    }
    controller.abort();
    process.stderr.write(notice);
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => void process.off('SIGINT', onSigint) };
}
