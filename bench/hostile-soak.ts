import fc from 'fast-check';
import { hostileScenario, type HostileProtocolKit, type HostileScenario } from '../test/helpers/hostile/hostile-scenario.js';
import { watchProcessFaults } from '../test/helpers/hostile/process-faults.js';
import { loadProtocolKits } from '../test/helpers/hostile/protocol-kits.js';
import { ReplayServer } from '../test/helpers/hostile/replay-server.js';
import { runHostile } from '../test/helpers/hostile/run-hostile.js';

// The hostile-server property at soak scale (the bench/nightly run): STREAMS generated streams
// (default 100 000) round-robin over SMTP, POP3 and IMAP, CONCURRENCY runs at a time, each with its
// own replay server, stopped early after MAX_SECONDS. Exits 1 if any run breaks the property.
// Usage: npm run soak   (STREAMS=…, CONCURRENCY=…, MAX_SECONDS=…, SEED=…, READ_TIMEOUT_MS=…)

const STREAMS = Number(process.env.STREAMS ?? 100_000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16);
const MAX_SECONDS = Number(process.env.MAX_SECONDS ?? 3600);
const SEED = Number(process.env.SEED ?? Date.now() % 2 ** 31);
const READ_TIMEOUT_MS = Number(process.env.READ_TIMEOUT_MS ?? 200);
/** Scenarios generated at once per protocol: memory stays bounded (a stream may hold a 200 KB line). */
const BATCH = 50;

const kits = await loadProtocolKits();
const faults = watchProcessFaults();
const outcomes = new Map<string, number>();
const failures: string[] = [];
const started = Date.now();
const deadline = started + MAX_SECONDS * 1000;
let issued = 0;
let finished = 0;

/** Stream number `n`: protocol n mod 3, generated from (SEED + batch) so every stream can be replayed. */
const batches = new Map<string, HostileScenario<unknown>[]>();
function scenarioAt(n: number): { kit: HostileProtocolKit<unknown>; scenario: HostileScenario<unknown>; origin: string } {
  const kit = kits[n % kits.length]!;
  const perProtocol = Math.floor(n / kits.length);
  const batch = Math.floor(perProtocol / BATCH);
  const key = `${kit.protocol}:${batch}`;
  let scenarios = batches.get(key);
  if (!scenarios) {
    scenarios = fc.sample(hostileScenario(kit, { maxDelayMs: 20 }), { seed: SEED + batch, numRuns: BATCH });
    batches.set(key, scenarios);
  }
  const index = perProtocol % BATCH;
  if (index === BATCH - 1) batches.delete(key);
  return { kit, scenario: scenarios[index]!, origin: `protocol=${kit.protocol} seed=${SEED + batch} index=${index}` };
}

async function worker(): Promise<void> {
  const server = await ReplayServer.start();
  try {
    while (issued < STREAMS && Date.now() < deadline && failures.length < 10) {
      const { kit, scenario, origin } = scenarioAt(issued++);
      try {
        const outcome = await runHostile(kit, scenario, server, faults, { readTimeoutMs: READ_TIMEOUT_MS, slackMs: 5000 });
        const key = `${kit.protocol} ${outcome}`;
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      } catch (err) {
        // With concurrent runs a stray rejection may be charged to a neighbour; the stream printed is a lead, not proof.
        failures.push(`${origin}\n${err instanceof Error ? err.message : String(err)}`);
      }
      finished++;
      if (finished % 5000 === 0) console.log(`… ${finished} streams, ${rate()} streams/s, max RSS ${maxRssMb()} MB`);
    }
  } finally {
    await server.close();
  }
}

function rate(): string {
  return (finished / ((Date.now() - started) / 1000)).toFixed(1);
}

function maxRssMb(): string {
  return (process.resourceUsage().maxRSS / 1024).toFixed(0);
}

console.log(`hostile soak: ${STREAMS} streams, concurrency ${CONCURRENCY}, read timeout ${READ_TIMEOUT_MS} ms, seed ${SEED}, at most ${MAX_SECONDS} s`);
console.log(`suite cases: ${kits.map((k) => `${k.protocol} ${k.cases.length}`).join(', ')}`);
await Promise.all(Array.from({ length: CONCURRENCY }, worker));
faults.stop();
console.log(`streams run: ${finished} in ${((Date.now() - started) / 1000).toFixed(1)} s (${rate()} streams/s), max RSS ${maxRssMb()} MB`);
for (const [kind, count] of [...outcomes].sort()) console.log(`  ${kind}: ${count}`);
if (failures.length > 0) {
  console.log(`\n${failures.length} property failure(s):`);
  for (const failure of failures) console.log(`\n${failure}`);
  process.exit(1);
}
if (finished < STREAMS) console.log(`stopped after MAX_SECONDS=${MAX_SECONDS} with ${STREAMS - finished} streams left`);
