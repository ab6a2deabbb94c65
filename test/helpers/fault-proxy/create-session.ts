import type { FaultProtocol } from './fault.js';
import type { FrameSplitter } from './framing.js';
import { ImapSession } from './imap-session.js';
import { Pop3Session } from './pop3-session.js';
import type { Session } from './session.js';
import { SmtpSession } from './smtp-session.js';

/** The tracker for `protocol`; SMTP and IMAP tell `clientFrames` when announced octets follow a line. */
export function createSession(protocol: FaultProtocol, clientFrames: FrameSplitter): Session {
  switch (protocol) {
    case 'smtp':
      return new SmtpSession(clientFrames);
    case 'pop3':
      return new Pop3Session();
    case 'imap':
      return new ImapSession(clientFrames);
  }
}
