import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ProtocolAdapter } from './adapter.js';
import { parseSuite } from './parse-suite.js';
import { ANY_SEED_FIXTURE, type ScriptCase, type SuiteError } from './script-case.js';
import { templateVariables } from './template.js';

export interface LoadedSuites<P> {
  readonly cases: readonly ScriptCase<P>[];
  readonly errors: readonly SuiteError[];
}

/**
 * Every suite file under <suitesRoot>/<protocol>/, parsed, in a stable order (by path). With
 * fixturesDir, the fixtures the cases send must exist, and variables used inside them count as
 * the case's needs (so a case is skipped, not errored, when the run lacks them).
 */
export async function loadSuites<P>(suitesRoot: string, adapter: ProtocolAdapter<P>, fixturesDir?: string): Promise<LoadedSuites<P>> {
  const root = path.join(suitesRoot, adapter.protocol);
  const files = (await listFiles(root)).filter((f) => f.endsWith(adapter.fileExtension)).sort();
  const cases: ScriptCase<P>[] = [];
  const errors: SuiteError[] = [];
  const seen = new Map<string, string>();
  for (const absolute of files) {
    const file = path.relative(suitesRoot, absolute).split(path.sep).join('/');
    const parsed = parseSuite(await readFile(absolute, 'utf8'), file, adapter);
    if (!parsed.ok) {
      errors.push(...parsed.errors);
      continue;
    }
    const id = parsed.case.header.id;
    const expectedId = idForFile(file, adapter.fileExtension);
    if (id !== expectedId) errors.push({ file, line: 1, message: `id "${id}" must be "${expectedId}" (protocol.folder.file-name)` });
    else if (seen.has(id)) errors.push({ file, line: 1, message: `duplicate id "${id}" (also in ${seen.get(id)})` });
    else {
      seen.set(id, file);
      const withFixtures = fixturesDir ? await addFixtureNeeds(parsed.case, fixturesDir, errors) : parsed.case;
      cases.push(withFixtures);
    }
  }
  return { cases, errors };
}

async function addFixtureNeeds<P>(scriptCase: ScriptCase<P>, fixturesDir: string, errors: SuiteError[]): Promise<ScriptCase<P>> {
  const needs = new Set(scriptCase.needs);
  const sent = scriptCase.steps.flatMap((step) => (step.kind === 'send-fixture' ? [{ fixture: step.fixture, line: step.loc.line }] : []));
  const seeded = scriptCase.header.seed.map((entry) => ({ fixture: entry === 'any' ? ANY_SEED_FIXTURE : entry, line: 1 }));
  for (const { fixture, line } of [...sent, ...seeded]) {
    let text: string;
    try {
      text = await readFile(path.join(fixturesDir, fixture), 'utf8');
    } catch {
      errors.push({ file: scriptCase.file, line, message: `fixture ${fixture} not found in ${fixturesDir}` });
      continue;
    }
    const vars = templateVariables(text);
    if (Array.isArray(vars)) vars.forEach((v) => needs.add(v));
    else errors.push({ file: scriptCase.file, line, message: `fixture ${fixture}: ${vars.error}` });
  }
  return needs.size === scriptCase.needs.length ? scriptCase : { ...scriptCase, needs: [...needs] };
}

/** smtp/rfc5321/quit-closes.smtp → smtp.rfc5321.quit-closes */
export function idForFile(file: string, extension: string): string {
  const parts = file.slice(0, -extension.length).split('/');
  return [parts[0], parts.at(-2), parts.at(-1)].join('.');
}

async function listFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : Promise.resolve(e.isFile() ? [path.join(dir, e.name)] : []))),
  );
  return nested.flat();
}
