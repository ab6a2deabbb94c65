import assert from 'node:assert/strict';
import type { ScriptCase } from '../../src/script/script-case.js';

/**
 * Every case cites a numbered section of the RFC its folder is named after (smtp/rfc3207/… cites
 * RFC 3207) and a requirement level: the folder is how reports group cases, so the two must agree.
 */
export function assertCasesCiteTheirFolder<P>(cases: readonly ScriptCase<P>[]): void {
  for (const c of cases) {
    const folderRfc = /^[a-z0-9]+\/rfc(\d+)/.exec(c.suite)?.[1];
    assert.ok(folderRfc, `${c.header.id}: folder ${c.suite} is not named rfcNNNN…`);
    assert.match(`${c.header.ref.rfc} ${c.header.ref.section} ${c.header.level}`, new RegExp(`^${folderRfc} \\d+(\\.\\d+)* (MUST|SHOULD|MAY)$`), `${c.header.id} in ${c.suite}`);
  }
}
