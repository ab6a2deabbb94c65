import net from 'node:net';

// Ports already handed out by this process, so two labs started at once never get the same one.
const issued = new Set<number>();

function bindZero(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error(`freePort: unexpected server address ${String(address)}`));
        return;
      }
      const { port } = address;
      server.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}

/**
 * A TCP port that was free on `host` a moment ago: bind port 0, read what the kernel chose, close.
 * Racy by nature (another process may take it before the caller binds), which is fine for test labs.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const port = await bindZero(host);
    if (!issued.has(port)) {
      issued.add(port);
      return port;
    }
  }
  throw new Error(`freePort: no fresh port on ${host} after 20 tries`);
}
