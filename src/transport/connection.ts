import net from 'node:net';
import tls from 'node:tls';
import { TransportError, fromSocketError } from './errors.js';
import { FrameReader } from './frame-reader.js';
import type { FramedLine } from './framed-line.js';
import { WireLog } from './wire-log.js';

/** The bounds on one connection: how long to wait and how much to take from a server. */
export interface TransportLimits {
  readonly connectTimeoutMs: number;
  readonly readTimeoutMs: number;
  readonly stepTimeoutMs: number;
  readonly maxLineLength: number;
  readonly maxResponseBytes: number;
}

/** How the tool checks a server's TLS (implicit TLS, or STARTTLS/STLS later in the session). */
export interface TlsSettings {
  /** Verify the certificate chain and that it names the server. Off only when the user says --insecure. */
  readonly verify: boolean;
  /** CA certificates (PEM) to trust instead of the system's, e.g. a test server's own. */
  readonly ca?: readonly Buffer[];
  /** SNI, and the name the certificate must carry. Default: the host, unless it is an IP address. */
  readonly servername?: string;
}

/** What a TLS handshake settled on, for reports. */
export interface TlsInfo {
  readonly protocol: string;
  readonly cipher: string;
  /** Whether the certificate was verified (false with --insecure, with the reason it would have failed). */
  readonly authorized: boolean;
  readonly authorizationError?: string;
  /** The certificate's subject CN, if any. */
  readonly subject?: string;
}

export interface ConnectOptions extends Partial<TransportLimits> {
  readonly host: string;
  readonly port: number;
  /** TLS settings: used at connect with implicitTls, and by startTls() (STARTTLS, STLS). */
  readonly tls?: TlsSettings;
  /** Handshake right after the TCP connect (ports 465, 993, 995). */
  readonly implicitTls?: boolean;
  /** @defaultValue 10000 */
  readonly connectTimeoutMs?: number;
  /** Longest wait for any single read (one line, one literal). @defaultValue 10000 */
  readonly readTimeoutMs?: number;
  /**
   * Longest a step may take: from the client's last write (or the connect, for a greeting) until
   * every line and literal it is owed has been read. Bounds what a per-read timeout can't: a
   * server that drips a byte at a time, or floods line after line and never completes.
   * @defaultValue 60000
   */
  readonly stepTimeoutMs?: number;
  /** Safety bound on one line's bytes (not the RFC limit; protocols check those). @defaultValue 65536 */
  readonly maxLineLength?: number;
  /**
   * Most bytes read in one step (all lines and literals answering one write): what keeps a flood
   * of untagged responses or an endless multi-line body from exhausting memory.
   * @defaultValue 64 MiB
   */
  readonly maxResponseBytes?: number;
  /**
   * Most lines read in one step: every line becomes a parsed object the caller may keep (an IMAP
   * client's untagged responses), so a flood of tiny lines is bounded by count, not only bytes.
   * @defaultValue 100000
   */
  readonly maxResponseLines?: number;
  /** Shared log, e.g. one per test case across several sessions. A new one is made if absent. */
  readonly log?: WireLog;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_READ_TIMEOUT_MS = 10_000;
export const DEFAULT_STEP_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_LINE_LENGTH = 64 * 1024;
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_RESPONSE_LINES = 100_000;
export const DEFAULT_TRANSPORT_LIMITS: TransportLimits = {
  connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS,
  readTimeoutMs: DEFAULT_READ_TIMEOUT_MS,
  stepTimeoutMs: DEFAULT_STEP_TIMEOUT_MS,
  maxLineLength: DEFAULT_MAX_LINE_LENGTH,
  maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES,
};
/** Unread bytes buffered before the socket is paused (TCP flow control then holds the server back). */
const MIN_HIGH_WATER = 1024 * 1024;

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
  private readonly stepTimeoutMs: number;
  private readonly maxLineLength: number;
  private readonly maxResponseBytes: number;
  private readonly maxResponseLines: number;
  private readonly highWater: number;
  /** Bytes a pending readBytes() needs buffered at once (more than highWater for a big literal). */
  private wanted = 0;
  private paused = false;
  /** When the current step began (last write, or connect) and the bytes read since. */
  private stepStartedAt = Date.now();
  private stepBytes = 0;
  private stepLines = 0;
  /** Every byte received, for telling "sent nothing" from "sent too slowly". */
  private receivedTotal = 0;
  private tlsInfo: TlsInfo | undefined;
  private readonly connectOptions: ConnectOptions;

  private constructor(
    private socket: net.Socket,
    options: ConnectOptions,
    log: WireLog,
  ) {
    this.log = log;
    this.connectOptions = options;
    this.target = formatTarget(options.host, options.port);
    this.readTimeoutMs = options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
    this.stepTimeoutMs = options.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
    this.maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.maxResponseLines = options.maxResponseLines ?? DEFAULT_MAX_RESPONSE_LINES;
    this.highWater = Math.max(MIN_HIGH_WATER, 2 * this.maxLineLength);
    if (socket instanceof tls.TLSSocket) this.tlsInfo = describeTls(socket);
    this.attach(socket);
  }

