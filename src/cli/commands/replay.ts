import { readFinding } from '../../fuzz/findings/read-finding.js';
import { replayFinding, restoreSettings } from '../../fuzz/replay.js';
import type { FuzzTarget } from '../../fuzz/target/fuzz-target.js';
import { spawnTarget } from '../../fuzz/target/spawned-target.js';
import { formatRef } from '../../protocol/shared/rfc.js';
import { secretRedactor } from '../../script/redact.js';
import { ToolError, UsageError, describeError } from '../errors.js';
import { preflight, preflightCredentials } from '../preflight.js';
import type { TlsSettings } from '../../transport/connection.js';

export interface ReplayArgs {
  readonly finding: string;
  readonly host?: string;
  readonly port?: number;
  readonly spawn?: string;
  readonly password?: string;
  readonly timeout?: number;
  /** Certificate checks, when the finding's target spoke TLS (saved as implicitTls) or its cases use STARTTLS. */
  readonly tls: TlsSettings;
}

/** `mailconform replay <finding.json>`: exit 1 if the finding still reproduces, 0 if it no longer does. */
export async function replayCommand(args: ReplayArgs): Promise<number> {
  let finding;
  try {
    finding = await readFinding(args.finding);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const saved = finding.replay.settings;
  const account = saved.user ?? saved.linked?.user;
  if (account !== undefined && args.password === undefined) throw new UsageError(`this finding logged in as ${account}: give the password with --password-env`);
  let target: FuzzTarget | undefined;
  if (args.spawn) target = await spawnTarget({ command: args.spawn, protocol: saved.protocol, ...(args.port !== undefined ? { port: args.port } : {}) });
  const endpoint = target?.endpoint ?? (args.host !== undefined || args.port !== undefined ? { host: args.host ?? saved.host, port: args.port ?? saved.port } : undefined);
  const settings = restoreSettings(
    args.timeout !== undefined ? { ...saved, answerTimeoutMs: args.timeout } : saved,
    { ...(args.password !== undefined ? { password: args.password } : {}), ...(endpoint ? { endpoint } : {}), tls: args.tls },
  );
  const where = target?.description ?? `${settings.endpoint.host}:${settings.endpoint.port}`;
  try {
    // A target that can't greet or refuses the account can't show whether the finding reproduces.
    const limits = { connectTimeoutMs: settings.connectTimeoutMs, readTimeoutMs: settings.answerTimeoutMs };
    await preflight(settings.protocol, { ...settings.endpoint, ...limits }, preflightCredentials(settings.user, settings.password));
    if (settings.linked) await preflight(settings.linked.protocol, { ...settings.linked.endpoint, ...limits }, preflightCredentials(settings.linked.user, settings.linked.password));
    process.stderr.write(`replaying ${finding.id} (${finding.property}, seed ${finding.replay.seed}) against ${where}\n`);
    const outcome = await replayFinding(finding, settings);
    if (outcome.kind === 'passed') {
      process.stdout.write(`does not reproduce: ${finding.property} holds for this input now (was: [${finding.kind}] ${finding.message})\n`);
      return 0;
    }
    const e = outcome.evidence;
    const redact = secretRedactor(args.password !== undefined ? [args.password] : []) ?? ((text: string) => text);
    const label = outcome.kind === 'reproduced' ? 'reproduces' : 'fails differently';
    process.stdout.write(redact(`${label}: [${e.kind}] ${e.message}${e.ref ? ` (${formatRef(e.ref)} ${e.level})` : ''}\n`));
    if (e.expected !== undefined) process.stdout.write(redact(`  expected: ${e.expected}\n`));
    if (e.received !== undefined) process.stdout.write(redact(`  received: ${e.received}\n`));
    for (const line of e.transcript) process.stdout.write(redact(`  ${line.session} ${line.dir}: ${line.text}\n`));
    return 1;
  } catch (err) {
    throw new ToolError(`replay of ${finding.id} could not run: ${describeError(err)}`);
  } finally {
    await target?.stop();
  }
}
