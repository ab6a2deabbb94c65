import { readFile } from 'node:fs/promises';
import type { Finding } from './finding.js';

/** Reads and checks a saved finding; throws one-line errors naming the file. */
export async function readFinding(file: string): Promise<Finding> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read finding ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error(`${file} is not JSON: is it a finding written by mailconform fuzz?`);
  }
  const problem = findingProblem(data);
  if (problem) throw new Error(`${file} is not a mailconform finding: ${problem}`);
  return data as Finding;
}

function findingProblem(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return 'not an object';
  const record = data as Record<string, unknown>;
  if (record.format !== 'mailconform-finding/1') return `unknown format ${JSON.stringify(record.format)}`;
  for (const key of ['id', 'property', 'protocol', 'kind', 'message'] as const) if (typeof record[key] !== 'string') return `missing ${key}`;
  const replay = record.replay as Record<string, unknown> | undefined;
  if (typeof replay !== 'object' || replay === null) return 'missing replay';
  if (typeof replay.seed !== 'number' || typeof replay.path !== 'string') return 'replay needs seed and path';
  const settings = replay.settings as Record<string, unknown> | undefined;
  if (typeof settings !== 'object' || settings === null || typeof settings.host !== 'string' || typeof settings.port !== 'number') return 'replay.settings needs host and port';
  return undefined;
}
