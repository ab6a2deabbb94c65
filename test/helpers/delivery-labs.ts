import { dovecotUnavailableReason, startDovecot, type DovecotLab } from '../../src/lab/dovecot.js';
import { postfixUnavailableReason, startPostfix, type PostfixLab } from '../../src/lab/postfix.js';
import type { FuzzSettings } from '../../src/fuzz/fuzz-property.js';

/** A lab Postfix that delivers alice's mail into the Maildir a lab Dovecot serves over POP3; bob's stays in Postfix's own Maildir. */
export interface DeliveryLabs {
  readonly postfix: PostfixLab;
  readonly dovecot: DovecotLab;
  readonly password: string;
  /** smtp.delivery settings: SMTP at `smtpPort` (Postfix, or a proxy in front of it), alice's mail read back from Dovecot. */
  settings(smtpPort: number, overrides?: { readonly rcpt?: string; readonly deliveryTimeoutMs?: number }): FuzzSettings;
  stop(): Promise<void>;
}

/** Why the pair cannot run here (in CI both must be installed, so never a skip there). */
export function deliveryLabsUnavailableReason(): string | undefined {
  if (/^(1|true)$/i.test(process.env['CI'] ?? '')) return undefined;
  return postfixUnavailableReason() ?? dovecotUnavailableReason();
}

export async function startDeliveryLabs(password: string): Promise<DeliveryLabs> {
  // No auth failure delay: a wrong password in a test fails in ms, not 2 s.
  const dovecot = await startDovecot({ users: [{ name: 'alice', password }], authPenalty: false, authFailureDelay: false });
  let postfix: PostfixLab;
  try {
    // Dovecot keeps its Maildirs owned by the system user mail: Postfix's local(8) delivers as that user.
    postfix = await startPostfix({ users: ['bob'], linkedMaildirs: { owner: 'mail', maildirs: { alice: dovecot.users[0]!.maildir } } });
  } catch (err) {
    await dovecot.stop();
    throw err;
  }
  const alice = postfix.mailboxes.find((m) => m.user === 'alice')!;
  return {
    postfix,
    dovecot,
    password,
    settings: (smtpPort, overrides = {}) => ({
      protocol: 'smtp',
      endpoint: { host: '127.0.0.1', port: smtpPort },
      vars: new Map([['rcpt', overrides.rcpt ?? alice.address]]),
      answerTimeoutMs: 5000,
      connectTimeoutMs: 5000,
      allowDestructive: false,
      namespace: 'mailconform-fuzz-t',
      maxCommands: 12,
      linked: { protocol: 'pop3', endpoint: { host: dovecot.host, port: dovecot.pop3Port }, user: 'alice', password, deliveryTimeoutMs: overrides.deliveryTimeoutMs ?? 10_000 },
    }),
    stop: async () => {
      await postfix.stop();
      await dovecot.stop();
    },
  };
}
