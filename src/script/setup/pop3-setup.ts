import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loginPop3, scanMaildrop, type MaildropView } from '../../protocol/pop3/find-messages.js';
import type { Pop3Line } from '../../protocol/pop3/pop3-response.js';
import type { CaseContext, CaseSetup } from '../case-setup.js';
import { countBodyLines, renderFixture } from '../render-fixture.js';
import { ANY_SEED_FIXTURE, type ScriptCase } from '../script-case.js';
import { runSeedCommand } from '../seed-command.js';

/** Header that marks a message as the tool's: only messages carrying a run's token are ever deleted. */
export const SEED_HEADER = 'X-Mailconform-Seed';
/** Seeding by a command may deliver asynchronously (an MTA): look again for this long. */
const LOCATE_TIMEOUT_MS = 10_000;
const LOCATE_RETRY_MS = 200;

/**
 * POP3 preparation: place the case's messages with --seed-command, find where they landed
 * (bind m1, m1.size, …), and delete them afterwards. Without a way to seed, only cases content
 * with `seed: any` run, on existing messages, and never destructive ones unless allowed.
 */
export async function preparePop3Case(scriptCase: ScriptCase<Pop3Line>, context: CaseContext): Promise<CaseSetup> {
  const { seed, destructive } = scriptCase.header;
  if (seed.length === 0) {
    return destructive && !context.allowDestructive ? { skip: 'destructive case with no seeded messages: give --allow-destructive to let it touch existing mail' } : {};
  }
  const user = context.bindings.get('user');
  const password = context.bindings.get('password');
  if (user === undefined || password === undefined) return { skip: 'needs an account to place messages in: set --user and --password-env' };

  if (!context.seeding.command) {
    if (seed.some((entry) => entry !== 'any')) return { skip: 'needs known messages in the maildrop: give --seed-command (e.g. "doveadm save -u USER")' };
    if (destructive && !context.allowDestructive) {
      return { skip: 'destructive case and no --seed-command: it would change messages the tool did not create (give --seed-command, or --allow-destructive)' };
    }
    const view = await locate(context, user, password, []);
    if (view.count < seed.length) return { skip: `needs ${seed.length} message(s) in the maildrop, it has ${view.count}; give --seed-command` };
    return { bindings: bindMessages(view, view.listing.slice(0, seed.length), []) };
  }

  const uniq = context.bindings.get('uniq') ?? `${Date.now()}`;
  const tokens = seed.map((_, i) => `${uniq}-m${i + 1}`);
  const bodyLines: number[] = [];
  for (const [i, entry] of seed.entries()) {
    const message = await buildSeedMessage(entry === 'any' ? ANY_SEED_FIXTURE : entry, tokens[i]!, context);
    bodyLines.push(countBodyLines(message));
    await runSeedCommand(context.seeding.command, Buffer.from(message, 'utf8'));
  }
  const view = await locate(context, user, password, tokens);
  const missing = tokens.filter((t) => !view.found.has(t));
  if (missing.length > 0) throw new Error(`seeded message(s) not found in the maildrop within ${LOCATE_TIMEOUT_MS} ms (does --seed-command deliver to ${user}?)`);
  return {
    bindings: bindMessages(view, tokens.map((t) => view.found.get(t)!), bodyLines),
    cleanup: () => deleteSeeded(context, user, password, tokens),
  };
}

async function buildSeedMessage(fixture: string, token: string, context: CaseContext): Promise<string> {
  const text = await readFile(path.join(context.fixturesDir, fixture), 'utf8');
  const rendered = renderFixture(text, context.bindings);
  if (!('text' in rendered)) throw new Error(`fixture ${fixture}: ${'missing' in rendered ? `\${${rendered.missing}} has no value` : rendered.error}`);
  return `${SEED_HEADER}: ${token}\r\n${rendered.text}`;
}

/** Looks until every token is visible (bounded), in fresh sessions: POP3 sees a maildrop as of login. */
async function locate(context: CaseContext, user: string, password: string, tokens: readonly string[]): Promise<MaildropView> {
  const deadline = Date.now() + LOCATE_TIMEOUT_MS;
  for (;;) {
    const client = await loginPop3(context.connect, user, password);
    let view: MaildropView;
    try {
      view = await scanMaildrop(client, SEED_HEADER, tokens);
      await client.quit();
    } finally {
      client.close();
    }
    if (view.found.size === tokens.length || Date.now() > deadline) return view;
    await new Promise((resolve) => setTimeout(resolve, LOCATE_RETRY_MS));
  }
}

function bindMessages(view: MaildropView, messages: ReadonlyArray<{ msg: number; size: number; uidl?: string }>, bodyLines: readonly number[]): Map<string, string> {
  const bindings = new Map<string, string>([
    ['count', String(view.count)],
    ['size', String(view.size)],
    ['beyond', String(view.count + 1)],
  ]);
  messages.forEach((m, i) => {
    const name = `m${i + 1}`;
    bindings.set(name, String(m.msg));
    bindings.set(`${name}.size`, String(m.size));
    if (m.uidl !== undefined) bindings.set(`${name}.uidl`, m.uidl);
    if (bodyLines[i] !== undefined) bindings.set(`${name}.lines`, String(bodyLines[i]));
  });
  return bindings;
}

/** Deletes the messages this case seeded, found again by their tokens (numbers may have moved). */
async function deleteSeeded(context: CaseContext, user: string, password: string, tokens: readonly string[]): Promise<void> {
  const client = await loginPop3(context.connect, user, password);
  try {
    const view = await scanMaildrop(client, SEED_HEADER, tokens);
    for (const { msg } of view.found.values()) {
      const dele = await client.dele(msg);
      if (dele.response.status !== '+OK') throw new Error(`DELE ${msg} of a seeded message failed: ${dele.response.text}`);
    }
    const quit = await client.quit();
    if (quit.response.status !== '+OK') throw new Error(`QUIT after deleting seeded messages failed: ${quit.response.text}`);
  } finally {
    client.close();
  }
}
