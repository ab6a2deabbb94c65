import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HostileSegment, HostileStream } from './hostile-stream.js';

/**
 * A deliberately hostile TCP server on 127.0.0.1 (port 0) that plays the loaded stream to every
 * connection: segments released as the client's lines arrive, cut and paced by the write schedule,
 * then closed, reset or left silent. One listener serves many streams: load() swaps the stream and
 * drops the previous stream's connections, so a run never sees bytes meant for another.
 */
export class ReplayServer {
  private stream: HostileStream | undefined;
  private readonly live = new Set<ReplayConnection>();

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(): Promise<ReplayServer> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const replay = new ReplayServer(server, (server.address() as net.AddressInfo).port);
    server.on('connection', (socket) => replay.accept(socket));
    return replay;
  }

  /** Plays `stream` to connections from now on; connections of the previous stream are destroyed. */
  load(stream: HostileStream): void {
    this.dropConnections();
    this.stream = stream;
  }

  dropConnections(): void {
    for (const connection of this.live) connection.stop();
    this.live.clear();
  }

  close(): Promise<void> {
    this.dropConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    socket.on('error', () => undefined);
    const stream = this.stream;
    if (!stream) {
      socket.destroy();
      return;
    }
    const connection = new ReplayConnection(socket, stream);
    this.live.add(connection);
    socket.on('close', () => this.live.delete(connection));
    void connection.play();
  }
}

class ReplayConnection {
  private clientLines = 0;
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly socket: net.Socket,
    private readonly stream: HostileStream,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      for (const byte of chunk) if (byte === 0x0a) this.clientLines++;
      this.wake?.();
    });
    socket.on('close', () => this.stop());
  }

  stop(): void {
    this.stopped = true;
    this.socket.destroy();
    this.wake?.();
  }

  async play(): Promise<void> {
    let offset = 0;
    let piece = 0;
    for (const segment of this.stream.segments) {
      if (!(await this.gateOpens(segment))) return;
      for (const bytes of this.cut(segment.bytes, offset)) {
        const delay = this.stream.schedule.delaysMs.length > 0 ? this.stream.schedule.delaysMs[piece % this.stream.schedule.delaysMs.length]! : 0;
        piece++;
        // Byte-by-byte pieces need a turn of the event loop between them to reach the client apart.
        if (delay > 0) await sleep(delay);
        else if (bytes.length === 1) await new Promise((resolve) => setImmediate(resolve));
        if (this.stopped) return;
        this.socket.write(bytes);
      }
      offset += segment.bytes.length;
    }
    if (this.stopped) return;
    if (this.stream.ending === 'close') this.socket.end();
    else if (this.stream.ending === 'reset') this.socket.resetAndDestroy();
  }

  private async gateOpens(segment: HostileSegment): Promise<boolean> {
    while (!this.stopped && this.clientLines < segment.afterClientLines) {
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
    return !this.stopped;
  }

  /** The segment (at stream offset `start`) in the pieces the schedule asks for. */
  private cut(bytes: Buffer, start: number): Buffer[] {
    const { cuts, byteByBytePrefix } = this.stream.schedule;
    const ends = new Set<number>();
    for (let at = start + 1; at <= Math.min(byteByBytePrefix, start + bytes.length); at++) ends.add(at - start);
    for (const cut of cuts) if (cut > start && cut < start + bytes.length) ends.add(cut - start);
    ends.add(bytes.length);
    const pieces: Buffer[] = [];
    let from = 0;
    for (const end of [...ends].sort((a, b) => a - b)) {
      if (end > from) pieces.push(bytes.subarray(from, end));
      from = end;
    }
    return pieces;
  }
}
