import { isAtomChar } from './formal-syntax.js';
import { grammarRule } from './imap-rule.js';
import type { ImapTokenizer } from './tokenize.js';

export interface ImapCapabilityListOptions {
  /** Inside "[CAPABILITY …]": a "]" ends the list. */
  readonly inCode: boolean;
  /**
   * 'capability-data' (RFC 3501: must hold IMAP4rev1) or 'enable-data' (RFC 5161: the extensions
   * enabled, "may contain no capabilities").
   */
  readonly rule: 'capability-data' | 'enable-data';
}

/**
 * `*(SP capability) SP "IMAP4rev1" *(SP capability)` after "CAPABILITY", or `*(SP capability)` after
 * "ENABLED"; `capability = ("AUTH=" auth-type) / atom`. Reads until the end of the line or a "]". The
 * missing IMAP4rev1 is a grammar violation of capability-data, reported at `at` (the keyword).
 */
export function parseCapabilityList(t: ImapTokenizer, at: number, options: ImapCapabilityListOptions): string[] {
  const { rule, inCode } = options;
  const capabilities: string[] = [];
  while (!t.atLineEnd() && !(inCode && t.peek() === 0x5d)) {
    t.expectSp(rule);
    if (t.atLineEnd() || (inCode && t.peek() === 0x5d)) {
      t.report(grammarRule(rule), `${rule}: SP not followed by a capability`, 'capability');
      break;
    }
    if (!isAtomChar(t.peek())) t.fail('capability', 'capability (atom)', 'capability: expected an atom');
    const start = t.offset;
    const capability = inCode ? t.readAtom('capability') : t.readAtomOutsideCode('capability');
    checkAppendLimit(t, capability, start);
    capabilities.push(capability);
  }
  if (rule === 'capability-data' && !capabilities.some((c) => c.toUpperCase() === 'IMAP4REV1')) {
    // "The capability listing MUST include the atom "IMAP4rev1"." (§7.2.1)
    t.report(grammarRule(rule), 'capability-data without "IMAP4rev1"', '*(SP capability) SP "IMAP4rev1" *(SP capability)', at, Buffer.from(capabilities.join(' '), 'latin1'));
  }
  return capabilities;
}

/** RFC 7889: `capability =/ "APPENDLIMIT" ["=" number]` — "APPENDLIMIT=" takes a 32-bit number, nothing else. */
function checkAppendLimit(t: ImapTokenizer, capability: string, at: number): void {
  const prefix = 'APPENDLIMIT=';
  if (!capability.toUpperCase().startsWith(prefix)) return;
  const value = capability.slice(prefix.length);
  if (/^[0-9]+$/.test(value) && Number(value) <= 4_294_967_295) return;
  t.report(grammarRule('capability.appendlimit'), `capability ${capability}: APPENDLIMIT= not followed by a 32-bit number`, '"APPENDLIMIT" ["=" number]', at, Buffer.from(capability, 'latin1'));
}
