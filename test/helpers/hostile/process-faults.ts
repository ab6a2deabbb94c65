/**
 * Collects unhandled rejections and uncaught exceptions while installed: either one during a
 * hostile run is a bug in the tool, even if every promise the run awaited settled properly.
 */
export interface ProcessFaultWatch {
  /** Faults seen since the last take(), emptied. */
  take(): string[];
  stop(): void;
}

export function watchProcessFaults(): ProcessFaultWatch {
  let seen: string[] = [];
  const onRejection = (reason: unknown): void => void seen.push(`unhandledRejection: ${describe(reason)}`);
  const onException = (error: Error): void => void seen.push(`uncaughtException: ${describe(error)}`);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return {
    take() {
      const taken = seen;
      seen = [];
      return taken;
    },
    stop() {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    },
  };
}

function describe(reason: unknown): string {
  return reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
}
