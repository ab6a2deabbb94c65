import type {
  ImapAddress, ImapBodyExtension, ImapBodyExtensionTail, ImapBodyFields, ImapBodyParams, ImapBodyStructure, ImapEnvelope,
} from './imap-response.js';
import type { WireWriter } from './wire-writer.js';

/** `envelope` (§9) in canonical form. */
export function writeEnvelope(w: WireWriter, e: ImapEnvelope): void {
  w.text('(');
  w.nstring(e.date);
  w.text(' ');
  w.nstring(e.subject);
  for (const list of [e.from, e.sender, e.replyTo, e.to, e.cc, e.bcc]) {
    w.text(' ');
    writeAddresses(w, list);
  }
  w.text(' ');
  w.nstring(e.inReplyTo);
  w.text(' ');
  w.nstring(e.messageId);
  w.text(')');
}

function writeAddresses(w: WireWriter, list: readonly ImapAddress[] | null): void {
  if (list === null) return w.text('NIL');
  w.text('(');
  for (const a of list) {
    w.text('(');
    [a.name, a.adl, a.mailbox, a.host].forEach((field, i) => {
      if (i > 0) w.text(' ');
      w.nstring(field);
    });
    w.text(')');
  }
  w.text(')');
}

export function writeBody(w: WireWriter, b: ImapBodyStructure): void {
  w.text('(');
  if (b.kind === 'multipart') {
    b.parts.forEach((p) => writeBody(w, p));
    w.text(' ');
    w.nstring(b.subtype);
    if (b.extension !== undefined) {
      w.text(' ');
      writeParams(w, b.extension.params);
      writeExtensionTail(w, b.extension);
    }
    return w.text(')');
  }
  w.nstring(b.type);
  w.text(' ');
  w.nstring(b.subtype);
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
    w.nstring(b.extension.md5);
    writeExtensionTail(w, b.extension);
  }
  w.text(')');
}

function writeFields(w: WireWriter, f: ImapBodyFields): void {
  writeParams(w, f.params);
  for (const field of [f.id, f.description, f.encoding]) {
    w.text(' ');
    w.nstring(field);
  }
  w.text(` ${f.octets}`);
}

function writeParams(w: WireWriter, params: ImapBodyParams): void {
  if (params === null) return w.text('NIL');
  writeBodyExtension(w, params.flat());
}

function writeExtensionTail(w: WireWriter, e: ImapBodyExtensionTail): void {
  if (e.disposition === undefined) return;
  w.text(' ');
  if (e.disposition === null) w.text('NIL');
  else {
    w.text('(');
    w.nstring(e.disposition.type);
    w.text(' ');
    writeParams(w, e.disposition.params);
    w.text(')');
  }
  if (e.language === undefined) return;
  w.text(' ');
  writeBodyExtension(w, e.language);
  if (e.location === undefined) return;
  w.text(' ');
  w.nstring(e.location);
  for (const x of e.extensions ?? []) {
    w.text(' ');
    writeBodyExtension(w, x);
  }
}

/** nstring / number / "(" … ")" — the shape of body-extension, body-fld-lang and parameter lists. */
export function writeBodyExtension(w: WireWriter, x: ImapBodyExtension): void {
  if (typeof x === 'number') return w.text(String(x));
  if (typeof x === 'string' || x === null) return w.nstring(x);
  w.text('(');
  x.forEach((item, i) => {
    if (i > 0) w.text(' ');
    writeBodyExtension(w, item);
  });
  w.text(')');
}
