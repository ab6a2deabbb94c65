import type { ImapEsearchResponse, ImapIdResponse, ImapNamespaceDescr, ImapNamespaceResponse, ImapNumberSet } from './imap-response.js';
import { writeBodyExtension } from './compile-body-structure.js';
import { quoteString, type WireWriter } from './wire-writer.js';

/** The extension responses' wire forms (RFC 2971, RFC 2342, RFC 4731, RFC 7162), for compileResponse. */

/** sequence-set / uid-set / known-uids: "2,4:*". */
export function formatNumberSet(set: ImapNumberSet): string {
  return set.map((r) => (r.to === undefined ? String(r.from) : `${r.from}:${r.to}`)).join(',');
}

/** "ID" SP id_params_list */
export function writeId(w: WireWriter, r: ImapIdResponse): void {
  w.text('ID ');
  if (r.params === null) return w.text('NIL');
  w.text('(');
  r.params.forEach(([field, value], i) => {
    if (i > 0) w.text(' ');
    w.string(Buffer.from(field, 'latin1'));
    w.text(' ');
    w.nstring(value);
  });
  w.text(')');
}

/** "NAMESPACE" SP Namespace SP Namespace SP Namespace */
export function writeNamespace(w: WireWriter, r: ImapNamespaceResponse): void {
  w.text('NAMESPACE');
  for (const part of [r.personal, r.otherUsers, r.shared]) {
    w.text(' ');
    if (part === null) w.text('NIL');
    else {
      w.text('(');
      for (const d of part) writeDescription(w, d);
      w.text(')');
    }
  }
}

function writeDescription(w: WireWriter, d: ImapNamespaceDescr): void {
  w.text('(');
  w.string(Buffer.from(d.prefix, 'latin1'));
  w.text(` ${d.delimiter === null ? 'NIL' : quoteString(Buffer.from(d.delimiter, 'latin1'))}`);
  for (const x of d.extensions) {
    w.text(' ');
    w.string(Buffer.from(x.name, 'latin1'));
    w.text(' (');
    x.values.forEach((v, i) => {
      if (i > 0) w.text(' ');
      w.string(Buffer.from(v, 'latin1'));
    });
    w.text(')');
  }
  w.text(')');
}

/** "ESEARCH" [search-correlator] [SP "UID"] *(SP search-return-data) */
export function writeEsearch(w: WireWriter, r: ImapEsearchResponse): void {
  w.text('ESEARCH');
  if (r.tag !== undefined) {
    w.text(' (TAG ');
    w.string(Buffer.from(r.tag, 'latin1'));
    w.text(')');
  }
  if (r.uid) w.text(' UID');
  for (const d of r.data) {
    switch (d.name) {
      case 'MIN':
      case 'MAX':
      case 'COUNT':
        w.text(` ${d.name} ${d.value}`);
        break;
      case 'ALL':
        w.text(` ALL ${formatNumberSet(d.set)}`);
        break;
      case 'MODSEQ':
        w.text(` MODSEQ ${d.modseq}`);
        break;
      case 'unknown':
        w.text(` ${d.label} `);
        writeBodyExtension(w, d.value);
        break;
    }
  }
}
