import { imapAdapter } from '../../../src/script/adapters/imap-adapter.js';
import { pop3Adapter } from '../../../src/script/adapters/pop3-adapter.js';
import { smtpAdapter } from '../../../src/script/adapters/smtp-adapter.js';
import type { HostileProtocolKit } from './hostile-scenario.js';
import { IMAP_CLIENT, IMAP_PROBE, IMAP_UNSOLICITED } from './imap-scenarios.js';
import { loadHostileCases } from './load-hostile-cases.js';
import { POP3_CLIENT, POP3_PROBE, POP3_UNSOLICITED } from './pop3-scenarios.js';
import { SMTP_CLIENT, SMTP_PROBE, SMTP_UNSOLICITED } from './smtp-scenarios.js';

/** Every protocol's kit, with its suite cases loaded from suites/. */
export async function loadProtocolKits(): Promise<[HostileProtocolKit<unknown>, HostileProtocolKit<unknown>, HostileProtocolKit<unknown>]> {
  const smtp = { protocol: 'smtp' as const, adapter: smtpAdapter, clients: [SMTP_CLIENT, SMTP_PROBE], cases: await loadHostileCases(smtpAdapter), unsolicited: SMTP_UNSOLICITED };
  const pop3 = { protocol: 'pop3' as const, adapter: pop3Adapter, clients: [POP3_CLIENT, POP3_PROBE], cases: await loadHostileCases(pop3Adapter), unsolicited: POP3_UNSOLICITED };
  const imap = { protocol: 'imap' as const, adapter: imapAdapter, clients: [IMAP_CLIENT, IMAP_PROBE], cases: await loadHostileCases(imapAdapter), unsolicited: IMAP_UNSOLICITED };
  return [smtp, pop3, imap] as [HostileProtocolKit<unknown>, HostileProtocolKit<unknown>, HostileProtocolKit<unknown>];
}
