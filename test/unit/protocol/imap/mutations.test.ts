import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Violation } from '../../../../src/protocol/shared/violation.js';
import { parseResponse } from '../../../../src/protocol/imap/parse-response.js';
import { frameResponses, type ImapRawResponse } from '../../../../src/protocol/imap/response-framer.js';

/**
 * Mutation testing of the parser: each class breaks one rule in every valid response of the Dovecot
 * corpus where it applies, and the parser must name that rule. A mutation is a latin1 string edit
 * returning undefined where it does not apply.
 */
interface MutationClass {
  readonly name: string;
  /** The rule a violation must name; "rule@section" when the section is not §9. */
  readonly rule: string;
  readonly mutate: (wire: string) => string | undefined;
}

const CORPUS_URL = new URL('../../../../../test/fixtures/imap/dovecot-corpus.json', import.meta.url);
const corpus = JSON.parse(readFileSync(CORPUS_URL, 'utf8')) as { exchanges: Array<{ client: string | null; server: string }> };

/** The wire form of a framed response (literals inline, line endings as sent). */
function wireOf(raw: ImapRawResponse): string {
  return raw.parts.map((p) => p.bytes.toString('latin1') + (p.kind === 'text' ? (p.ending === 'crlf' ? '\r\n' : '\n') : '')).join('');
}

const BASES: ReadonlyArray<{ wire: string; greeting: boolean }> = corpus.exchanges.flatMap((e) =>
  frameResponses(Buffer.from(e.server, 'latin1')).responses.map((r) => ({ wire: wireOf(r.raw), greeting: e.client === null })));

/** Every violation of every response the mutated octets frame into (a bad length shifts the next one). */
function violationsOf(wire: string, greeting: boolean): Violation[] {
  const { responses } = frameResponses(Buffer.from(wire, 'latin1'));
  return responses.flatMap((r, i) => [...r.violations, ...parseResponse(r.raw, { greeting: greeting && i === 0 }).violations]);
}

/** Replaces the first match of `pattern` (a function of the match), or undefined if none. */
const edit = (pattern: RegExp, replace: (match: RegExpExecArray) => string) => (wire: string): string | undefined => {
  const m = pattern.exec(wire);
  return m ? wire.slice(0, m.index) + replace(m) + wire.slice(m.index + m[0].length) : undefined;
};

