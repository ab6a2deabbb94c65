import type net from 'node:net';

/**
 * What a hostile fault server does to exhaust a client: flood it, drip bytes at it, never end a
 * line. Each stops by itself when the client goes away, and after `maxBytes` at most, so a test
 * that fails can't leave a writer running.
 */

/** Writes `line` again and again as fast as the client reads (respecting backpressure). */
export function flood(socket: net.Socket, line: string, maxBytes = 512 * 1024 * 1024): void {
  const chunk = Buffer.from(line.repeat(Math.max(1, Math.floor(16_384 / line.length))), 'latin1');
  let sent = 0;
  const pump = (): void => {
    while (!socket.destroyed && sent < maxBytes) {
      sent += chunk.length;
      if (!socket.write(chunk)) {
        socket.once('drain', pump);
        return;
      }
    }
  };
  pump();
}

/** Sends `bytes` one byte per `intervalMs`, then `after` if given; stops when the client closes. */
export function drip(socket: net.Socket, bytes: string, intervalMs: number, after?: () => void): void {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || i >= bytes.length) {
      clearInterval(timer);
      if (!socket.destroyed) after?.();
      return;
    }
    socket.write(bytes[i++]!, 'latin1');
  }, intervalMs);
  socket.once('close', () => clearInterval(timer));
}

/** Resident set size now, in MiB. */
export function rssMiB(): number {
  return process.memoryUsage().rss / (1024 * 1024);
}
