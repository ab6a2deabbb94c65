import { isAll, isAstringChar, isTextChar } from './formal-syntax.js';

/** DQUOTE *QUOTED-CHAR DQUOTE, escaping the quoted-specials. */
export function quoteString(bytes: Buffer): string {
  return `"${bytes.toString('latin1').replace(/["\\]/g, '\\$&')}"`;
}

/**
 * Collects a response's octets in order, choosing each string's canonical form: an atom where
 * astring allows, quoted where every octet is TEXT-CHAR, a literal otherwise.
 */
export class WireWriter {
  private readonly chunks: Buffer[] = [];

  text(s: string): void {
    this.chunks.push(Buffer.from(s, 'latin1'));
  }

  bytes(b: Buffer): void {
    this.chunks.push(b);
  }

  /** nstring = string / nil */
  nstring(s: string | null): void {
    if (s === null) this.text('NIL');
    else this.string(Buffer.from(s, 'latin1'));
  }

  /** string = quoted / literal */
  string(bytes: Buffer): void {
    if (bytes.every(isTextChar)) this.text(quoteString(bytes));
    else {
      this.text(`{${bytes.length}}\r\n`);
      this.bytes(bytes);
    }
  }

  /** astring = 1*ASTRING-CHAR / string; `atomChar` narrows the atom form (no "]" inside a response code). */
  astring(s: string, atomChar: (b: number) => boolean = isAstringChar): void {
    const bytes = Buffer.from(s, 'latin1');
    if (isAll(bytes, atomChar)) this.bytes(bytes);
    else this.string(bytes);
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}
