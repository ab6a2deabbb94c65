import { expectsMultiline, GREETING_COMMAND, parseCommandLine, type Pop3Command } from '../../../protocol/pop3/pop3-command.js';
import type { Pop3Line } from '../../../protocol/pop3/pop3-response.js';
import { pop3Adapter } from '../../../script/adapters/pop3-adapter.js';
import type { CaseConnection, CaseProtocol, ExpectLine } from './case-protocol.js';

/** A status line, then the body and "." if the command is a multi-line one and succeeded (RFC 1939 §3). */
function response(status: string): ExpectLine[] {
  return [
    { prefix: 'S:', pattern: `${status} *` },
    { prefix: 'S*:', pattern: '*' },
    { prefix: 'S?:', pattern: '.' },
  ];
}

/** The rest of a multi-line body, up to its "." line. */
const REST_OF_BODY: readonly ExpectLine[] = [
  { prefix: 'S*:', pattern: '*' },
  { prefix: 'S:', pattern: '.' },
];

/** The client side of one POP3 connection, as far as patterns need it: which responses are owed, and whether a body is being read. */
class Pop3CaseConnection implements CaseConnection<Pop3Line> {
  private readonly owed: Pop3Command[] = [GREETING_COMMAND];
  private inBody = false;
  /** Bytes after the last CRLF: only CRLF ends a client line (RFC 1939 §3). */
  private tail = '';

  sent(line: Buffer): boolean {
    const lines = (this.tail + line.toString('latin1')).split('\r\n');
    this.tail = lines.pop() ?? '';
    for (const text of lines) this.owed.push(parseCommandLine(text));
    return false;
  }

  widen(line: Pop3Line): ExpectLine {
    switch (line.kind) {
      case 'status': {
        const command = this.owed.shift();
        this.inBody = line.status === '+OK' && command !== undefined && expectsMultiline(command);
        return { prefix: 'S:', pattern: `${line.status ?? '+OK|-ERR'} *` };
      }
      case 'data':
        return { prefix: 'S*:', pattern: '*' };
      case 'end':
        this.inBody = false;
        return { prefix: 'S:', pattern: '.' };
      case 'continuation':
        return { prefix: 'S:', pattern: '+ *' };
    }
  }

  anyAnswer(): ExpectLine[] {
    return this.inBody ? [...REST_OF_BODY] : response('+OK|-ERR');
  }

  // The maildrop model's status rules name "+OK" or "-ERR"; its counts and contents are no pattern.
  demanded(expected: string): ExpectLine[] | undefined {
    if (expected === '+OK') return response('+OK');
    return expected === '-ERR' ? [{ prefix: 'S:', pattern: '-ERR *' }] : undefined;
  }
}

export const POP3_CASE_PROTOCOL: CaseProtocol<Pop3Line> = {
  adapter: pop3Adapter,
  probe: 'NOOP',
  credentialLine: /^(PASS|AUTH) /i,
  open: () => new Pop3CaseConnection(),
};
