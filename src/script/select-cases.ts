import type { ScriptCase } from './script-case.js';

export interface Shard {
  /** 1-based, as users write it: --shard 2/4 */
  readonly index: number;
  readonly count: number;
}

/** Parses "i/n" (1 ≤ i ≤ n), or explains what is wrong. */
export function parseShard(text: string): Shard | { readonly error: string } {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) return { error: `--shard must be i/n with 1 ≤ i ≤ n, e.g. 2/4 (got "${text}")` };
  return { index, count };
}

/**
 * Filters cases by id patterns (`*` wildcard; plain text matches as a substring) and takes one shard.
 * Sharding is by position in the id-sorted list, so n shards partition the cases exactly.
 */
export function selectCases<P>(cases: readonly ScriptCase<P>[], patterns: readonly string[], shard?: Shard): ScriptCase<P>[] {
  const matchers = patterns.map(toMatcher);
  const selected = cases
    .filter((c) => matchers.length === 0 || matchers.some((m) => m(c.header.id)))
    .sort((a, b) => (a.header.id < b.header.id ? -1 : a.header.id > b.header.id ? 1 : 0));
  return shard ? selected.filter((_, i) => i % shard.count === shard.index - 1) : selected;
}

function toMatcher(pattern: string): (id: string) => boolean {
  if (!pattern.includes('*')) return (id) => id.includes(pattern);
  const regex = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return (id) => regex.test(id);
}
