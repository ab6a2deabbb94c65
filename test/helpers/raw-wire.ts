import { once } from 'node:events';
import net from 'node:net';

/** A raw client socket, for tests where the reference clients would hide what the server does. */
export interface RawWire {
  /** The text up to and including the first match of `until`; rejects after `waitMs`, or on close. */
  read(until: RegExp, waitMs?: number): Promise<string>;
  write(text: string): void;
  /** Waits `ms` and returns whatever arrived meanwhile (to show that nothing did). */
  quiet(ms: number): Promise<string>;
  /** Resolves when the socket closes: the error code (e.g. ECONNRESET), or 'closed' for a clean close. */
  readonly closed: Promise<string>;
  close(): void;
}

const WAIT_MS = 5000;

export async function dialRaw(port: number): Promise<RawWire> {
  const socket = net.connect({ host: '127.0.0.1', port });
  await once(socket, 'connect', { signal: AbortSignal.timeout(WAIT_MS) });
  let text = '';
  let failure = 'closed';
  let wake = (): void => undefined;
  socket.on('data', (b: Buffer) => {
    text += b.toString('latin1');
    wake();
  });
  socket.on('error', (e: NodeJS.ErrnoException) => {
    failure = e.code ?? e.message;
  });
  const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(failure)));
  let isClosed = false;
  void closed.then(() => {
    isClosed = true;
    wake();
  });
  const read = async (until: RegExp, waitMs = WAIT_MS): Promise<string> => {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const m = until.exec(text);
      if (m) {
        const out = text.slice(0, m.index + m[0].length);
        text = text.slice(out.length);
        return out;
      }
      const left = deadline - Date.now();
      if (isClosed || left <= 0) throw new Error(`${isClosed ? 'closed' : 'timed out'} waiting for ${String(until)}; got ${JSON.stringify(text)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  };
  return {
    read,
    write: (t) => void socket.write(t, 'latin1'),
    quiet: async (ms) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      const got = text;
      text = '';
      return got;
    },
    closed,
    close: () => socket.destroy(),
  };
}

/** Resolves with the connect error code, or 'connected' if the port accepts. */
export async function probePort(port: number): Promise<string> {
  const s = net.connect({ host: '127.0.0.1', port });
  try {
    await once(s, 'connect', { signal: AbortSignal.timeout(WAIT_MS) });
    return 'connected';
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  } finally {
    s.destroy();
  }
}
