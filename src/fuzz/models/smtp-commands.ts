import type fc from 'fast-check';
import type { SmtpEnvelopeModel, SmtpRecipientKind } from '../../model/smtp-envelope.js';
import type { SmtpModelAddresses, SmtpModelReal } from './smtp-model-real.js';

/** A model command: fast-check's check / run / toString over the envelope model and a live server. */
export type SmtpModelCommand = fc.AsyncCommand<SmtpEnvelopeModel, SmtpModelReal>;

/** Every command is possible in every state (that is the point); none after the server's 421. */
abstract class SessionCommand implements SmtpModelCommand {
  check(model: Readonly<SmtpEnvelopeModel>): boolean {
    return !model.closed;
  }
  async run(model: SmtpEnvelopeModel, real: SmtpModelReal): Promise<void> {
    real.stats.commands++;
    await this.exchange(model, real);
  }
  protected abstract exchange(model: SmtpEnvelopeModel, real: SmtpModelReal): Promise<void>;
  abstract toString(): string;
}

export class HelloCommand extends SessionCommand {
  constructor(readonly verb: 'EHLO' | 'HELO') {
    super();
  }
  protected async exchange(model: SmtpEnvelopeModel, real: SmtpModelReal): Promise<void> {
    const reply = await real.send(`${this.verb} ${real.addresses.client}`);
    real.check(model.onHello(this.verb, reply.code));
  }
  toString(): string {
    return this.verb;
  }
}

/** MAIL FROM with the run's sender, or the null reverse-path (§4.5.5). */
export class MailCommand extends SessionCommand {
  constructor(readonly nullPath: boolean) {
    super();
  }
  protected async exchange(model: SmtpEnvelopeModel, real: SmtpModelReal): Promise<void> {
    const reply = await real.send(`MAIL FROM:<${this.nullPath ? '' : real.addresses.from}>`);
    real.check(model.onMail(reply.code));
  }
  toString(): string {
    return this.nullPath ? 'MAIL FROM:<>' : 'MAIL FROM:<from>';
  }
}

/** The forward-path of each recipient kind; off-domain ones are under .test (RFC 2606), so never deliverable. */
export function recipientAddress(kind: SmtpRecipientKind, addresses: SmtpModelAddresses): string {
  switch (kind) {
    case 'valid':
      return addresses.rcpt;
    case 'unknown-local':
      return `mailconform-no-such-user@${addresses.domain}`;
    case 'off-domain':
      return 'mailconform@off-domain.mailconform.test';
    case 'unqualified':
      return 'mailconform-unqualified';
    case 'postmaster':
      return 'Postmaster';
  }
}

export class RcptCommand extends SessionCommand {
  constructor(readonly kind: SmtpRecipientKind) {
    super();
  }
  protected async exchange(model: SmtpEnvelopeModel, real: SmtpModelReal): Promise<void> {
    const reply = await real.send(`RCPT TO:<${recipientAddress(this.kind, real.addresses)}>`);
    real.check(model.onRcpt(this.kind, reply.code));
  }
  toString(): string {
    return `RCPT TO:<${this.kind}>`;
  }
}

/** DATA; after a 354, a small message whose body lines may start with "." (§4.5.2 transparency). */
export class DataCommand extends SessionCommand {
  constructor(readonly bodyLines: readonly string[]) {
    super();
  }
  protected async exchange(model: SmtpEnvelopeModel, real: SmtpModelReal): Promise<void> {
    const reply = await real.send('DATA');
    const { breaches, sendContent } = model.onData(reply.code);
    real.check(breaches);
    if (!sendContent) return;
    const end = await real.sendContent(composeMessage(real.addresses, this.bodyLines));
    real.check(model.onDataEnd(end.code));
  }
  toString(): string {
    return `DATA ${JSON.stringify(this.bodyLines)}`;
  }
}

export function composeMessage(addresses: SmtpModelAddresses, bodyLines: readonly string[]): Buffer {
  const headers = [`From: <${addresses.from}>`, `To: <${addresses.rcpt}>`, 'Subject: mailconform envelope model'];
  return Buffer.from([...headers, '', ...bodyLines].map((l) => `${l}\r\n`).join(''), 'latin1');
}

export class RsetCommand extends SessionCommand {
  protected async exchange(model: SmtpEnvelopeModel, real: SmtpModelReal): Promise<void> {
    real.check(model.onRset((await real.send('RSET')).code));
  }
  toString(): string {
    return 'RSET';
  }
}

export class NoopCommand extends SessionCommand {
  protected async exchange(model: SmtpEnvelopeModel, real: SmtpModelReal): Promise<void> {
    real.check(model.onNoop((await real.send('NOOP')).code));
  }
  toString(): string {
    return 'NOOP';
  }
}

/** VRFY of the recipient's local part: the server may answer as it likes (§3.5.3), short of 503 before EHLO. */
export class VrfyCommand extends SessionCommand {
  protected async exchange(model: SmtpEnvelopeModel, real: SmtpModelReal): Promise<void> {
    const local = real.addresses.rcpt.slice(0, Math.max(0, real.addresses.rcpt.lastIndexOf('@'))) || real.addresses.rcpt;
    real.check(model.onVrfy((await real.send(`VRFY ${local}`)).code));
  }
  toString(): string {
    return 'VRFY';
  }
}
