import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import { dirname } from 'node:path';
import tls from 'node:tls';

export interface CommandResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Blocking sleep, for `process.on('exit')` handlers where nothing asynchronous runs. */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Runs a command without a shell, bounded by timeoutMs (then SIGKILL), feeding it `input` on stdin if given. Resolves on exit even if a
 * daemonised grandchild keeps the output pipes open (we stop waiting for them after a short grace).
 */
export function runCommand(
  file: string,
  args: readonly string[],
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv; input?: Buffer } = {},
): Promise<CommandResult> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  return new Promise((resolve, reject) => {
    const env = options.env ?? process.env;
    const child = options.input
      ? spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], env })
      : spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    if (child.stdin) {
      child.stdin.on('error', () => undefined); // EPIPE if the command exits without reading all of it
      child.stdin.end(options.input);
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    let settled = false;
    let exitCode: number | null = null;
    let exitSignal: NodeJS.Signals | null = null;
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    let grace: NodeJS.Timeout | undefined;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (grace) clearTimeout(grace);
      child.stdout.destroy();
      child.stderr.destroy();
      resolve({
        code: exitCode,
        signal: exitSignal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
      });
    };
    child.once('error', (e) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(e);
    });
    child.once('exit', (code, signal) => {
      exitCode = code;
      exitSignal = signal;
      grace = setTimeout(finish, 1000);
    });
    child.once('close', finish);
  });
}

/** Describes a failed CommandResult in one paragraph, for error messages. */
export function describeResult(what: string, r: CommandResult): string {
  const how = r.timedOut ? 'timed out' : r.signal ? `died of ${r.signal}` : `exited ${String(r.code)}`;
  const output = `${r.stdout}${r.stderr}`.trim();
  return `${what} ${how}${output ? `: ${output}` : ''}`;
}

/** process.kill that ignores "no such process" (a negative pid signals the process group). */
export function signalQuietly(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

/** True while `pid` exists and is not a zombie (an unreaped corpse must count as gone). */
export function pidAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    // No /proc entry (or no /proc at all): fall back to signal 0.
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Polls until `pid` is gone; resolves true if it went within timeoutMs. */
export async function waitForPidExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (pidAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
  return true;
}

/**
 * A plain socket, or with `secure` an implicit-TLS one (smtps, imaps, pop3s). It only proves the listener is up and
 * its certificate loads, so it trusts any certificate: the tests check verification themselves.
 */
function connectSocket(host: string, port: number, secure: boolean): net.Socket {
  return secure ? tls.connect({ host, port, rejectUnauthorized: false }) : net.connect({ host, port });
}

/** Connects once and reads a complete (possibly multi-line) reply, bounded by timeoutMs. */
function readGreetingOnce(host: string, port: number, timeoutMs: number, secure: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connectSocket(host, port, secure);
    let text = '';
    let settled = false;
    const done = (e: Error | undefined, greeting?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeAllListeners('data');
      if (e) {
        socket.destroy();
        reject(e);
        return;
      }
      // Say goodbye politely so the server does not log a lost connection.
      socket.on('error', () => undefined);
      socket.end('QUIT\r\n');
      setTimeout(() => socket.destroy(), 1000).unref();
      resolve(greeting ?? '');
    };
    const timer = setTimeout(() => done(new Error(`no greeting within ${timeoutMs} ms`)), timeoutMs);
    socket.once('error', (e) => done(e));
    socket.once('close', () => done(new Error(`connection closed before a greeting (got ${JSON.stringify(text)})`)));
    socket.on('data', (b: Buffer) => {
      text += b.toString('latin1');
      const lines = text.split('\r\n');
      const last = lines.slice(0, -1).find((l) => /^\d{3}(?: |$)/.test(l));
      if (last !== undefined) done(undefined, text.slice(0, text.indexOf(last) + last.length));
    });
  });
}

/**
 * Waits until host:port answers with a `220` greeting (RFC 5321 §4.2 / §3.1), retrying refused
 * connections until timeoutMs. Resolves with the greeting text; rejects on timeout or a non-220 greeting.
 * `secure`: the greeting comes after a TLS handshake (any certificate accepted).
 */
export async function waitForGreeting(host: string, port: number, timeoutMs: number, secure = false): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no attempt made';
  while (Date.now() < deadline) {
    try {
      const greeting = await readGreetingOnce(host, port, Math.max(100, Math.min(5000, deadline - Date.now())), secure);
      if (!greeting.startsWith('220')) throw new Error(`unexpected greeting ${JSON.stringify(greeting)}`);
      return greeting;
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      lastError = err.message;
      if (err.message.startsWith('unexpected greeting')) throw err;
    }
    await sleep(100);
  }
  throw new Error(`${host}:${port} gave no 220 greeting within ${timeoutMs} ms (last: ${lastError})`);
}

