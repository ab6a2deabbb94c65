import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ProtocolAdapter } from './adapter.js';
import { parseSuite } from './parse-suite.js';
import type { ScriptCase, SuiteError } from './script-case.js';

export interface LoadedSuites<P> {
  readonly cases: readonly ScriptCase<P>[];
  readonly errors: readonly SuiteError[];
}

/** Every suite file under <suitesRoot>/<protocol>/, parsed, in a stable order (by path). */
export async function loadSuites<P>(suitesRoot: string, adapter: ProtocolAdapter<P>): Promise<LoadedSuites<P>> {
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
      cases.push(parsed.case);
    }
  }
  return { cases, errors };
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
