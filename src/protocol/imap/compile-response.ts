import { formatDateTime } from './date-time.js';
import { writeBody, writeBodyExtension, writeEnvelope } from './compile-body-structure.js';
import { formatNumberSet, writeEsearch, writeId, writeNamespace } from './compile-extension-data.js';
import { isAtomChar } from './formal-syntax.js';
import type { ImapContent, ImapFetchAttribute, ImapRespText, ImapRespTextCode, ImapResponse, ImapSection } from './imap-response.js';
import { quoteString, WireWriter } from './wire-writer.js';

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
      w.text(`${r.type.toUpperCase()} (${r.attributes.join(' ')}) ${r.delimiter === null ? 'NIL' : quoteString(Buffer.from(r.delimiter, 'latin1'))} `);
      return w.astring(r.mailbox.raw);
    case 'search':
      return w.text([...['SEARCH', ...r.numbers.map(String)], ...(r.modseq === undefined ? [] : [`(MODSEQ ${r.modseq})`])].join(' '));
    case 'status': {
      w.text('STATUS ');
      w.astring(r.mailbox.raw);
      const items = r.attributes.map((a) => `${a.name} ${a.value}`);
      if (r.highestModSeq !== undefined) items.push(`HIGHESTMODSEQ ${r.highestModSeq}`);
      if (r.appendLimit !== undefined) items.push(`APPENDLIMIT ${r.appendLimit ?? 'NIL'}`);
      return w.text(` (${items.join(' ')})`);
    }
    case 'enabled':
      return w.text(['ENABLED', ...r.capabilities].join(' '));
    case 'id':
      return writeId(w, r);
    case 'namespace':
      return writeNamespace(w, r);
    case 'esearch':
      return writeEsearch(w, r);
    case 'vanished':
      return w.text(`VANISHED ${r.earlier ? '(EARLIER) ' : ''}${formatNumberSet(r.uids)}`);
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
        w.astring(c, isAtomChar);
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
      return w.text(`INTERNALDATE ${quoteString(Buffer.from(a.date === undefined ? a.raw : formatDateTime(a.date), 'latin1'))}`);
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
    case 'MODSEQ':
      return w.text(`MODSEQ (${a.modseq})`);
    case 'unknown':
      w.text(`${a.item} `);
      return writeBodyExtension(w, a.value);
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
    w.astring(f);
  });
  w.text(')');
}

function writeContent(w: WireWriter, content: ImapContent | null): void {
  if (content === null) return w.text('NIL');
  if (content.kind === 'digest') throw new TypeError('compileResponse: a digest content has no octets to send');
  w.string(content.bytes);
}
