import net from 'node:net';

/**
 * A deliberately faulty TCP server for proving the tool catches bugs (the only kind of fake server
 * the project allows). `onConnect` writes the greeting (or nothing); `onLine` answers each client
 * line with raw bytes, or closes. Listens on 127.0.0.1, port chosen by the OS.
 */
export interface FaultServerScript {
  onConnect?(socket: net.Socket): void;
  onLine?(line: string, socket: net.Socket): void;
}

export interface FaultServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startFaultServer(script: FaultServerScript): Promise<FaultServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      for (let lf = buffered.indexOf('\n'); lf !== -1; lf = buffered.indexOf('\n')) {
        const line = buffered.slice(0, lf).replace(/\r$/, '');
        buffered = buffered.slice(lf + 1);
        if (!socket.destroyed) script.onLine?.(line, socket);
      }
    });
    script.onConnect?.(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A minimal SMTP-ish responder whose replies can be swapped per verb to inject one fault. */
export function smtpLike(overrides: Readonly<Record<string, string | ((socket: net.Socket) => void)>> = {}): FaultServerScript {
  const normal: Record<string, string> = {
    GREETING: '220 fault.example.test ESMTP test\r\n',
    EHLO: '250-fault.example.test\r\n250 PIPELINING\r\n',
    HELO: '250 fault.example.test\r\n',
    MAIL: '250 2.1.0 Ok\r\n',
    RCPT: '250 2.1.5 Ok\r\n',
    RSET: '250 2.0.0 Ok\r\n',
    NOOP: '250 2.0.0 Ok\r\n',
    QUIT: '221 2.0.0 Bye\r\n',
  };
  const answer = (key: string, socket: net.Socket): void => {
    const reply = overrides[key] ?? normal[key] ?? '500 5.5.2 unknown command\r\n';
    if (typeof reply === 'function') reply(socket);
    else socket.write(reply, 'latin1');
    if (key === 'QUIT' && overrides.QUIT === undefined) socket.end();
  };
  return {
    onConnect: (socket) => answer('GREETING', socket),
    onLine: (line, socket) => answer((/^[A-Za-z]+/.exec(line)?.[0] ?? '').toUpperCase(), socket),
  };
}
