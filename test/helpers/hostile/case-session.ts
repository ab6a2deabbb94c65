import type { ScriptCase, Step } from '../../../src/script/script-case.js';
import { decodeEscapes, renderTemplate } from '../../../src/script/template.js';
import type { HostileSegment } from './hostile-stream.js';
import { countLines } from './plausible-session.js';

/**
 * What a server passing `scriptCase` might send: every required `S:` pattern rendered as a line
 * (wildcards filled, variables bound), released after the client lines before it. Approximate on
 * purpose: it only has to get the engine deep into the case before the mutations strike.
 */
export function caseSegments<P>(scriptCase: ScriptCase<P>, bindings: ReadonlyMap<string, string>): HostileSegment[] {
  const segments: HostileSegment[] = [];
  let sent = 0;
  const emit = (source: string): void => {
    const bytes = Buffer.from(`${renderPattern(source, scriptCase.protocol === 'imap', bindings)}\r\n`, 'latin1');
    const last = segments.at(-1);
    if (last && last.afterClientLines === sent) segments[segments.length - 1] = { afterClientLines: sent, bytes: Buffer.concat([last.bytes, bytes]) };
    else segments.push({ afterClientLines: sent, bytes });
  };
  const visit = (step: Step<P>): void => {
    if (step.kind === 'send') sent += sentLines(step.template, step.raw, bindings);
    else if (step.kind === 'pipeline') step.sends.forEach((s) => (sent += sentLines(s.template, s.raw, bindings)));
    else if (step.kind === 'expect' && (step.quantifier === 'one' || step.quantifier === 'some')) emit(step.matcher.source);
    else if (step.kind === 'unordered') step.expects.forEach((e) => emit(e.matcher.source));
  };
  scriptCase.steps.forEach(visit);
  return segments;
}

function sentLines(template: string, raw: boolean, bindings: ReadonlyMap<string, string>): number {
  const rendered = renderTemplate(template, bindings);
  if (!('text' in rendered)) return 1;
  if (!raw) return countLines(Buffer.from(rendered.text, 'utf8')) + 1;
  const decoded = decodeEscapes(rendered.text);
  return 'error' in decoded ? 0 : countLines(decoded);
}

/**
 * A line the pattern would match: `${name}` bound (or "1"), `*` as text. In IMAP patterns a
 * leading "*" is the untagged marker, a bare "*" any values (dropped inside lists, "done" in
 * text), and "BAD|NO" alternatives take the first.
 */
export function renderPattern(source: string, imap: boolean, bindings: ReadonlyMap<string, string>): string {
  const bound = source.replace(/\$\{([^}]*)\}/g, (_, name: string) => bindings.get(name) ?? '1');
  if (!imap) return bound.replace(/\\\*/g, '\u0000').replace(/\*/g, 'ok').replace(/\u0000/g, '*');
  const marker = bound.startsWith('* ') ? '* ' : '';
  const rest = bound.slice(marker.length).replace(/\b([A-Za-z]+)(\|[A-Za-z]+)+\b/g, '$1');
  let depth = 0;
  let out = '';
  for (let i = 0; i < rest.length; i++) {
    const ch = rest[i]!;
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    const bare = ch === '*' && ' ()['.includes(rest[i - 1] ?? ' ') && ' )]'.includes(rest[i + 1] ?? ' ');
    out += ch !== '*' ? ch : bare ? (depth > 0 ? '' : 'done') : 'x';
  }
  return marker + out;
}
