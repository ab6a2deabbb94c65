import { formatValue, type ImapValue } from '../../protocol/imap/value-tree.js';
import { matchTextPattern, type Bindings, type PatternSegment, type TextPattern } from '../text-pattern.js';

/**
 * `S:` patterns for IMAP, matched structurally on the response's value tree (RFC 3501 §4 data):
 *   * 18 EXISTS                                 a leading "*" is the untagged marker
 *   a002 OK [READ-WRITE] *                      a bare "*" elsewhere: any number of values
 *   * ${n} FETCH (FLAGS (\Seen) UID ${uid})     ${name} captures a value (or must equal it if bound)
 * Atoms compare case-insensitively (§9: keywords are case-insensitive), strings exactly; an atom
 * with "|" lists alternatives ("a3 BAD|NO *"). The data items of a FETCH list and the flags or
 * attributes of FLAGS/PERMANENTFLAGS/LIST/LSUB lists match in any order; without a "*" in such a
 * list, nothing else may be there.
 */
export type PatternNode =
  | { readonly kind: 'wildcard' }
  | { readonly kind: 'atom'; readonly text: string; readonly pattern?: TextPattern }
  | { readonly kind: 'string'; readonly text: string; readonly pattern?: TextPattern }
  | { readonly kind: 'list'; readonly items: readonly PatternNode[] }
  | { readonly kind: 'bracket'; readonly items: readonly PatternNode[] };

export interface CompiledImapPattern {
  readonly nodes: readonly PatternNode[];
  readonly variables: readonly string[];
}

/** Tree-reads the pattern text the way responses are read, then marks wildcards and variables. */
export function compileImapPattern(source: string): CompiledImapPattern | { readonly error: string } {
  const variables: string[] = [];
  const stack: Array<{ items: PatternNode[]; kind: 'top' | 'list' | 'bracket' }> = [{ items: [], kind: 'top' }];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    const top = stack.at(-1)!;
    if (ch === ' ') i++;
    else if (ch === '(' || ch === '[') {
      stack.push({ items: [], kind: ch === '(' ? 'list' : 'bracket' });
      i++;
    } else if (ch === ')' || ch === ']') {
      const want = ch === ')' ? 'list' : 'bracket';
      if (top.kind !== want) return { error: `unbalanced "${ch}" at column ${i + 1} of: ${source}` };
      stack.pop();
      stack.at(-1)!.items.push(want === 'list' ? { kind: 'list', items: top.items } : { kind: 'bracket', items: top.items });
      i++;
    } else if (ch === '"') {
      let end = i + 1;
      while (end < source.length && source[end] !== '"') end += source[end] === '\\' ? 2 : 1;
      if (end >= source.length) return { error: `unterminated quoted string at column ${i + 1} of: ${source}` };
      const text = source.slice(i + 1, end).replace(/\\(["\\])/g, '$1');
      const pattern = tokenPattern(text, variables);
      top.items.push(pattern ? { kind: 'string', text, pattern } : { kind: 'string', text });
      i = end + 1;
    } else {
      let end = i;
      while (end < source.length && !' ()[]"'.includes(source[end]!)) {
        // ${name} may hold characters a value can't, but never spaces: skip over it whole.
        if (source.startsWith('${', end)) end = source.indexOf('}', end) === -1 ? source.length : source.indexOf('}', end) + 1;
        else end++;
      }
      const text = source.slice(i, end);
      const untaggedMarker = text === '*' && stack.length === 1 && top.items.length === 0;
      if (text === '*' && !untaggedMarker) top.items.push({ kind: 'wildcard' });
      else {
        const pattern = tokenPattern(text, variables);
        if (pattern === null) return { error: `bad \${...} in "${text}"` };
        top.items.push(pattern ? { kind: 'atom', text, pattern } : { kind: 'atom', text });
      }
      i = end;
    }
  }
  if (stack.length > 1) return { error: `unclosed "${stack.at(-1)!.kind === 'list' ? '(' : '['}" in: ${source}` };
  return { nodes: stack[0]!.items, variables };
}

/** Literal text with ${name} variables; undefined when there are none, null when malformed. */
function tokenPattern(text: string, variables: string[]): TextPattern | undefined | null {
  if (!text.includes('${')) return undefined;
  const segments: PatternSegment[] = [];
  const re = /\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) segments.push({ kind: 'literal', text: text.slice(last, m.index) });
    segments.push({ kind: 'variable', name: m[1]! });
    variables.push(m[1]!);
    last = m.index + m[0].length;
  }
  if (last < text.length) segments.push({ kind: 'literal', text: text.slice(last) });
  if (segments.some((s) => s.kind === 'literal' && s.text.includes('${'))) return null;
  return { source: text, segments };
}

