import { mkdir, open, rename } from 'node:fs/promises';
import path from 'node:path';
import type { Finding } from './finding.js';
import { findingCase } from './finding-case.js';

/** Writes bytes durably: a temp file, fsync, then rename, so a crash leaves the old file or the new one. */
export async function writeDurably(file: string, data: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(data, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
}

async function appendDurably(file: string, line: string): Promise<void> {
  const handle = await open(file, 'a');
  try {
    await handle.appendFile(line, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export interface StoredFinding {
  readonly json: string;
  /** The same finding as a suite case, under <dir>/<protocol>/rfcNNNN-fuzz/ so <dir> is a suites root for `run --suites`. */
  readonly caseFile?: string;
  /** Why no case file was written (the JSON is saved regardless). */
  readonly caseError?: string;
}

/**
 * Findings on disk, written the moment they are confirmed: <id>.json, the same finding as a suite
 * case (findingCase), and one line per finding appended to index.jsonl (fsynced). Nothing already
 * written is ever rewritten.
 */
export class FindingStore {
  constructor(readonly dir: string) {}

  async save(finding: Finding): Promise<StoredFinding> {
    await mkdir(this.dir, { recursive: true });
    const json = path.join(this.dir, `${finding.id}.json`);
    await writeDurably(json, `${JSON.stringify(finding, null, 2)}\n`);
    const written = await this.saveCase(finding);
    const summary = {
      id: finding.id,
      property: finding.property,
      kind: finding.kind,
      message: finding.message,
      createdAt: finding.createdAt,
      ...('caseFile' in written ? { caseFile: path.relative(this.dir, written.caseFile) } : {}),
    };
    await appendDurably(path.join(this.dir, 'index.jsonl'), `${JSON.stringify(summary)}\n`);
    return { json, ...written };
  }

  /** The case file; a finding that cannot be written as one is still saved, with the reason. */
  private async saveCase(finding: Finding): Promise<{ caseFile: string } | { caseError: string }> {
    let exported;
    try {
      exported = findingCase(finding);
    } catch (err) {
      return { caseError: err instanceof Error ? err.message : String(err) };
    }
    const caseFile = path.join(this.dir, exported.fileName);
    await mkdir(path.dirname(caseFile), { recursive: true });
    await writeDurably(caseFile, exported.text);
    return { caseFile };
  }
}
