import net from 'node:net';
import type { ClientAction, FaultHooks, FaultProtocol, ServerAction } from './fault.js';
import { FrameSplitter, type Frame } from './framing.js';
import { createSession } from './create-session.js';
import type { Session } from './session.js';
import { terminateTls, type ProxyTlsIdentity } from './terminate-tls.js';

/** Longest client line interpreted: past it the fault still sees the first 64 KiB, then bytes flow raw. */
export const MAX_CLIENT_LINE_BYTES = 64 * 1024;
/** Longest server unit (an IMAP response with its literals) buffered for rewriting. */
export const MAX_SERVER_UNIT_BYTES = 8 * 1024 * 1024;
/** How long the server gets to close after a fault's last words for it (FaultHooks.clientGone). */
export const GOODBYE_MS = 2000;

export interface UpstreamAddress {
  readonly host: string;
  readonly port: number;
}

export interface ConnectionEvents {
  /** A hook returned an action. */
  fired(): void;
  crash(reason: string): void;
  closed(connection: ProxiedConnection): void;
}

/**
 * framed: units go through the fault. raw: bytes flow unchanged (after STARTTLS, or after a unit
 * outgrew its bound). tls: the proxy shakes hands on both sides itself (replay-after-tls), nothing
 * flows. hung: nothing flows either way. done: closed or closing.
 */
type Mode = 'framed' | 'raw' | 'tls' | 'hung' | 'done';

/** Client bytes kept behind a STARTTLS/STLS for replay inside TLS (replay-after-tls). */
interface Kept {
  /** The command that asked for TLS: its final reply decides. */
  readonly verb: string;
  readonly chunks: Buffer[];
  bytes: number;
}

/** A reply the proxy makes itself, due once the server has completed `after` replies. */
interface OwnAnswer {
  readonly after: number;
  readonly bytes: Buffer;
  readonly close: boolean;
}

const EMPTY = Buffer.alloc(0);

/** Closes after what was written has gone out (FIN), then frees the socket. */
function closeGracefully(socket: net.Socket): void {
  if (socket.destroyed || socket.writableEnded) return;
  socket.end(() => socket.destroy());
}

/** One client connection and its own upstream connection, with the fault's hooks between them. */
export class ProxiedConnection {
  private mode: Mode = 'framed';
  /** Replaced by TLS sockets when a fault terminates TLS. */
  private upstream: net.Socket;
  private readonly clientFrames = new FrameSplitter({ maxUnitBytes: MAX_CLIENT_LINE_BYTES, literalsInUnit: false });
  private readonly serverFrames: FrameSplitter;
  private readonly session: Session;
  private readonly answers: OwnAnswer[] = [];
  /** The proxy answered a command with close: later client bytes are ignored. */
  private clientShut = false;
  /** The fault has been told the client left (FaultHooks.clientGone). */
  private clientLeft = false;
  /** The fault's last bytes went to the server with a FIN: its side closes on its own (bounded). */
  private goodbyeSent = false;
  private kept: Kept | undefined;
  /** Takes this connection's listeners off the current pair of sockets. */
  private unwire: () => void = () => undefined;

  constructor(
    private client: net.Socket,
    upstream: UpstreamAddress,
    protocol: FaultProtocol,
    private readonly hooks: FaultHooks,
    private readonly events: ConnectionEvents,
    /** For faults that terminate TLS (replay-after-tls). */
    private readonly identity?: ProxyTlsIdentity,
  ) {
    this.serverFrames = new FrameSplitter({ maxUnitBytes: MAX_SERVER_UNIT_BYTES, literalsInUnit: protocol === 'imap' });
    this.session = createSession(protocol, this.clientFrames);
    // No Nagle: the proxy writes a reply unit by unit, and each small write would otherwise wait ~40 ms for an ACK.
    this.upstream = net.connect({ host: upstream.host, port: upstream.port, allowHalfOpen: true, noDelay: true });
    client.setNoDelay(true);
    this.wire();
  }

  /** Closes both sides now; `reset` sends the client an RST, as a crashing process would. */
  destroy(reset: boolean): void {
    this.mode = 'done';
    if (reset && !this.client.destroyed) this.client.resetAndDestroy();
    else this.client.destroy();
    this.upstream.destroy();
  }

