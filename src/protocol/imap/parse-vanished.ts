import { IMAP_PROSE_RULES } from './imap-rule.js';
import type { ImapVanishedResponse } from './imap-response.js';
import { KNOWN_UIDS, parseNumberSet } from './parse-sequence-set.js';
import type { ImapTokenizer } from './tokenize.js';

/** RFC 7162 §7 `expunged-resp = "VANISHED" [SP "(EARLIER)"] SP known-uids`, after "VANISHED". */
export function parseVanished(t: ImapTokenizer): ImapVanishedResponse {
  t.expectSp('expunged-resp');
  let earlier = false;
  if (t.take(0x28)) {
    if (t.readKeyword().toUpperCase() !== 'EARLIER') t.fail('expunged-resp', '"(EARLIER)"', 'expunged-resp: the only tag is "(EARLIER)"');
    t.expect(0x29, 'expunged-resp');
    t.expectSp('expunged-resp');
    earlier = true;
  }
  if (t.atLineEnd()) t.fail(IMAP_PROSE_RULES.rfc7162MessageData, 'known-uids', 'VANISHED without UIDs');
  return { kind: 'untagged', type: 'vanished', earlier, uids: parseNumberSet(t, KNOWN_UIDS) };
}
