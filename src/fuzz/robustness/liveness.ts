import type { WireLog } from '../../transport/wire-log.js';
import type { FuzzEndpoint } from '../fuzz-property.js';
import type { Protocol } from '../../report/result.js';
import { FUZZ_PROTOCOLS, type FuzzProtocol } from '../fuzz-protocol.js';
import { FuzzSession } from './fuzz-session.js';

export interface LivenessOptions {
  readonly endpoint: FuzzEndpoint;
  readonly log: WireLog;
  readonly connectTimeoutMs: number;
  readonly answerTimeoutMs: number;
}

/** The target could not be reached before a run began: not the input's fault, so never a finding. */
export class TargetUnavailableError extends Error {
  override readonly name = 'TargetUnavailableError';
  constructor(override readonly cause: unknown) {
    super(`the target cannot be reached: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** Whether a fresh connection greets and answers the protocol's NOOP: the server survived. */
export async function checkAlive<P>(protocol: FuzzProtocol<P>, options: LivenessOptions): Promise<{ readonly ok: true } | { readonly ok: false; readonly reason: string }> {
  let session: FuzzSession<P>;
  try {
    session = await FuzzSession.open(protocol, options);
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
  try {
    const greeting = await session.awaitAnswers();
    if (greeting.kind !== 'answered') return { ok: false, reason: describe(greeting.kind, 'greeting') };
    const sent = await session.send(protocol.noop, []);
    if (sent.kind !== 'sent') return { ok: false, reason: describe(sent.kind, 'NOOP') };
    const answer = await session.awaitAnswers();
    return answer.kind === 'answered' ? { ok: true } : { ok: false, reason: describe(answer.kind, 'NOOP') };
  } finally {
    session.close();
  }
}

function describe(kind: string, what: string): string {
  return kind === 'hang' ? `no answer to ${what} in time` : `connection ${kind} instead of an answer to ${what}`;
}

/** checkAlive for a protocol named at run time. */
export function checkProtocolAlive(protocol: Protocol, options: LivenessOptions): Promise<{ readonly ok: true } | { readonly ok: false; readonly reason: string }> {
  if (protocol === 'smtp') return checkAlive(FUZZ_PROTOCOLS.smtp, options);
  if (protocol === 'pop3') return checkAlive(FUZZ_PROTOCOLS.pop3, options);
  return checkAlive(FUZZ_PROTOCOLS.imap, options);
}