  private wire(): void {
    const { client, upstream } = this;
    const clientData = (chunk: Buffer): void => this.fromClient(chunk);
    const serverData = (chunk: Buffer): void => this.fromServer(chunk);
    const clientEnd = (): void => {
      const last = this.noteClientGone();
      // A hung server never reads the goodbye; otherwise the server sees the client's FIN.
      if (this.mode === 'hung') return this.destroy(false);
      if (this.mode !== 'done') this.toServer(this.clientFrames.drain());
      if (last.length > 0) this.sendGoodbye(last);
      else upstream.end();
    };
    const serverEnd = (): void => {
      if (this.mode === 'hung') return; // a hung server keeps the client waiting, whatever the real one does
      if (this.mode !== 'done') this.toClient(this.serverFrames.drain());
      closeGracefully(client);
    };
    const serverClose = (hadError: boolean): void => {
      if (this.mode === 'hung') return;
      // Mirror a reset as a reset: turning the server's RST into a FIN would show the client an orderly close that never happened.
      if (hadError && !client.destroyed) client.resetAndDestroy();
      else closeGracefully(client);
    };
    const clientClose = (): void => {
      const last = this.noteClientGone();
      this.mode = 'done';
      if (last.length > 0) this.sendGoodbye(last);
      else if (!this.goodbyeSent) upstream.destroy();
      this.events.closed(this);
    };
    client.on('data', clientData).on('end', clientEnd).on('close', clientClose);
    upstream.on('data', serverData).on('end', serverEnd).on('close', serverClose);
    // Errors end in 'close', which closes the other side. These stay: a socket must never emit an unheard 'error'.
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
    this.unwire = () => {
      client.off('data', clientData).off('end', clientEnd).off('close', clientClose);
      upstream.off('data', serverData).off('end', serverEnd).off('close', serverClose);
    };
  }

  private fromClient(chunk: Buffer): void {
    if (this.clientShut || this.mode === 'hung' || this.mode === 'done') return;
    if (this.kept) return this.keep(chunk);
    if (this.mode === 'raw') return this.toServer(chunk);
    this.clientFrames.feed(chunk);
    // What the client wrote at once goes on in one write, not one per unit: a server sees the same reads
    // (a command pipelined behind STARTTLS arrives in its read buffer, not after it started TLS).
    const upstream = this.upstream;
    upstream.cork();
    try {
      // next() consumes bytes each time, so the loop ends with the buffer.
      for (let frame = this.clientFrames.next(); frame && this.mode === 'framed' && !this.clientShut && !this.kept; frame = this.clientFrames.next()) this.onClientFrame(frame);
    } finally {
      upstream.uncork();
    }
  }

  private fromServer(chunk: Buffer): void {
    if (this.mode === 'hung' || this.mode === 'done') return;
    if (this.mode === 'raw') return this.toClient(chunk);
    this.serverFrames.feed(chunk);
    for (let frame = this.serverFrames.next(); frame && this.mode === 'framed'; frame = this.serverFrames.next()) this.onServerFrame(frame);
  }

  private onClientFrame(frame: Frame): void {
    const unit = { ...this.session.classifyClient(frame), pipelined: this.clientFrames.pending > 0 };
    const action = this.hooks.client?.(unit, this.session);
    if (action) this.events.fired();
    if (!action) {
      this.toServer(unit.bytes);
      this.session.sent(unit);
    } else if (action.do === 'replace') {
      // Empty bytes drop the command, and the server owes it no reply.
      if (action.bytes.length > 0) {
        this.toServer(action.bytes);
        this.session.sent(unit);
      }
    } else if (action.do === 'answer') {
      this.answer(action);
    } else if (action.do === 'replay-after-tls') {
      this.toServer(unit.bytes);
      this.session.sent(unit);
      this.kept = { verb: unit.verb, chunks: [], bytes: 0 };
      this.keep(this.clientFrames.drain());
    } else {
      this.act(action);
    }
    if (frame.partial) this.goRaw();
  }

  private onServerFrame(frame: Frame): void {
    const unit = this.session.classifyServer(frame);
    const action = this.hooks.server?.(unit, this.session);
    if (action) this.events.fired();
    if (!action) this.toClient(unit.bytes);
    else if (action.do === 'replace') this.toClient(action.bytes);
    else this.act(action);
    if (this.mode !== 'framed') return;
    this.session.received(unit);
    this.deliverAnswers();
    if (this.kept && this.session.opaque) return this.terminateTls();
    if (this.kept && unit.final && unit.answers === this.kept.verb) this.release();
    if (this.session.opaque || frame.partial) this.goRaw();
  }

