import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** Writes suite files (path relative to the suites root → body without header) into a temp suites dir. */
export async function writeTempSuites(files: Readonly<Record<string, string>>): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'mailconform-suites-'));
  for (const [file, body] of Object.entries(files)) {
    const [protocol, folder, name] = file.split('/') as [string, string, string];
    const id = `${protocol}.${folder}.${name.replace(/\.[^.]+$/, '')}`;
    const rfc = /^rfc(\d+)/.exec(folder)?.[1] ?? '5321';
    const header = `id: ${id}\nsummary: ${name}\nrfc: ${rfc}\nsection: 4.2\nlevel: MUST\n\n`;
    await mkdir(path.join(root, protocol, folder), { recursive: true });
    await writeFile(path.join(root, file), header + body);
  }
  return root;
}
