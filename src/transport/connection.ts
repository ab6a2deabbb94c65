import net from 'node:net';
import { TransportError, fromSocketError } from './errors.js';
import { FrameReader } from './frame-reader.js';
import type { FramedLine } from './framed-line.js';
import { WireLog } from './wire-log.js';

export interface ConnectOptions {
  readonly host: string;
  readonly port: number;
  /** @defaultValue 10000 */
  readonly connectTimeoutMs?: number;
  /** Longest wait for any single read. @defaultValue 10000 */
  readonly readTimeoutMs?: number;
  /** Safety bound on one line's bytes (not the RFC limit; protocols check those). @defaultValue 65536 */
  readonly maxLineLength?: number;
  /** Shared log, e.g. one per test case across several sessions. A new one is made if absent. */
  readonly log?: WireLog;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_READ_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_LINE_LENGTH = 64 * 1024;

type StreamState = { kind: 'open' } | { kind: 'ended' } | { kind: 'failed'; error: TransportError };

/**
 * One client connection: framing, timeouts and the wire log. Bytes are read through a FrameReader
 * fed by whichever stream is attached, which is the seam for TLS: implicit TLS attaches a TLS socket
 * at connect, STARTTLS re-attaches after the handshake, and nothing above this class changes.
 */
export class Connection {
  readonly log: WireLog;
  readonly target: string;
  private readonly frames = new FrameReader();
  private state: StreamState = { kind: 'open' };
  private wake: (() => void) | undefined;
  private readonly readTimeoutMs: number;
  private readonly maxLineLength: number;

  private constructor(
    private socket: net.Socket,
    options: ConnectOptions,
    log: WireLog,
  ) {
    this.log = log;
    this.target = formatTarget(options.host, options.port);
    this.readTimeoutMs = options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
    this.maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
    this.attach(socket);
  }

  static open(options: ConnectOptions): Promise<Connection> {
    const target = formatTarget(options.host, options.port);
    const log = options.log ?? new WireLog();
    const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: options.host, port: options.port });
      const timer = setTimeout(() => {
        socket.destroy();
        log.note(`connect to ${target} timed out after ${timeoutMs} ms`);
        reject(new TransportError('ERR_TRANSPORT_CONNECT_TIMEOUT', `no connection to ${target} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const error = fromSocketError(err, target, false);
        log.note(error.message);
        reject(error);
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        socket.setNoDelay(true);
        log.note(`connected to ${target}`);
        resolve(new Connection(socket, options, log));
      });
    });
  }

  get isOpen(): boolean {
    return this.state.kind === 'open';
  }

  /** Bytes received and not yet taken by a read. */
  get bufferedBytes(): number {
    return this.frames.bufferedBytes;
  }

  /** Next line from the server. Rejects with ERR_TRANSPORT_TIMEOUT / _CLOSED / _RESET / _LINE_TOO_LONG. */
  async readLine(timeoutMs = this.readTimeoutMs): Promise<FramedLine> {
    return this.readFrame(timeoutMs, () => {
      const result = this.frames.takeLine(this.maxLineLength);
      if (result.kind === 'line') return result.line;
      if (result.kind === 'too-long') {
        throw new TransportError(
          'ERR_TRANSPORT_LINE_TOO_LONG',
          `${this.target} sent a line of more than ${this.maxLineLength} bytes (the tool's max line length)`,
        );
      }
      return undefined;
    });
  }

  /** Exactly n bytes (an IMAP literal, a counted body). */
  async readBytes(n: number, timeoutMs = this.readTimeoutMs): Promise<Buffer> {
    return this.readFrame(timeoutMs, () => this.frames.takeBytes(n));
  }

  /** A line if one is already buffered, without waiting. */
  takeBufferedLine(): FramedLine | undefined {
    const result = this.frames.takeLine(this.maxLineLength);
    return result.kind === 'line' ? result.line : undefined;
  }

  async write(data: string | Uint8Array): Promise<void> {
    if (this.state.kind !== 'open') throw this.closedError();
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data);
    this.log.record('out', bytes);
    await new Promise<void>((resolve, reject) => {
      this.socket.write(bytes, (err) => (err ? reject(fromSocketError(err, this.target, true)) : resolve()));
    });
  }

  /**
   * Waits for the server to close. Resolves 'closed' on EOF (after any remaining bytes, which stay
   * readable) or 'timeout'; never rejects.
   */
  async waitForClose(timeoutMs = this.readTimeoutMs): Promise<'closed' | 'timeout'> {
    const deadline = Date.now() + timeoutMs;
    while (this.state.kind === 'open') {
      const left = deadline - Date.now();
      if (left <= 0 || !(await this.waitForEvent(left))) return 'timeout';
    }
    return 'closed';
  }

  /** Closes our side and releases the socket. Idempotent. */
  close(): void {
    if (this.state.kind === 'open') this.log.note('closed by client');
    this.state = this.state.kind === 'open' ? { kind: 'ended' } : this.state;
    this.socket.destroy();
    this.notify();
  }

  private async readFrame<T>(timeoutMs: number, take: () => T | undefined): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = take();
      if (frame !== undefined) return frame;
      if (this.state.kind !== 'open') throw this.closedError();
      const left = deadline - Date.now();
      if (left <= 0 || !(await this.waitForEvent(left))) {
        this.log.note(`no data from server within ${timeoutMs} ms`);
        throw new TransportError('ERR_TRANSPORT_TIMEOUT', `${this.target} sent nothing for ${timeoutMs} ms`);
      }
    }
  }

  private closedError(): TransportError {
    if (this.state.kind === 'failed') return this.state.error;
    const partial = this.frames.bufferedBytes > 0 ? this.frames.takeAll() : undefined;
    return new TransportError('ERR_TRANSPORT_CLOSED', `${this.target} closed the connection`, partial);
  }

  /** Resolves true when data/close/error arrives, false after timeoutMs. One waiter at a time. */
  private waitForEvent(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve(false);
      }, timeoutMs);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve(true);
      };
    });
  }

  private notify(): void {
    this.wake?.();
  }

  private attach(socket: net.Socket): void {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.log.record('in', chunk);
      this.frames.push(chunk);
      this.notify();
    });
    socket.on('end', () => {
      if (this.state.kind === 'open') {
        this.log.note('closed by server');
        this.state = { kind: 'ended' };
      }
      this.notify();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const error = fromSocketError(err, this.target, true);
      if (this.state.kind === 'open') {
        this.log.note(error.message);
        this.state = { kind: 'failed', error };
      }
      this.notify();
    });
    socket.on('close', () => {
      if (this.state.kind === 'open') this.state = { kind: 'ended' };
      this.notify();
    });
  }
}

function formatTarget(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
