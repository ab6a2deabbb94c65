import { mkdir, open, rename } from 'node:fs/promises';
import path from 'node:path';
import type { Finding } from './finding.js';

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
  /** The same case in the transcript language, if the finding could be written as one. */
  readonly caseFile?: string;
}

/**
 * Findings on disk, written the moment they are confirmed: <id>.json, an optional suite case, and
 * one line per finding appended to index.jsonl (fsynced). Nothing already written is ever rewritten.
 */
export class FindingStore {
  constructor(readonly dir: string) {}

  async save(finding: Finding, caseText?: { readonly extension: string; readonly text: string }): Promise<StoredFinding> {
    await mkdir(this.dir, { recursive: true });
    const json = path.join(this.dir, `${finding.id}.json`);
    await writeDurably(json, `${JSON.stringify(finding, null, 2)}\n`);
    let caseFile: string | undefined;
    if (caseText) {
      caseFile = path.join(this.dir, `${finding.id}${caseText.extension}`);
      await writeDurably(caseFile, caseText.text);
    }
    const summary = { id: finding.id, property: finding.property, kind: finding.kind, message: finding.message, createdAt: finding.createdAt };
    await appendDurably(path.join(this.dir, 'index.jsonl'), `${JSON.stringify(summary)}\n`);
    return { json, ...(caseFile !== undefined ? { caseFile } : {}) };
  }
}