  static async open(options: ConnectOptions): Promise<Connection> {
    const log = options.log ?? new WireLog();
    const socket = await Connection.openTcp(options, log);
    if (!options.implicitTls) return new Connection(socket, options, log);
    const secure = await handshake(socket, options, log);
    return new Connection(secure, options, log);
  }

  /** TLS parameters once a handshake is done (implicit TLS or startTls), else undefined. */
  get tls(): TlsInfo | undefined {
    return this.tlsInfo;
  }

  /**
   * Upgrades this connection to TLS in place (SMTP STARTTLS, RFC 3207; IMAP STARTTLS, RFC 3501
   * §6.2.1; POP3 STLS, RFC 2595 §4), after the server's go-ahead has been read. Bytes the server
   * sent after its go-ahead and before the handshake are plaintext nobody can vouch for: they are
   * discarded, never read as protocol, and returned so the caller can report them.
   */
  async startTls(): Promise<{ readonly discarded: Buffer }> {
    if (this.state.kind !== 'open') throw this.closedError();
    if (this.tlsInfo) throw new Error('startTls: this connection already uses TLS');
    const plain = this.socket;
    for (const event of ['data', 'end', 'error', 'close'] as const) plain.removeAllListeners(event);
    const discarded = this.frames.takeAll();
    if (discarded.length > 0) this.log.note(`discarded ${discarded.length} bytes the server sent in plaintext after its go-ahead for TLS`);
    if (this.paused) {
      this.paused = false;
      plain.resume();
    }
    try {
      this.socket = await handshake(plain, this.connectOptions, this.log);
    } catch (err) {
      this.state = { kind: 'failed', error: err instanceof TransportError ? err : new TransportError('ERR_TRANSPORT_TLS', String(err)) };
      plain.destroy();
      throw err;
    }
    this.tlsInfo = describeTls(this.socket as tls.TLSSocket);
    this.attach(this.socket);
    this.stepStartedAt = Date.now();
    return { discarded };
  }

