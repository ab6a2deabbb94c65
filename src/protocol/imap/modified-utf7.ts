/**
 * Modified UTF-7 for mailbox names (RFC 3501 §5.1.3): decoding with every deviation located,
 * and the canonical encoding (for the compiler and tests).
 */

/** A deviation from §5.1.3 at `index` (octets from the start of the name). */
export interface ModifiedUtf7Problem {
  readonly index: number;
  readonly length: number;
  readonly kind: 'unterminated' | 'bad-base64' | 'bad-utf16' | 'encoded-ascii' | 'superfluous-shift' | 'raw-8bit' | 'raw-control';
  readonly message: string;
}

const AMPERSAND = 0x26;
const DASH = 0x2d;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,';
const VALUE = new Map([...ALPHABET].map((c, i) => [c.charCodeAt(0), i]));

/** "printable US-ASCII characters, except for "&", represent themselves; that is, ... 0x20-0x25 and 0x27-0x7e" */
const representsItself = (c: number): boolean => c >= 0x20 && c <= 0x7e && c !== AMPERSAND;

/**
 * Decodes `raw` (octets as latin1 chars). Never throws: a run that cannot be decoded is kept as
 * its octets in the result and reported.
 */
export function decodeModifiedUtf7(raw: string): { name: string; problems: ModifiedUtf7Problem[] } {
  const problems: ModifiedUtf7Problem[] = [];
  let name = '';
  let lastRunEnd = -1;
  let i = 0;
  while (i < raw.length) {
    const c = raw.charCodeAt(i);
    if (c !== AMPERSAND) {
      if (c >= 0x80) problems.push({ index: i, length: 1, kind: 'raw-8bit', message: '8-bit octet in a mailbox name: non-ASCII characters MUST be in modified BASE64' });
      else if (!representsItself(c)) problems.push({ index: i, length: 1, kind: 'raw-control', message: 'control octet in a mailbox name: it MUST be in modified BASE64' });
      name += raw[i];
      i++;
      continue;
    }
    let j = i + 1;
    while (j < raw.length && VALUE.has(raw.charCodeAt(j))) j++;
    if (raw.charCodeAt(j) !== DASH) {
      // "&Jjo!" is not valid: "There is no implicit shift from BASE64 to US-ASCII".
      problems.push({ index: i, length: j - i, kind: 'unterminated', message: '"&" starts a modified BASE64 run not closed by "-"' });
      name += raw.slice(i, j);
      i = j;
      continue;
    }
    if (j === i + 1) {
      name += '&'; // "&-" is "&"
      i = j + 1;
      continue;
    }
    if (i === lastRunEnd) {
      // "null shifts ("-&" while in BASE64 ...) are not permitted"
      problems.push({ index: i - 1, length: 2, kind: 'superfluous-shift', message: 'superfluous shift "-&" between two modified BASE64 runs' });
    }
    name += decodeRun(raw.slice(i + 1, j), i + 1, problems) ?? raw.slice(i, j + 1);
    lastRunEnd = j + 1;
    i = j + 1;
  }
  return { name, problems };
}

/** Decodes one modified BASE64 run to UTF-16; undefined (and a problem) if it is not whole UTF-16. */
function decodeRun(run: string, index: number, problems: ModifiedUtf7Problem[]): string | undefined {
  const units: number[] = [];
  let bits = 0;
  let acc = 0;
  for (const ch of run) {
    acc = (acc << 6) | VALUE.get(ch.charCodeAt(0))!;
    bits += 6;
    if (bits >= 16) {
      bits -= 16;
      units.push((acc >> bits) & 0xffff);
      acc &= (1 << bits) - 1;
    }
  }
  if (bits >= 6 || acc !== 0) {
    problems.push({ index, length: run.length, kind: 'bad-base64', message: 'modified BASE64 run does not end on a whole UTF-16 unit (bad length or non-zero padding bits)' });
    return undefined;
  }
  for (let k = 0; k < units.length; k++) {
    const u = units[k]!;
    const next = units[k + 1] ?? -1;
    if (u >= 0xd800 && u <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      k++;
    } else if (u >= 0xd800 && u <= 0xdfff) {
      problems.push({ index, length: run.length, kind: 'bad-utf16', message: 'modified BASE64 run holds an unpaired UTF-16 surrogate' });
      return undefined;
    } else if (representsItself(u) && !problems.some((p) => p.index === index && p.kind === 'encoded-ascii')) {
      problems.push({ index, length: run.length, kind: 'encoded-ascii', message: `modified BASE64 encodes printable US-ASCII ${JSON.stringify(String.fromCharCode(u))}, which MUST represent itself` });
    }
  }
  return String.fromCharCode(...units);
}

/** The canonical modified UTF-7 form of `name`: what a conforming server sends. */
export function encodeModifiedUtf7(name: string): string {
  let out = '';
  let i = 0;
  while (i < name.length) {
    const c = name.charCodeAt(i);
    if (representsItself(c)) {
      out += name[i];
      i++;
    } else if (c === AMPERSAND) {
      out += '&-';
      i++;
    } else {
      let j = i;
      while (j < name.length && !representsItself(name.charCodeAt(j)) && name.charCodeAt(j) !== AMPERSAND) j++;
      out += `&${encodeRun(name.slice(i, j))}-`;
      i = j;
    }
  }
  return out;
}

function encodeRun(run: string): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (let k = 0; k < run.length; k++) {
    acc = (acc << 16) | run.charCodeAt(k);
    bits += 16;
    while (bits >= 6) {
      bits -= 6;
      out += ALPHABET[(acc >> bits) & 0x3f];
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(acc << (6 - bits)) & 0x3f];
  return out;
}
