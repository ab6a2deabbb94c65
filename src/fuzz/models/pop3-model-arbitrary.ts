import fc from 'fast-check';
import type { Pop3MessagePool, Pop3MessageRef } from '../../model/pop3-maildrop.js';
import type { ArbitraryReplay, FuzzSettings } from '../fuzz-property.js';
import { DeleCommand, ListOneCommand, RetrCommand, TopCommand, UidlOneCommand, type Pop3ModelCommand } from './pop3-message-commands.js';
import type { Pop3SeedSpec } from './pop3-seeding.js';
import { DropReconnectCommand, ListAllCommand, NoopCommand, QuitReconnectCommand, RsetCommand, StatCommand, UidlAllCommand } from './pop3-session-commands.js';

/** One maildrop-model run: the messages to seed (1 to 3), then the commands. */
export interface Pop3MaildropInput {
  readonly seeds: readonly Pop3SeedSpec[];
  readonly commands: Iterable<Pop3ModelCommand>;
}

/** Seeded messages are small, so RETR and TOP stay cheap; TOP's line count sometimes exceeds the body. */
const MAX_BODY_LINES = 6;
const MAX_TOP_LINES = MAX_BODY_LINES + 2;

/** Body lines that exercise byte-stuffing (RFC 1939 §3): ".", "..", ".x", empty lines, spaces. */
const bodyLine: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', '.', '..', '.leading dot', 'plain text', ' ', 'From the start'),
  fc.string({ unit: fc.constantFrom('a', 'b', '.', ' ', '-'), maxLength: 12 }),
);

export const seedSpecArbitrary: fc.Arbitrary<Pop3SeedSpec> = fc.record({ bodyLines: fc.array(bodyLine, { maxLength: MAX_BODY_LINES }) });

/** Mostly the run's own messages; the user's own (read-only) and a number past the end now and then. */
function refArbitrary(pools: readonly Pop3MessagePool[]): fc.Arbitrary<Pop3MessageRef> {
  const weight = (pool: Pop3MessagePool): number => (pool === 'seeded' ? 5 : pool === 'own' ? 2 : 1);
  const pool = fc.oneof(...pools.map((p) => ({ arbitrary: fc.constant(p), weight: weight(p) })));
  return fc.record({ pool, index: fc.nat(3) });
}

/**
 * The commands a run may send. DELE's and RETR's references leave out the user's own messages
 * unless destructive runs are allowed: by default the user's mail is never deleted, nor marked
 * read (a RETR committed by QUIT sets \Seen on servers that keep flags, as Dovecot does).
 */
export function pop3ModelCommands(settings: FuzzSettings): Array<fc.Arbitrary<Pop3ModelCommand>> {
  const anyRef = refArbitrary(['seeded', 'own', 'absent']);
  const changingRef = refArbitrary(settings.allowDestructive ? ['seeded', 'own', 'absent'] : ['seeded', 'absent']);
  return [
    fc.constant(new StatCommand()),
    fc.constant(new ListAllCommand()),
    fc.constant(new UidlAllCommand()),
    fc.constant(new RsetCommand()),
    fc.constant(new NoopCommand()),
    fc.constant(new QuitReconnectCommand()),
    fc.constant(new DropReconnectCommand()),
    anyRef.map((ref) => new ListOneCommand(ref)),
    anyRef.map((ref) => new UidlOneCommand(ref)),
    changingRef.map((ref) => new RetrCommand(ref)),
    fc.tuple(anyRef, fc.nat(MAX_TOP_LINES)).map(([ref, k]) => new TopCommand(ref, k)),
    // DELE twice over: deletions and their commit are what the model is most about.
    changingRef.map((ref) => new DeleCommand(ref)),
    changingRef.map((ref) => new DeleCommand(ref)),
  ];
}

export function pop3MaildropArbitrary(settings: FuzzSettings, replay?: ArbitraryReplay): fc.Arbitrary<Pop3MaildropInput> {
  const input = fc.record({
    seeds: fc.array(seedSpecArbitrary, { minLength: 1, maxLength: 3 }),
    // size 'max': runs as long as maxCommands allows; deletions, commits and later reads need length to meet.
    commands: fc.commands(pop3ModelCommands(settings), { maxCommands: settings.maxCommands, size: 'max', replayPath: replay?.replayPath }),
  });
  // String(input) must carry the commands' "/*replayPath=…*/" (as fast-check prints it), which replays need.
  return input.map(({ seeds, commands }) => ({ seeds, commands, toString: () => `seeds ${JSON.stringify(seeds.map((s) => s.bodyLines))}; ${String(commands)}` }));
}