export type ImapMatch = { readonly ok: true; readonly captures: Map<string, string> } | { readonly ok: false; readonly mismatch: string };

/** Matches a compiled pattern against a response's values. */
export function matchImapPattern(pattern: CompiledImapPattern, values: readonly ImapValue[], bindings: Bindings): ImapMatch {
  const captures = new Map<string, string>();
  const why: string[] = [];
  const ok = matchSequence(pattern.nodes, values, { bindings, captures, why }, undefined);
  return ok ? { ok: true, captures } : { ok: false, mismatch: why[0] ?? 'does not match' };
}

interface MatchContext {
  readonly bindings: Bindings;
  readonly captures: Map<string, string>;
  /** The first reason a match failed, for the failure message. */
  readonly why: string[];
}

/** Lists of flags or mailbox attributes: order carries no meaning (§7.2.2, §7.2.6). */
const UNORDERED_FLAGS = new Set(['FLAGS', 'PERMANENTFLAGS', 'LIST', 'LSUB']);

function matchSequence(nodes: readonly PatternNode[], values: readonly ImapValue[], ctx: MatchContext, owner: string | undefined): boolean {
  if (owner === 'FETCH') return matchUnordered(groupFetchItems(nodes), groupFetchItems(values), ctx, 'FETCH data item');
  if (owner !== undefined && UNORDERED_FLAGS.has(owner)) return matchUnordered(nodes.map((n) => [n]), values.map((v) => [v]), ctx, 'flag');
  return matchFrom(nodes, 0, values, 0, ctx);
}

function matchFrom(nodes: readonly PatternNode[], ni: number, values: readonly ImapValue[], vi: number, ctx: MatchContext): boolean {
  if (ni === nodes.length) {
    if (vi === values.length) return true;
    ctx.why.push(`unexpected ${values.slice(vi).map(formatValue).join(' ')}`);
    return false;
  }
  const node = nodes[ni]!;
  if (node.kind === 'wildcard') {
    for (let end = vi; end <= values.length; end++) {
      const saved = new Map(ctx.captures);
      if (matchFrom(nodes, ni + 1, values, end, ctx)) return true;
      restore(ctx.captures, saved);
    }
    return false;
  }
  const value = values[vi];
  if (value === undefined) {
    ctx.why.push(`missing ${describeNode(node)}`);
    return false;
  }
  // A list's meaning depends on the atom before it: FETCH's data items, FLAGS' flags.
  const before = ni > 0 ? nodes[ni - 1] : undefined;
  const owner = before?.kind === 'atom' ? before.text.toUpperCase() : undefined;
  const saved = new Map(ctx.captures);
  if (matchNode(node, value, ctx, owner) && matchFrom(nodes, ni + 1, values, vi + 1, ctx)) return true;
  restore(ctx.captures, saved);
  return false;
}

