import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The installed package's root (where package.json, suites/ and fixtures/ live). */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'mailconform') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the mailconform package root');
    dir = parent;
  }
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

export const defaultSuitesDir = (): string => path.join(packageRoot(), 'suites');
export const defaultFixturesDir = (): string => path.join(packageRoot(), 'fixtures');