  private static openTcp(options: ConnectOptions, log: WireLog): Promise<net.Socket> {
    const target = formatTarget(options.host, options.port);
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
        resolve(socket);
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

  /**
   * Next line from the server. Rejects with ERR_TRANSPORT_TIMEOUT / _CLOSED / _RESET, or with the
   * tool's limits: _LINE_TOO_LONG, _STEP_TIMEOUT, _RESPONSE_TOO_LARGE.
   */
  async readLine(timeoutMs = this.readTimeoutMs): Promise<FramedLine> {
    return this.readFrame(timeoutMs, () => {
      const result = this.frames.takeLine(this.maxLineLength);
      if (result.kind === 'line') return this.countedLine(result.line);
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
    // Refused before waiting for them: a server announcing a huge literal must not make us buffer it.
    if (this.stepBytes + n > this.maxResponseBytes) throw this.responseTooLarge(n);
    this.wanted = n;
    this.resumeIfRoom();
    try {
      return await this.readFrame(timeoutMs, () => {
        const bytes = this.frames.takeBytes(n);
        return bytes === undefined ? undefined : this.counted(bytes, n);
      });
    } finally {
      this.wanted = 0;
    }
  }

  /** A line if one is already buffered, without waiting. */
  takeBufferedLine(): FramedLine | undefined {
    const result = this.frames.takeLine(this.maxLineLength);
    if (result.kind !== 'line') return undefined;
    this.resumeIfRoom();
    return this.countedLine(result.line);
  }

  async write(data: string | Uint8Array): Promise<void> {
    if (this.state.kind !== 'open') throw this.closedError();
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data);
    this.log.record('out', bytes);
    this.stepStartedAt = Date.now();
    this.stepBytes = 0;
    this.stepLines = 0;
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

  /**
   * Waits until `take` yields a frame, within both the read timeout and what is left of the step.
   * Whichever runs out first names itself in the error, with how much did arrive meanwhile.
   */
  private async readFrame<T>(timeoutMs: number, take: () => T | undefined): Promise<T> {
    const readDeadline = Date.now() + timeoutMs;
    const receivedBefore = this.receivedTotal;
    for (;;) {
      const frame = take();
      if (frame !== undefined) {
        this.resumeIfRoom();
        return frame;
      }
      if (this.state.kind !== 'open') throw this.closedError();
      const now = Date.now();
      const stepDeadline = this.stepStartedAt + this.stepTimeoutMs;
      const left = Math.min(readDeadline, stepDeadline) - now;
      if (left <= 0 || !(await this.waitForEvent(left))) {
        if (stepDeadline < readDeadline) throw this.stepTimeout();
        throw this.readTimeout(timeoutMs, this.receivedTotal - receivedBefore);
      }
    }
  }

  private countedLine(line: FramedLine): FramedLine {
    if (++this.stepLines > this.maxResponseLines) {
      const text = `${this.target} sent more than ${this.maxResponseLines} lines in answer to one command (the tool's max response lines)`;
      this.log.note(text);
      throw new TransportError('ERR_TRANSPORT_RESPONSE_TOO_LARGE', text);
    }
    return this.counted(line, wireLength(line));
  }

  /** Counts a taken frame against the step's byte budget. */
  private counted<T>(frame: T, size: number): T {
    this.stepBytes += size;
    if (this.stepBytes > this.maxResponseBytes) throw this.responseTooLarge(0);
    return frame;
  }

  private readTimeout(timeoutMs: number, arrived: number): TransportError {
    if (arrived === 0) {
      this.log.note(`no data from server within ${timeoutMs} ms`);
      return new TransportError('ERR_TRANSPORT_TIMEOUT', `${this.target} sent nothing for ${timeoutMs} ms`);
    }
    this.log.note(`only ${arrived} bytes from server within ${timeoutMs} ms, no complete line`);
    return new TransportError('ERR_TRANSPORT_TIMEOUT', `${this.target} sent only ${arrived} bytes in ${timeoutMs} ms without completing a line or literal`);
  }

  private stepTimeout(): TransportError {
    const text = `the step timeout (${this.stepTimeoutMs} ms) ran out: ${this.stepBytes} bytes read since the last command, and the server still owes more`;
    this.log.note(text);
    return new TransportError('ERR_TRANSPORT_STEP_TIMEOUT', `${this.target} did not finish answering within ${this.stepTimeoutMs} ms (the tool's step timeout)`);
  }

  private responseTooLarge(announced: number): TransportError {
    const what = announced > 0 ? `announced ${announced} more bytes after ${this.stepBytes}` : `sent ${this.stepBytes} bytes`;
    this.log.note(`max response size (${this.maxResponseBytes} bytes) reached: the server ${what} in answer to one command`);
    return new TransportError(
      'ERR_TRANSPORT_RESPONSE_TOO_LARGE',
      `${this.target} ${what} in answer to one command, over ${this.maxResponseBytes} bytes (the tool's max response size)`,
    );
  }

  /** Flow control: stop reading the socket while enough is buffered; resume once a reader made room. */
  private resumeIfRoom(): void {
    if (this.paused && this.frames.bufferedBytes < Math.max(this.highWater, this.wanted)) {
      this.paused = false;
      this.socket.resume();
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
      this.receivedTotal += chunk.length;
      if (this.frames.bufferedBytes >= Math.max(this.highWater, this.wanted)) {
        this.paused = true;
        socket.pause();
      }
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

/** OpenSSL's verification failures (self-signed, unknown issuer, expired, wrong name): the user's trust settings decide, not the protocol. */
const CERTIFICATE_ERRORS = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ALTNAME/;

/** A TLS handshake over `socket`, bounded by the connect timeout; failures name what to try. */
function handshake(socket: net.Socket, options: ConnectOptions, log: WireLog): Promise<tls.TLSSocket> {
  const target = formatTarget(options.host, options.port);
  const settings = options.tls ?? { verify: true };
  const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const servername = settings.servername ?? (net.isIP(options.host) ? undefined : options.host);
  return new Promise((resolve, reject) => {
    const secure = tls.connect({
      socket,
      ...(servername !== undefined ? { servername } : {}),
      ...(settings.ca !== undefined ? { ca: [...settings.ca] } : {}),
      rejectUnauthorized: settings.verify,
    });
    const fail = (message: string, code: 'ERR_TRANSPORT_TLS' | 'ERR_TRANSPORT_TLS_CERT' = 'ERR_TRANSPORT_TLS'): void => {
      clearTimeout(timer);
      secure.destroy();
      log.note(message);
      reject(new TransportError(code, message));
    };
    const timer = setTimeout(() => fail(`TLS handshake with ${target} did not finish within ${timeoutMs} ms`), timeoutMs);
    secure.once('error', (err: NodeJS.ErrnoException & { readonly reason?: unknown }) => {
      const certificate = err.code !== undefined && CERTIFICATE_ERRORS.test(err.code);
      // OpenSSL's own message is a multi-line dump; its reason ("wrong version number") is what a user can act on.
      const why = typeof err.reason === 'string' ? err.reason : (err.message.split('\n')[0] ?? err.message);
      fail(`TLS handshake with ${target} failed: ${why}`, certificate ? 'ERR_TRANSPORT_TLS_CERT' : 'ERR_TRANSPORT_TLS');
    });
    secure.once('secureConnect', () => {
      clearTimeout(timer);
      secure.removeAllListeners('error');
      const info = describeTls(secure);
      log.note(`TLS established with ${target}: ${info.protocol} ${info.cipher}${info.authorized ? '' : ` (certificate NOT verified: ${info.authorizationError ?? 'verification off'})`}`);
      resolve(secure);
    });
  });
}

function describeTls(socket: tls.TLSSocket): TlsInfo {
  const subject = socket.getPeerCertificate()?.subject?.CN;
  return {
    protocol: socket.getProtocol() ?? 'unknown',
    cipher: socket.getCipher()?.name ?? 'unknown',
    authorized: socket.authorized,
    ...(socket.authorizationError ? { authorizationError: String(socket.authorizationError) } : {}),
    ...(typeof subject === 'string' ? { subject } : {}),
  };
}

function wireLength(line: FramedLine): number {
  return line.bytes.length + (line.ending === 'crlf' ? 2 : 1);
}

function formatTarget(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