function matchNode(node: Exclude<PatternNode, { kind: 'wildcard' }>, value: ImapValue, ctx: MatchContext, owner: string | undefined): boolean {
  if (node.kind === 'list' || node.kind === 'bracket') {
    if (value.kind !== node.kind) return fail(ctx, `${formatValue(value)} where a ${node.kind === 'list' ? '(list)' : '[group]'} was expected`);
    return matchSequence(node.items, value.items, ctx, owner);
  }
  if (value.kind === 'list' || value.kind === 'bracket') return fail(ctx, `${formatValue(value)} where ${describeNode(node)} was expected`);
  if (node.pattern) {
    const captures = matchTextPattern(node.pattern, value.text, new Map([...ctx.bindings, ...ctx.captures]));
    if (!captures) return fail(ctx, `${formatValue(value)} does not match ${describeNode(node)}`);
    for (const [name, text] of captures) ctx.captures.set(name, text);
    return true;
  }
  // Atoms and strings are both astrings on the wire (§9): a pattern atom matches either form.
  // "BAD|NO": alternatives, for the many places where the RFC leaves the server a choice.
  const options = node.kind === 'atom' && node.text.length > 1 && node.text.includes('|') ? node.text.split('|') : [node.text];
  const equal = options.some((option) => (node.kind === 'atom' && value.kind === 'atom' ? option.toUpperCase() === value.text.toUpperCase() : option === value.text));
  return equal || fail(ctx, `${formatValue(value)} is not ${describeNode(node)}`);
}

/** Pattern groups must each take a distinct value group; a wildcard group allows the rest. */
function matchUnordered(patternGroups: readonly PatternNode[][], valueGroups: readonly ImapValue[][], ctx: MatchContext, what: string): boolean {
  const open = patternGroups.some((g) => g.length === 1 && g[0]!.kind === 'wildcard');
  const required = patternGroups.filter((g) => !(g.length === 1 && g[0]!.kind === 'wildcard'));
  const used = new Set<number>();
  const assign = (pi: number): boolean => {
    if (pi === required.length) return open || used.size === valueGroups.length || fail(ctx, `unexpected ${what}: ${valueGroups.filter((_, i) => !used.has(i)).map((g) => g.map(formatValue).join(' ')).join(', ')}`);
    for (let vi = 0; vi < valueGroups.length; vi++) {
      if (used.has(vi)) continue;
      const saved = new Map(ctx.captures);
      used.add(vi);
      if (matchFrom(required[pi]!, 0, valueGroups[vi]!, 0, { ...ctx, why: [] }) && assign(pi + 1)) return true;
      used.delete(vi);
      restore(ctx.captures, saved);
    }
    return fail(ctx, `no ${what} matches ${required[pi]!.map(describeNode).join(' ')}`);
  };
  return assign(0);
}

/**
 * FETCH data items as groups: a name (atom, maybe followed by a [section] and a <origin>) and
 * its value. `*` stands alone.
 */
function groupFetchItems<T extends PatternNode | ImapValue>(items: readonly T[]): T[][] {
  const groups: T[][] = [];
  for (let i = 0; i < items.length; ) {
    const group: T[] = [items[i]!];
    i++;
    if (group[0]!.kind === 'wildcard') {
      groups.push(group);
      continue;
    }
    if (items[i]?.kind === 'bracket') group.push(items[i++]!);
    const origin = items[i];
    if (origin && origin.kind === 'atom' && origin.text.startsWith('<')) group.push(items[i++]!);
    if (i < items.length) group.push(items[i++]!);
    groups.push(group);
  }
  return groups;
}

function describeNode(node: PatternNode): string {
  switch (node.kind) {
    case 'wildcard':
      return '*';
    case 'atom':
      return node.text;
    case 'string':
      return JSON.stringify(node.text);
    case 'list':
      return `(${node.items.map(describeNode).join(' ')})`;
    case 'bracket':
      return `[${node.items.map(describeNode).join(' ')}]`;
  }
}

function fail(ctx: MatchContext, reason: string): false {
  ctx.why.push(reason);
  return false;
}

function restore(target: Map<string, string>, saved: Map<string, string>): void {
  target.clear();
  for (const [k, v] of saved) target.set(k, v);
}