const MUTATIONS: readonly MutationClass[] = [
  { name: 'literal length one too long', rule: 'msg-att', mutate: edit(/\{(\d+)\}\r\n/, (m) => `{${Number(m[1]) + 1}}\r\n`) },
  { name: 'literal length one too short', rule: 'msg-att', mutate: edit(/\{(\d+)\}\r\n/, (m) => `{${Number(m[1]) - 1}}\r\n`) },
  { name: 'missing SP between status and resp-text', rule: 'resp-cond-state', mutate: edit(/^([a-z]\d+ OK) \[/, (m) => `${m[1]}[`) },
  // Not a class: dropping the SP after the tag can leave a valid response ("a37BAD No mailbox" is tag
  // "a37BAD", status NO): only the session, which knows the tags in flight, can catch it.
  { name: 'missing SP after FETCH', rule: 'message-data', mutate: edit(/ FETCH \(/, () => ' FETCH(') },
  { name: 'two SPs after FETCH', rule: 'message-data', mutate: edit(/ FETCH \(/, () => ' FETCH  (') },
  { name: 'TAB for SP in a status response', rule: 'resp-cond-state', mutate: edit(/^(\* OK) /, (m) => `${m[1]}\t`) },
  { name: 'unbalanced parens: msg-att ")" missing', rule: 'msg-att', mutate: edit(/^(\* \d+ FETCH .*)\)\r\n$/s, (m) => `${m[1]}\r\n`) },
  { name: 'unbalanced parens: extra ")"', rule: 'message-data', mutate: edit(/ FETCH (.*)\)\r\n$/s, (m) => ` FETCH ${m[1]}))\r\n`) },
  { name: 'date-time: bad month', rule: 'date-month', mutate: edit(/INTERNALDATE "(\d\d)-[A-Z][a-z]{2}-/, (m) => `INTERNALDATE "${m[1]}-Nox-`) },
  { name: 'date-time: bad day', rule: 'date-day-fixed', mutate: edit(/INTERNALDATE "\d\d-/, () => 'INTERNALDATE "32-') },
  { name: 'date-time: bad zone', rule: 'zone', mutate: edit(/(INTERNALDATE "[^"]*)[+-]\d{4}"/, (m) => `${m[1]}UTC"`) },
  { name: '"]" in a flag atom', rule: 'ATOM-CHAR', mutate: edit(/\$Label1/, () => '$Lab]el1') },
  { name: '8-bit octet in a quoted string', rule: 'QUOTED-CHAR', mutate: edit(/"(Nested|plain|text)"/, (m) => `"${m[1]}\xe9"`) },
  { name: 'NUL in a quoted string', rule: 'QUOTED-CHAR', mutate: edit(/"(Nested|plain|text)"/, (m) => `"${m[1]}\0"`) },
  { name: 'CRLF in a quoted string', rule: 'quoted', mutate: edit(/"(Nested|plain|text)"/, (m) => `"${m[1]}\r\nx"`) },
  { name: 'bare CR in a quoted string', rule: 'QUOTED-CHAR', mutate: edit(/"(Nested|plain|text)"/, (m) => `"${m[1]}\rx"`) },
  { name: 'backslash escape of a plain char', rule: 'QUOTED-CHAR', mutate: edit(/"(Nested|plain|text)"/, (m) => `"\\${m[1]}"`) },
  { name: 'unquoted LIST delimiter', rule: 'mailbox-list', mutate: edit(/^(\* (?:LIST|LSUB) \([^)]*\)) "\/"/, (m) => `${m[1]} /`) },
  { name: 'tag containing "+"', rule: 'tag', mutate: edit(/^([a-z])(\d+) /, (m) => `${m[1]}+${m[2]} `) },
  { name: 'non-number where a number is required', rule: 'number', mutate: edit(/RFC822\.SIZE \d/, () => 'RFC822.SIZE x') },
  { name: 'zero UID (nz-number)', rule: 'nz-number', mutate: edit(/ UID \d+/, () => ' UID 0') },
  { name: 'zero message number in FETCH (nz-number)', rule: 'nz-number', mutate: edit(/^\* \d+ FETCH/, () => '* 0 FETCH') },
  { name: 'CAPABILITY without IMAP4rev1', rule: 'capability-data', mutate: edit(/CAPABILITY IMAP4rev1 /, () => 'CAPABILITY ') },
  { name: 'bare LF line ending', rule: 'CRLF@2.2', mutate: edit(/\r\n$/, () => '\n') },
  { name: '"{n+}" literal from the server', rule: 'literal', mutate: edit(/\{(\d+)\}\r\n/, (m) => `{${m[1]}+}\r\n`) },
  { name: 'unknown resp-text-code: NUL in its arguments', rule: 'TEXT-CHAR', mutate: edit(/\[CLOSED\]/, () => '[XMC a\0b]') },
  { name: 'APPENDUID: NUL before UIDVALIDITY', rule: 'nz-number', mutate: edit(/\[APPENDUID (\d+)/, (m) => `[APPENDUID \0${m[1]}`) },
  { name: 'APPENDUID without its UID (RFC 4315)', rule: 'resp-code-apnd@4', mutate: edit(/\[APPENDUID (\d+) \d+\]/, (m) => `[APPENDUID ${m[1]}]`) },
  { name: 'APPENDUID with "*" for the UID (uid-set)', rule: 'uid-set@4', mutate: edit(/\[APPENDUID (\d+) \d+\]/, (m) => `[APPENDUID ${m[1]} *]`) },
  { name: 'CLOSED with an argument (RFC 7162)', rule: 'resp-text-code@7', mutate: edit(/\[CLOSED\]/, () => '[CLOSED now]') },
  { name: 'unknown resp-text-code: "(" in its atom', rule: 'resp-text-code', mutate: edit(/\[CLOSED\]/, () => '[CLO(SED]') },
  { name: 'modified UTF-7: unterminated "&"', rule: 'mailbox.modified-utf7@5.1.3', mutate: edit(/&AMk-t/, () => '&AMkt') },
  { name: 'modified UTF-7: printable ASCII encoded', rule: 'mailbox.modified-utf7@5.1.3', mutate: edit(/"\/" Archive/, () => '"/" &AEE-rchive') },
  { name: 'modified UTF-7: raw 8-bit octet', rule: 'mailbox.modified-utf7@5.1.3', mutate: edit(/"\/" Archive/, () => '"/" {7}\r\nArch\xefve') },
  { name: 'BODYSTRUCTURE: body-fld-lines missing', rule: 'body-type-text', mutate: edit(/("7bit" \d+) \d+\)/, (m) => `${m[1]})`) },
  { name: 'BODYSTRUCTURE: SP between nested bodies', rule: 'body-type-mpart', mutate: edit(/\)\("text"/, () => ') ("text"') },
  { name: 'BODY with extension data', rule: 'body.extension-data@7.4.2', mutate: edit(/^(\* \d+ FETCH \(BODY \("text" "plain" .*? \d+ \d+)\)\)/, (m) => `${m[1]} NIL))`) },
  { name: 'ENVELOPE with 9 fields', rule: 'envelope', mutate: edit(/ "<m\d\.[^"]*>"\)/, () => ')') },
  { name: 'ENVELOPE with 11 fields', rule: 'envelope', mutate: edit(/ ("<m\d\.[^"]*>")\)/, (m) => ` ${m[1]} NIL)`) },
  { name: 'empty address list', rule: 'env-cc', mutate: edit(/\(\(NIL NIL "carol" "example.com"\)\)/, () => '()') },
  { name: 'INTERNALDATE as a literal', rule: 'date-time', mutate: edit(/INTERNALDATE "([^"]*)"/, (m) => `INTERNALDATE {${m[1]!.length}}\r\n${m[1]}`) },
  { name: '8-bit octet in resp-text', rule: 'TEXT-CHAR', mutate: edit(/^([a-z]\d+ OK .*?)completed/, (m) => `${m[1]}compl\xe9t\xe9`) },
  { name: 'status response with no text', rule: 'resp-text', mutate: edit(/^([a-z]\d+ (?:OK|NO|BAD)) .*\r\n$/, (m) => `${m[1]}\r\n`) },
  { name: 'EXPUNGE of message 0', rule: 'nz-number', mutate: edit(/^\* \d+ EXPUNGE/, () => '* 0 EXPUNGE') },
  { name: 'tagged BYE', rule: 'resp-cond-state', mutate: edit(/^([a-z]\d+) OK /, (m) => `${m[1]} BYE `) },
];

const named = (v: Violation): string => (v.ref.section === '9' ? v.rule : `${v.rule}@${v.ref.section}`);

describe('mutation classes over the Dovecot corpus', () => {
  it('has at least 20 classes, and the unmutated corpus is clean', () => {
    assert.ok(MUTATIONS.length >= 20);
    for (const base of BASES) assert.deepEqual(violationsOf(base.wire, base.greeting), []);
  });

  for (const mutation of MUTATIONS) {
    it(`detects "${mutation.name}" as ${mutation.rule}`, () => {
      let applied = 0;
      for (const base of BASES) {
        const mutated = mutation.mutate(base.wire);
        if (mutated === undefined) continue;
        applied++;
        const found = violationsOf(mutated, base.greeting).map(named);
        assert.ok(found.includes(mutation.rule), `${JSON.stringify(mutated.slice(0, 300))}\n→ ${found.join(', ') || 'no violation'}`);
      }
      assert.ok(applied > 0, 'the mutation applies to no corpus response');
    });
  }

  it('tolerates what §9 Note 1 makes case-insensitive: a lowercase status, code name or month', () => {
    const lower = BASES.map((b) => b.wire).filter((w) => /^[a-z]\d+ OK \[READ-WRITE\]/.test(w)).map((w) => w.replace(' OK [READ-WRITE]', ' ok [read-write]'));
    assert.ok(lower.length > 0);
    for (const w of lower) assert.deepEqual(violationsOf(w, false), []);
    const month = BASES.map((b) => b.wire).find((w) => w.includes('-Nov-'));
    assert.ok(month !== undefined);
    assert.deepEqual(violationsOf(month.replace('-Nov-', '-NOV-'), false), []);
  });
});
