import { IMAP_PROSE_RULES, type ImapRuleRef } from './imap-rule.js';
import { readModSequence } from './parse-mod-sequence.js';
import { parseNumberSet, SEQUENCE_SET, UID_SET } from './parse-sequence-set.js';
import type { ImapTokenizer } from './tokenize.js';

/** How an extension's response code is written: its rule, and its arguments' reader (none: a bare name). */
export interface ImapExtensionCodeSyntax {
  readonly rule: ImapRuleRef;
  /** Reads `SP …` up to the "]" (strict: a hard error aborts to the code's recovery). */
  readonly readArguments: ((t: ImapTokenizer) => void) | undefined;
}

/** resp-code-apnd = "APPENDUID" SP nz-number SP append-uid; append-uid = uniqueid (=/ uid-set with MULTIAPPEND) */
function readAppendUid(t: ImapTokenizer): void {
  t.expectSp('resp-code-apnd');
  t.readNumber('nz-number', 'resp-code-apnd');
  t.expectSp('resp-code-apnd');
  parseNumberSet(t, UID_SET);
}

/** resp-code-copy = "COPYUID" SP nz-number SP uid-set SP uid-set */
function readCopyUid(t: ImapTokenizer): void {
  t.expectSp('resp-code-copy');
  t.readNumber('nz-number', 'resp-code-copy');
  t.expectSp('resp-code-copy');
  parseNumberSet(t, UID_SET);
  t.expectSp('resp-code-copy');
  parseNumberSet(t, UID_SET);
}

const bare = (rule: ImapRuleRef): ImapExtensionCodeSyntax => ({ rule, readArguments: undefined });

/**
 * Response codes of standards-track extensions whose ABNF this parser checks. They stay `other`
 * codes (name and argument text as sent) in the AST, which is how APPENDUID and COPYUID are read
 * by the runner's setup and the fuzz models; the check is that their text has the defined shape.
 */
export const EXTENSION_CODE_SYNTAX: ReadonlyMap<string, ImapExtensionCodeSyntax> = new Map([
  ['APPENDUID', { rule: 'resp-code-apnd', readArguments: readAppendUid }],
  ['COPYUID', { rule: 'resp-code-copy', readArguments: readCopyUid }],
  ['UIDNOTSTICKY', bare(IMAP_PROSE_RULES.rfc4315Code)],
  ['USEATTR', bare(IMAP_PROSE_RULES.rfc6154Code)],
  ['HIGHESTMODSEQ', {
    rule: IMAP_PROSE_RULES.rfc7162Code,
    readArguments: (t) => {
      t.expectSp(IMAP_PROSE_RULES.rfc7162Code);
      readModSequence(t, false);
    },
  }],
  ['MODIFIED', {
    rule: IMAP_PROSE_RULES.rfc7162Code,
    readArguments: (t) => {
      t.expectSp(IMAP_PROSE_RULES.rfc7162Code);
      parseNumberSet(t, SEQUENCE_SET);
    },
  }],
  ['NOMODSEQ', bare(IMAP_PROSE_RULES.rfc7162Code)],
  ['CLOSED', bare(IMAP_PROSE_RULES.rfc7162Code)],
]);