  /** Bounded like a client line: a client that keeps sending while it waits for the go-ahead is cut off. */
  private keep(chunk: Buffer): void {
    if (!this.kept || chunk.length === 0) return;
    this.kept.chunks.push(chunk);
    this.kept.bytes += chunk.length;
    if (this.kept.bytes > MAX_CLIENT_LINE_BYTES) this.destroy(true);
  }

  /** The server refused TLS: the kept bytes are commands like any others. */
  private release(): void {
    const kept = Buffer.concat(this.kept?.chunks ?? []);
    this.kept = undefined;
    this.fromClient(kept);
  }

  /** After the go-ahead went to the client: TLS on both sides by the proxy, then the kept bytes to the server inside it. */
  private terminateTls(): void {
    if (!this.identity) return this.destroy(true); // startFaultProxy refuses such a fault without a certificate
    this.toClient(this.serverFrames.drain()); // plaintext after the go-ahead stays the client's to see, as from the server
    this.mode = 'tls';
    this.unwire();
    const secured = terminateTls(
      this.client,
      this.upstream,
      this.identity,
      () => this.tlsUp(),
      () => {
        this.noteClientGone();
        this.destroy(false);
        this.events.closed(this);
      },
    );
    this.client = secured.client;
    this.upstream = secured.upstream;
  }

  private tlsUp(): void {
    if (this.mode !== 'tls') return;
    this.mode = 'raw';
    const kept = Buffer.concat(this.kept?.chunks ?? []);
    this.kept = undefined;
    // First the replayed plaintext, then whatever the client sends inside TLS (it flows once wired, a tick later).
    this.toServer(kept);
    this.wire();
  }

  private act(action: Exclude<ServerAction, { do: 'replace' }>): void {
    if (action.do === 'hang') this.mode = 'hung';
    else if (action.do === 'reset') this.destroy(true);
    else this.events.crash(action.reason);
  }

  /** SMTP and POP3 reply in order: the proxy's own answer waits for the replies owed before it. */
  private answer(action: Extract<ClientAction, { do: 'answer' }>): void {
    const after = this.session.ordered ? this.session.repliesOwed : 0;
    this.answers.push({ after, bytes: action.bytes, close: action.close });
    if (action.close) this.clientShut = true;
    this.deliverAnswers();
  }

  private deliverAnswers(): void {
    const done = this.session.ordered ? this.session.repliesDone : 0;
    for (let next = this.answers[0]; next && next.after <= done && this.mode === 'framed'; next = this.answers[0]) {
      this.answers.shift();
      this.toClient(next.bytes);
      if (!next.close) continue;
      // The server never sees the command: its connection just drops, as a client's that vanished.
      this.mode = 'done';
      this.upstream.destroy();
      closeGracefully(this.client);
    }
  }

  /** Tells the fault, once, that the client left; returns its bytes for the server if it can still take them. */
  private noteClientGone(): Buffer {
    if (this.clientLeft) return EMPTY;
    this.clientLeft = true;
    const bytes = this.hooks.clientGone?.(this.session);
    // Only a framed, live session: not into a TLS stream, a hung server or a closed socket.
    if (!bytes || bytes.length === 0 || this.mode !== 'framed' || this.clientShut || !this.upstream.writable) return EMPTY;
    this.events.fired();
    return bytes;
  }

  private sendGoodbye(bytes: Buffer): void {
    this.goodbyeSent = true;
    this.upstream.end(bytes);
    this.upstream.setTimeout(GOODBYE_MS, () => this.upstream.destroy());
  }

  private goRaw(): void {
    if (this.mode !== 'framed') return;
    this.mode = 'raw';
    this.toServer(this.clientFrames.drain());
    this.toClient(this.serverFrames.drain());
  }

  private toServer(bytes: Buffer): void {
    if (bytes.length > 0 && !this.upstream.destroyed) this.relay(bytes, this.upstream, this.client);
  }

  private toClient(bytes: Buffer): void {
    if (bytes.length > 0 && !this.client.destroyed) this.relay(bytes, this.client, this.upstream);
  }

  /** Backpressure: while `to` cannot keep up, stop reading `from`, so no buffer grows without bound. */
  private relay(bytes: Buffer, to: net.Socket, from: net.Socket): void {
    if (to.write(bytes) || from.isPaused()) return;
    from.pause();
    to.once('drain', () => from.resume());
  }
}
