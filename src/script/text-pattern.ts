/**
 * Patterns over the free text of a server line: literal text, `*` (any run of characters, possibly
 * empty) and `${name}` (a capture if `name` is unbound, else the bound value literally). `\*`,
 * `\$` and `\\` escape. Matching is anchored at both ends.
 */

export type PatternSegment =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'wildcard' }
  | { readonly kind: 'variable'; readonly name: string };

export interface TextPattern {
  readonly source: string;
  readonly segments: readonly PatternSegment[];
}

export type Bindings = ReadonlyMap<string, string>;

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Compiles a pattern, or returns an error message (unterminated `${`, bad variable name). */
export function compileTextPattern(source: string): TextPattern | { readonly error: string } {
  const segments: PatternSegment[] = [];
  let literal = '';
  const flush = (): void => {
    if (literal) segments.push({ kind: 'literal', text: literal });
    literal = '';
  };
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '\\' && i + 1 < source.length) {
      literal += source[++i];
    } else if (ch === '*') {
      flush();
      // Consecutive wildcards mean the same as one; keeping one keeps matching linear-ish.
      if (segments.at(-1)?.kind !== 'wildcard') segments.push({ kind: 'wildcard' });
    } else if (ch === '$' && source[i + 1] === '{') {
      const end = source.indexOf('}', i + 2);
      if (end === -1) return { error: `unterminated \${ in pattern: ${source}` };
      const name = source.slice(i + 2, end);
      if (!VARIABLE_NAME.test(name)) return { error: `bad variable name \${${name}}` };
      flush();
      segments.push({ kind: 'variable', name });
      i = end;
    } else {
      literal += ch;
    }
  }
  flush();
  return { source, segments };
}

/** Names a pattern captures or refers to. */
export function patternVariables(pattern: TextPattern): string[] {
  return pattern.segments.flatMap((s) => (s.kind === 'variable' ? [s.name] : []));
}

/**
 * Matches text against a pattern. Returns the new captures (names that were unbound), or
 * undefined if it doesn't match. Captures are non-empty and take the shortest text that lets the
 * rest of the pattern match.
 */
export function matchTextPattern(
  pattern: TextPattern,
  text: string,
  bindings: Bindings,
): Map<string, string> | undefined {
  const captures = new Map<string, string>();
  return matchFrom(pattern.segments, 0, text, 0, bindings, captures) ? captures : undefined;
}

function matchFrom(
  segments: readonly PatternSegment[],
  si: number,
  text: string,
  ti: number,
  bindings: Bindings,
  captures: Map<string, string>,
): boolean {
  if (si === segments.length) return ti === text.length;
  const segment = segments[si]!;
  if (segment.kind === 'literal') {
    return text.startsWith(segment.text, ti) && matchFrom(segments, si + 1, text, ti + segment.text.length, bindings, captures);
  }
  const bound = segment.kind === 'variable' ? (bindings.get(segment.name) ?? captures.get(segment.name)) : undefined;
  if (bound !== undefined) {
    return text.startsWith(bound, ti) && matchFrom(segments, si + 1, text, ti + bound.length, bindings, captures);
  }
  const minLength = segment.kind === 'variable' ? 1 : 0;
  for (let end = ti + minLength; end <= text.length; end++) {
    if (segment.kind === 'variable') captures.set(segment.name, text.slice(ti, end));
    if (matchFrom(segments, si + 1, text, end, bindings, captures)) return true;
  }
  if (segment.kind === 'variable') captures.delete(segment.name);
  return false;
}