/** The last `lines` lines of a text file, or a note saying why there are none. */
export async function tailFile(file: string, lines: number): Promise<string> {
  try {
    const all = (await readFile(file, 'utf8')).split('\n');
    if (all.at(-1) === '') all.pop();
    return all.slice(-lines).join('\n');
  } catch (e) {
    return `(no log: ${(e as Error).message})`;
  }
}

/** uid/gid of system accounts, via NSS (getent) rather than parsing /etc/passwd. */
export async function accountIds(names: readonly string[]): Promise<Map<string, { uid: number; gid: number }>> {
  const r = await runCommand('getent', ['passwd', ...names], { timeoutMs: 5000 });
  const ids = new Map<string, { uid: number; gid: number }>();
  for (const line of r.stdout.split('\n')) {
    const [name, , uid, gid] = line.split(':');
    if (name && uid && gid) ids.set(name, { uid: Number(uid), gid: Number(gid) });
  }
  for (const n of names) if (!ids.has(n)) throw new Error(`system account ${n} not found (is the package that creates it installed?)`);
  return ids;
}

/** The first directory on the way to `dir` (inclusive) that other users cannot search, if any. */
export function untraversableAncestor(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) return d;
    if (dirname(d) === d) return undefined;
  }
}

/** The /proc/PID/stat fields after the command name (state, ppid, pgrp, ...), or undefined if gone. */
function procStatFields(pid: string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** True while a live process is in group `pgid`; zombies don't count (orphans may wait seconds for init). */
export function groupAlive(pgid: number): boolean {
  if (existsSync('/proc/self/stat')) {
    return readdirSync('/proc').some((n) => {
      const f = /^\d+$/.test(n) ? procStatFields(n) : undefined;
      return f?.[2] === String(pgid) && f[0] !== 'Z' && f[0] !== 'X';
    });
  }
  try {
    process.kill(-pgid, 0); // no /proc: signal 0, which counts zombies
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Polls until process group `pgid` is empty; resolves true if it emptied within timeoutMs. */
export async function waitForGroupExit(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (groupAlive(pgid)) {
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
  return true;
}

/** Connects once, reads the first CRLF-terminated line, then sends `goodbye` and closes. */
function readFirstLineOnce(host: string, port: number, timeoutMs: number, goodbye: string, secure: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connectSocket(host, port, secure);
    let text = '';
    const finish = (e: Error | undefined): void => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      if (e) {
        socket.destroy();
        reject(e);
        return;
      }
      socket.end(goodbye); // politely, so the server logs no lost connection
      setTimeout(() => socket.destroy(), 1000).unref();
      resolve(text.slice(0, text.indexOf('\r\n')));
    };
    const timer = setTimeout(() => finish(new Error(`no greeting within ${timeoutMs} ms`)), timeoutMs);
    socket.once('error', finish);
    socket.once('close', () => finish(new Error(`connection closed before a greeting (got ${JSON.stringify(text)})`)));
    socket.on('data', (b: Buffer) => {
      text += b.toString('latin1');
      if (text.includes('\r\n')) finish(undefined);
    });
  });
}

/**
 * Waits until host:port greets with a first line matching `expected` (e.g. /^\+OK/ for POP3), retrying
 * refused connections until timeoutMs (or `signal` aborts). Resolves with that line; rejects on timeout or another greeting.
 * `secure`: the greeting comes after a TLS handshake (any certificate accepted).
 */
export async function waitForBanner(
  host: string, port: number, timeoutMs: number, expected: RegExp, goodbye = 'QUIT\r\n', signal?: AbortSignal, secure = false,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no attempt made';
  while (Date.now() < deadline && !signal?.aborted) {
    const line = await readFirstLineOnce(host, port, Math.max(100, Math.min(5000, deadline - Date.now())), goodbye, secure).catch((e: Error) => {
      lastError = e.message;
      return undefined;
    });
    if (line !== undefined && !expected.test(line)) throw new Error(`${host}:${port}: unexpected greeting ${JSON.stringify(line)}`);
    if (line !== undefined) return line;
    await sleep(100);
  }
  throw new Error(`${host}:${port} gave no greeting matching ${String(expected)} within ${timeoutMs} ms (last: ${lastError})`);
}
