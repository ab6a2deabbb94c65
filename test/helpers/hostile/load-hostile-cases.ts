import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProtocolAdapter } from '../../../src/script/adapter.js';
import { loadSuites } from '../../../src/script/discover.js';
import type { ScriptCase } from '../../../src/script/script-case.js';

/** The repository root, from dist/test/helpers/hostile/ or test/helpers/hostile/. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), fileURLToPath(import.meta.url).includes(`${path.sep}dist${path.sep}`) ? '../../../..' : '../../..');

/** Run variables the hostile runs give every case (no real account is behind them). */
export const HOSTILE_VARS: ReadonlyMap<string, string> = new Map([
  ['user', 'alice'],
  ['password', 'secret'],
  ['client', 'client.example.test'],
  ['from', 'a@client.example.test'],
  ['rcpt', 'alice@example.test'],
  ['rcpt2', 'bob@example.test'],
  ['domain', 'example.test'],
  ['mailbox', 'INBOX'],
  ['sep', '"/"'],
]);

/**
 * Suite cases a hostile stream can stand in for: one session, nothing seeded or destructive, no
 * fixture files, no slow per-case timeout, every variable among HOSTILE_VARS. Files that don't
 * parse (suites being edited) are left out rather than failing the run.
 */
export async function loadHostileCases<P>(adapter: ProtocolAdapter<P>): Promise<ScriptCase<P>[]> {
  const suitesRoot = path.join(REPO_ROOT, 'suites');
  const { cases } = await loadSuites(suitesRoot, adapter, path.join(REPO_ROOT, 'fixtures'));
  return cases.filter(
    (c) =>
      c.header.seed.length === 0 &&
      !c.header.destructive &&
      c.header.timeoutMs === undefined &&
      c.fixtures.length === 0 &&
      c.needs.every((name) => HOSTILE_VARS.has(name)) &&
      c.steps.every((s) => s.kind !== 'session' || s.name === '1'),
  );
}
