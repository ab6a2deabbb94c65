import type { ImapUnit } from '../../../protocol/imap/conversation.js';
import { imapAdapter } from '../../../script/adapters/imap-adapter.js';
import type { CaseConnection, CaseProtocol, ExpectLine } from './case-protocol.js';

const ANY_STATUS = 'OK|NO|BAD';
/** `{n}` or `{n+}` ending a command line: n octets of literal follow (RFC 3501 §4.3); `{n}` waits for "+" (§7.5). */
const LITERAL = /\{(\d+)(\+?)\}\r?\n?$/;
/** Characters that mean something in an IMAP pattern (script/adapters/imap-pattern.ts): a tag holding one is captured instead. */
const PATTERN_SYNTAX = /[\s()[\]"|{}$\\*+%]/;

/**
 * The client side of one IMAP connection, as far as patterns need it: the tags in flight (each
 * owes a completion, RFC 3501 §2.2.2), which verb each ran, and which lines are literal data.
 */
class ImapCaseConnection implements CaseConnection<ImapUnit> {
  private greeted = false;
  private literalLeft = 0;
  /** The next line continues a command after its literal instead of starting one. */
  private continuing = false;
  private waitsForGoAhead = false;
  private lastTag: string | undefined;
  /** Tags sent and not yet completed, in sending order. */
  private readonly inFlight: string[] = [];
  private readonly verbs = new Map<string, string>();
  private captures = 0;

  /** `name` keeps tag captures apart: bindings are shared by every session of a case. */
  constructor(private readonly name: string) {}

  sent(line: Buffer): boolean {
    this.waitsForGoAhead = false;
    const literalData = this.literalLeft > 0;
    const take = Math.min(this.literalLeft, line.length);
    this.literalLeft -= take;
    if (this.literalLeft > 0 || take === line.length) return literalData;
    const text = line.subarray(take).toString('latin1');
    if (!this.continuing) {
      const [tag = '', verb = ''] = text.trimEnd().split(' ', 2);
      this.lastTag = tag;
      if (tag !== '') this.inFlight.push(tag);
      this.verbs.set(tag, verb.toUpperCase());
    }
    const literal = LITERAL.exec(text);
    this.continuing = literal !== null;
    this.literalLeft = literal ? Number(literal[1]) : 0;
    this.waitsForGoAhead = literal !== null && literal[2] === '';
    return literalData;
  }

  widen(unit: ImapUnit): ExpectLine {
    const { response } = unit;
    const first = !this.greeted;
    this.greeted = true;
    if (first && response.kind === 'untagged' && response.type === 'condition') return { prefix: 'S:', pattern: `* ${response.status} *` };
    if (response.kind === 'continuation') return { prefix: 'S:', pattern: '+ *' };
    if (response.kind !== 'tagged') return { prefix: 'S*:', pattern: '* *' };
    const at = this.inFlight.indexOf(response.tag);
    if (at !== -1) this.inFlight.splice(at, 1);
    // CREATE's outcome depends on what exists already, and the case starts from a fresh mailbox.
    const status = this.verbs.get(response.tag) === 'CREATE' && response.status !== 'BAD' ? 'OK|NO' : response.status;
    return { prefix: 'S:', pattern: `${this.tagPattern(response.tag)} ${status} *` };
  }

  anyAnswer(): ExpectLine[] {
    if (this.lastTag === undefined) return [{ prefix: 'S:', pattern: '* OK|PREAUTH|BYE *' }];
    // After a synchronizing literal's {n} the server owes "+" or a refusal of the command (§7.5).
    if (this.waitsForGoAhead) return [{ prefix: 'S?:', pattern: `${this.tagPattern(this.lastTag)} NO|BAD *` }, { prefix: 'S?:', pattern: '+ *' }];
    // The first completion of several pipelined commands may carry any of their tags (§5.5). Only
    // it is required: a server may say BYE and close after it, which no transcript can branch on.
    const owed = this.inFlight.length > 0 ? this.inFlight : [this.lastTag];
    return this.completion(owed.length === 1 ? this.tagPattern(owed[0]!) : this.capture(), ANY_STATUS);
  }

  demanded(expected: string): ExpectLine[] | undefined {
    if (this.lastTag === undefined) return undefined;
    const tag = this.tagPattern(this.lastTag);
    const status = /^(OK|NO|BAD)( \[[A-Z-]+\])?/.exec(expected);
    if (status) return this.completion(tag, `${status[1]}${status[2] ?? ''}`);
    // Untagged data the engine passes over while it waits for this line (§7): other EXISTS, FETCH, … .
    const data = demandedData(expected);
    return data === undefined ? undefined : [{ prefix: 'S:', pattern: data }, ...this.completion(tag, ANY_STATUS)];
  }

  private completion(tag: string, status: string): ExpectLine[] {
    return [
      { prefix: 'S*:', pattern: '* *' },
      { prefix: 'S:', pattern: `${tag} ${status} *` },
    ];
  }

  private tagPattern(tag: string): string {
    return tag !== '' && !PATTERN_SYNTAX.test(tag) ? tag : this.capture();
  }

  private capture(): string {
    return `\${tag.${this.name}.${++this.captures}}`;
  }
}

/**
 * The untagged line a model's `expected` demands, where the model states it in full: "* 3 EXISTS",
 * or a FETCH item the run fixes ("FLAGS (\Flagged)": at least those flags, \Recent and others
 * may join; "RFC822.SIZE 157": the appended octets). UIDs and UIDNEXT are the server's to choose.
 */
function demandedData(expected: string): string | undefined {
  if (/^\* \d+ EXISTS$/.test(expected)) return expected;
  const flags = /^FLAGS \((\S[^()]*)\)$/.exec(expected);
  if (flags) return `* * FETCH (FLAGS (${flags[1]} *) *)`;
  if (/^RFC822\.SIZE \d+$/.test(expected)) return `* * FETCH (${expected} *)`;
  return undefined;
}

export const IMAP_CASE_PROTOCOL: CaseProtocol<ImapUnit> = {
  adapter: imapAdapter,
  probe: 'z1 NOOP',
  credentialLine: /^\S+ (LOGIN|AUTHENTICATE) /i,
  open: (name) => new ImapCaseConnection(name),
};
