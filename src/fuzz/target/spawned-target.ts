import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../../lab/free-port.js';
import { groupAlive, signalQuietly, sleep, waitForBanner, waitForGroupExit } from '../../lab/process-util.js';
import type { Protocol } from '../../report/result.js';
import type { FuzzTarget, ProcessDeath } from './fuzz-target.js';

export interface SpawnOptions {
  /** Shell command; `{port}` is replaced by the port the server must listen on, `{host}` by the host. */
  readonly command: string;
  readonly protocol: Protocol;
  /** Listen here when the command has no {port}. */
  readonly port?: number;
  /** @defaultValue 15000 */
  readonly readyTimeoutMs?: number;
  /** Stop restarting after this many deaths. @defaultValue 100 */
  readonly maxRestarts?: number;
}

const HOST = '127.0.0.1';
const STDERR_LINES = 20;
const BANNERS: Record<Protocol, { readonly expected: RegExp; readonly goodbye: string }> = {
  smtp: { expected: /^220[ -]/, goodbye: 'QUIT\r\n' },
  pop3: { expected: /^\+OK/, goodbye: 'QUIT\r\n' },
  imap: { expected: /^\* (OK|PREAUTH)/i, goodbye: 'z LOGOUT\r\n' },
};

/** Starts the target (`--spawn`), waits for its greeting, and restarts it whenever it dies. */
export async function spawnTarget(options: SpawnOptions): Promise<FuzzTarget> {
  if (!options.command.includes('{port}') && options.port === undefined) throw new Error('--spawn: put {port} in the command (or give --port the server listens on)');
  const port = options.command.includes('{port}') ? await freePort(HOST) : options.port!;
  const target = new SpawnedTarget(options, port);
  await target.start();
  return target;
}

class SpawnedTarget implements FuzzTarget {
  readonly endpoint: { readonly host: string; readonly port: number };
  readonly description: string;
  private child: ChildProcess | undefined;
  private exited: { code: number | null; signal: string | null } | undefined;
  private tail: string[] = [];
  private restarts = 0;
  private stopping = false;

  constructor(
    private readonly options: SpawnOptions,
    port: number,
  ) {
    this.endpoint = { host: HOST, port };
    this.description = options.command.replaceAll('{port}', String(port)).replaceAll('{host}', HOST);
  }

  async start(): Promise<void> {
    this.exited = undefined;
    // Its own process group, so the server's children (sh -c …) are stopped with it, and only they.
    const child = spawn('/bin/sh', ['-c', this.description], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.tail = [...this.tail, ...chunk.split('\n').filter((l) => l.length > 0)].slice(-STDERR_LINES);
    });
    child.on('exit', (code, signal) => {
      if (this.child === child) this.exited = { code, signal };
    });
    const banner = BANNERS[this.options.protocol];
    const ready = new AbortController();
    const exitedHow = (): string | undefined => (this.exited ? (this.exited.signal ?? `code ${this.exited.code}`) : undefined);
    const onExit = (): void => ready.abort();
    child.once('exit', onExit);
    try {
      await waitForBanner(HOST, this.endpoint.port, this.options.readyTimeoutMs ?? 15_000, banner.expected, banner.goodbye, ready.signal);
    } catch (err) {
      await this.stop();
      const how = exitedHow();
      const why = how !== undefined ? `it exited (${how})` : (err as Error).message;
      throw new Error(`--spawn: the server did not greet on ${HOST}:${this.endpoint.port}: ${why}${this.tail.length ? ` — stderr: ${this.tail.at(-1)}` : ''}`);
    } finally {
      child.off('exit', onExit);
    }
    const how = exitedHow();
    if (how !== undefined) throw new Error(`--spawn: the server exited right after greeting (${how})`);
  }

  async ensureUp(): Promise<boolean> {
    if (this.stopping) return false;
    if (!this.exited) return true;
    if (this.restarts >= (this.options.maxRestarts ?? 100)) return false;
    this.restarts++;
    await this.stopGroup();
    try {
      await this.start();
      return true;
    } catch {
      return false;
    }
  }

  async death(graceMs = 0): Promise<ProcessDeath | undefined> {
    for (const until = Date.now() + graceMs; !this.exited && Date.now() < until; ) await sleep(20);
    return this.exited ? { code: this.exited.code, signal: this.exited.signal, stderrTail: [...this.tail] } : undefined;
  }

  stderrTail(): readonly string[] {
    return this.tail;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.stopGroup();
  }

  private async stopGroup(): Promise<void> {
    const pid = this.child?.pid;
    if (pid === undefined || !groupAlive(pid)) return;
    signalQuietly(-pid, 'SIGTERM');
    if (!(await waitForGroupExit(pid, 3000))) {
      signalQuietly(-pid, 'SIGKILL');
      await waitForGroupExit(pid, 3000);
    }
  }
}
