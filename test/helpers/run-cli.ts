import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A CLI process still running: its output so far, and its result once it ends. */
export interface RunningCli {
  readonly child: ChildProcess;
  /** Resolves once stderr (so far) matches `pattern`; rejects if the process ends first or after timeoutMs. */
  stderrMatches(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** The same for stdout (the TAP stream of `run`). */
  stdoutMatches(pattern: RegExp, timeoutMs: number): Promise<string>;
  readonly result: Promise<CliResult>;
}

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/mailconform.js');

/** Starts the real CLI as a user would, killed (SIGKILL) if it outlives timeoutMs. */
export function startCli(args: readonly string[], timeoutMs = 60_000, env: Readonly<Record<string, string>> = {}): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  let ended = false;
  const waiters = new Set<() => void>();
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
    for (const w of waiters) w();
  });
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (const w of waiters) w();
  });
  const result = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`mailconform ${args.join(' ')} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      ended = true;
      for (const w of waiters) w();
      resolve({ code, signal, stdout, stderr });
    });
  });
  const matches = (name: 'stdout' | 'stderr', pattern: RegExp, waitMs: number): Promise<string> =>
    new Promise((resolve, reject) => {
      const text = (): string => (name === 'stdout' ? stdout : stderr);
      const timer = setTimeout(() => finish(new Error(`${name} did not match ${pattern} within ${waitMs} ms:\n${text()}\n--- stderr ---\n${stderr}`)), waitMs);
      const finish = (error?: Error): void => {
        clearTimeout(timer);
        waiters.delete(check);
        if (error) reject(error);
        else resolve(text());
      };
      const check = (): void => {
        if (pattern.test(text())) finish();
        else if (ended) finish(new Error(`the process ended before ${name} matched ${pattern}:\n${stderr}`));
      };
      waiters.add(check);
      check();
    });
  return { child, stderrMatches: (p, ms) => matches('stderr', p, ms), stdoutMatches: (p, ms) => matches('stdout', p, ms), result };
}

/** Runs the real CLI as a user would, bounded by a timeout. */
export function runCli(args: readonly string[], timeoutMs = 60_000, env: Readonly<Record<string, string>> = {}): Promise<CliResult> {
  return startCli(args, timeoutMs, env).result;
}
