import { createHash } from 'node:crypto';
import { loginPop3 } from '../../src/protocol/pop3/find-messages.js';

export interface MessageSnapshot {
  readonly uidl: string;
  readonly sha256: string;
  readonly octets: number;
  readonly seededByTool: boolean;
}

/**
 * Every message in a maildrop, by UIDL with a hash of its bytes, read through our own reference
 * client (RETR, so the comparison is what a POP3 user sees). Ends with RSET + QUIT: nothing changes.
 */
export async function snapshotMaildrop(port: number, user: string, password: string): Promise<MessageSnapshot[]> {
  const client = await loginPop3({ host: '127.0.0.1', port, readTimeoutMs: 10_000 }, user, password);
  try {
    const uidl = await client.uidl();
    const snapshot: MessageSnapshot[] = [];
    for (const line of uidl.response.lines) {
      const [msg, uid] = line.toString('latin1').split(' ');
      const retr = await client.retr(Number(msg));
      const body = Buffer.concat(retr.response.lines.flatMap((l) => [l, Buffer.from('\r\n')]));
      snapshot.push({
        uidl: uid!,
        sha256: createHash('sha256').update(body).digest('hex'),
        octets: retr.response.octets,
        seededByTool: body.subarray(0, 200).toString('latin1').startsWith('X-Mailconform-Seed:'),
      });
    }
    await client.rset();
    await client.quit();
    return snapshot;
  } finally {
    client.close();
  }
}
