import { formatDateTime } from './date-time.js';
import { isAll, isAstringChar, isAtomChar, isTextChar } from './formal-syntax.js';
import type {
  ImapAddress, ImapBodyExtension, ImapBodyExtensionTail, ImapBodyFields, ImapBodyParams, ImapBodyStructure, ImapContent, ImapEnvelope,
  ImapFetchAttribute, ImapRespText, ImapRespTextCode, ImapResponse, ImapSection,
} from './imap-response.js';

/**
 * Serialises an ImapResponse AST to the canonical wire octets a conforming server would send:
 * atoms where astring allows them, quoted strings where the octets allow, literals otherwise.
 * The inverse of parseResponse for the round-trip property and the mutation tests; it trusts its
 * input (a digest content cannot be sent and throws).
 */
export function compileResponse(response: ImapResponse): Buffer {
  const w = new WireWriter();
  writeResponse(w, response);
  w.text('\r\n');
  return w.toBuffer();
}

/** Collects text and literal octets in order. */
class WireWriter {
  private readonly chunks: Buffer[] = [];

  text(s: string): void {
    this.chunks.push(Buffer.from(s, 'latin1'));
  }

  bytes(b: Buffer): void {
    this.chunks.push(b);
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

function writeResponse(w: WireWriter, r: ImapResponse): void {
  switch (r.kind) {
    case 'tagged':
      w.text(`${r.tag} ${r.status} `);
      return writeRespText(w, r);
    case 'bye':
      w.text('* BYE ');
      return writeRespText(w, r);
    case 'continuation':
      w.text('+ ');
      return writeRespText(w, r);
    case 'unparsed':
      return w.text(r.text);
    case 'untagged':
      break;
  }
  w.text('* ');
  switch (r.type) {
    case 'condition':
      w.text(`${r.status} `);
      return writeRespText(w, r);
    case 'capability':
      return w.text(['CAPABILITY', ...r.capabilities].join(' '));
    case 'flags':
      return w.text(`FLAGS (${r.flags.join(' ')})`);
    case 'list':
    case 'lsub':
      w.text(`${r.type.toUpperCase()} (${r.attributes.join(' ')}) ${r.delimiter === null ? 'NIL' : quote(Buffer.from(r.delimiter, 'latin1'))} `);
      return writeAstring(w, r.mailbox.raw);
    case 'search':
      return w.text(['SEARCH', ...r.numbers.map(String)].join(' '));
    case 'status':
      w.text('STATUS ');
      writeAstring(w, r.mailbox.raw);
      return w.text(` (${r.attributes.map((a) => `${a.name} ${a.value}`).join(' ')})`);
    case 'exists':
    case 'recent':
    case 'expunge':
      return w.text(`${r.number} ${r.type.toUpperCase()}`);
    case 'experimental':
      return w.text(r.text === undefined ? r.name : `${r.name} ${r.text}`);
    case 'fetch':
      w.text(`${r.seq} FETCH (`);
      r.attributes.forEach((a, i) => {
        if (i > 0) w.text(' ');
        writeAttribute(w, a);
      });
      return w.text(')');
  }
}

function writeRespText(w: WireWriter, r: ImapRespText): void {
  if (r.code !== undefined) {
    w.text('[');
    writeCode(w, r.code);
    w.text('] ');
  }
  w.text(r.text);
}

function writeCode(w: WireWriter, code: ImapRespTextCode): void {
  switch (code.kind) {
    case 'simple':
      return w.text(code.name);
    case 'badcharset':
      w.text('BADCHARSET');
      if (code.charsets.length === 0) return;
      w.text(' (');
      code.charsets.forEach((c, i) => {
        if (i > 0) w.text(' ');
        // Inside "[…]" a "]" in an atom would look like the code's end: atoms without it, else strings.
        writeAstring(w, c, isAtomChar);
      });
      return w.text(')');
    case 'capability':
      return w.text(['CAPABILITY', ...code.capabilities].join(' '));
    case 'permanentflags':
      return w.text(`PERMANENTFLAGS (${code.flags.join(' ')})`);
    case 'number':
      return w.text(`${code.name} ${code.value}`);
    case 'other':
      return w.text(code.text === undefined ? code.name : `${code.name} ${code.text}`);
  }
}

function writeAttribute(w: WireWriter, a: ImapFetchAttribute): void {
  switch (a.name) {
    case 'FLAGS':
      return w.text(`FLAGS (${a.flags.join(' ')})`);
    case 'ENVELOPE':
      w.text('ENVELOPE ');
      return writeEnvelope(w, a.envelope);
    case 'INTERNALDATE':
      return w.text(`INTERNALDATE ${quote(Buffer.from(a.date === undefined ? a.raw : formatDateTime(a.date), 'latin1'))}`);
    case 'RFC822':
    case 'RFC822.HEADER':
    case 'RFC822.TEXT':
      w.text(`${a.name} `);
      return writeContent(w, a.content);
    case 'RFC822.SIZE':
      return w.text(`RFC822.SIZE ${a.size}`);
    case 'BODY':
    case 'BODYSTRUCTURE':
      w.text(`${a.name} `);
      return writeBody(w, a.structure);
    case 'BODY[]':
      w.text('BODY[');
      writeSection(w, a.section);
      w.text(a.origin === undefined ? '] ' : `]<${a.origin}> `);
      return writeContent(w, a.content);
    case 'UID':
      return w.text(`UID ${a.uid}`);
    case 'unknown':
      w.text(`${a.item} `);
      return writeExtension(w, a.value);
  }
}

function writeSection(w: WireWriter, s: ImapSection): void {
  w.text(s.part.join('.'));
  if (s.text === undefined) return;
  w.text(`${s.part.length > 0 ? '.' : ''}${s.text}`);
  if (s.fields === undefined) return;
  w.text(' (');
  s.fields.forEach((f, i) => {
    if (i > 0) w.text(' ');
    writeAstring(w, f);
  });
  w.text(')');
}

function writeContent(w: WireWriter, content: ImapContent | null): void {
  if (content === null) return w.text('NIL');
  if (content.kind === 'digest') throw new TypeError('compileResponse: a digest content has no octets to send');
  writeString(w, content.bytes);
}

function writeEnvelope(w: WireWriter, e: ImapEnvelope): void {
  w.text('(');
  writeNstring(w, e.date);
  w.text(' ');
  writeNstring(w, e.subject);
  for (const list of [e.from, e.sender, e.replyTo, e.to, e.cc, e.bcc]) {
    w.text(' ');
    writeAddresses(w, list);
  }
  w.text(' ');
  writeNstring(w, e.inReplyTo);
  w.text(' ');
  writeNstring(w, e.messageId);
  w.text(')');
}

function writeAddresses(w: WireWriter, list: readonly ImapAddress[] | null): void {
  if (list === null) return w.text('NIL');
  w.text('(');
  for (const a of list) {
    w.text('(');
    [a.name, a.adl, a.mailbox, a.host].forEach((field, i) => {
      if (i > 0) w.text(' ');
      writeNstring(w, field);
    });
    w.text(')');
  }
  w.text(')');
}

function writeBody(w: WireWriter, b: ImapBodyStructure): void {
  w.text('(');
  if (b.kind === 'multipart') {
    b.parts.forEach((p) => writeBody(w, p));
    w.text(' ');
    writeNstring(w, b.subtype);
    if (b.extension !== undefined) {
      w.text(' ');
      writeParams(w, b.extension.params);
      writeExtensionTail(w, b.extension);
    }
    return w.text(')');
  }
  writeNstring(w, b.type);
  w.text(' ');
  writeNstring(w, b.subtype);
  w.text(' ');
  writeFields(w, b.fields);
  if (b.kind === 'message') {
    w.text(' ');
    writeEnvelope(w, b.envelope);
    w.text(' ');
    writeBody(w, b.body);
  }
  if (b.kind !== 'basic') w.text(` ${b.lines}`);
  if (b.extension !== undefined) {
    w.text(' ');
    writeNstring(w, b.extension.md5);
    writeExtensionTail(w, b.extension);
  }
  w.text(')');
}

function writeFields(w: WireWriter, f: ImapBodyFields): void {
  writeParams(w, f.params);
  for (const field of [f.id, f.description, f.encoding]) {
    w.text(' ');
    writeNstring(w, field);
  }
  w.text(` ${f.octets}`);
}

function writeParams(w: WireWriter, params: ImapBodyParams): void {
  if (params === null) return w.text('NIL');
  writeExtension(w, params.flat());
}

function writeExtensionTail(w: WireWriter, e: ImapBodyExtensionTail): void {
  if (e.disposition === undefined) return;
  w.text(' ');
  if (e.disposition === null) w.text('NIL');
  else {
    w.text('(');
    writeNstring(w, e.disposition.type);
    w.text(' ');
    writeParams(w, e.disposition.params);
    w.text(')');
  }
  if (e.language === undefined) return;
  w.text(' ');
  writeExtension(w, e.language);
  if (e.location === undefined) return;
  w.text(' ');
  writeNstring(w, e.location);
  for (const x of e.extensions ?? []) {
    w.text(' ');
    writeExtension(w, x);
  }
}

/** nstring / number / "(" … ")" — the shape of body-extension, body-fld-lang and parameter lists. */
function writeExtension(w: WireWriter, x: ImapBodyExtension): void {
  if (typeof x === 'number') return w.text(String(x));
  if (typeof x === 'string' || x === null) return writeNstring(w, x);
  w.text('(');
  x.forEach((item, i) => {
    if (i > 0) w.text(' ');
    writeExtension(w, item);
  });
  w.text(')');
}

function writeNstring(w: WireWriter, s: string | null): void {
  if (s === null) return w.text('NIL');
  writeString(w, Buffer.from(s, 'latin1'));
}

/** astring: an atom when every octet is ASTRING-CHAR (or `atomChar`), else a string. */
function writeAstring(w: WireWriter, s: string, atomChar: (b: number) => boolean = isAstringChar): void {
  const bytes = Buffer.from(s, 'latin1');
  if (isAll(bytes, atomChar)) w.bytes(bytes);
  else writeString(w, bytes);
}

/** string = quoted / literal: quoted when every octet is TEXT-CHAR, else a literal. */
function writeString(w: WireWriter, bytes: Buffer): void {
  if (bytes.every(isTextChar)) w.text(quote(bytes));
  else {
    w.text(`{${bytes.length}}\r\n`);
    w.bytes(bytes);
  }
}

/** DQUOTE *QUOTED-CHAR DQUOTE, escaping the quoted-specials. */
function quote(bytes: Buffer): string {
  return `"${bytes.toString('latin1').replace(/["\\]/g, '\\$&')}"`;
}
