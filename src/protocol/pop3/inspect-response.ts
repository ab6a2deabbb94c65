import type { Violation } from '../shared/violation.js';
import { parseCapabilities } from './parse-capa.js';
import {
  parseDropListing,
  parseScanListing,
  parseUniqueIdListing,
  type Pop3DropListing,
  type Pop3ScanListing,
  type Pop3UniqueIdListing,
} from './parse-listing.js';
import { createPop3Violation, rfc1939, type Pop3Rule } from './pop3-rule.js';
import { readNumberArg } from './pop3-command.js';
import type { Pop3Response } from './pop3-response.js';

/** What a +OK response says, read by its command's format (RFC 1939 §5, §7; RFC 2449 §5). */
export interface Pop3ResponseFacts {
  /** Format violations, response offsets. */
  readonly violations: Violation[];
  readonly drop?: Pop3DropListing;
  /** LIST's scan listings (one for LIST n). Only well-formed listings are kept. */
  readonly scans?: Pop3ScanListing[];
  /** UIDL's unique-id listings (one for UIDL n). */
  readonly uids?: Pop3UniqueIdListing[];
  readonly capabilities?: Map<string, string[]>;
}

export const ANSWER_RULES = {
  /**
   * "If an argument was given and the POP3 server issues a positive response with a line
   * containing information for that message." (§5, LIST; §7, UIDL in the same words)
   */
  listMsg: { rule: 'LIST.msg-number', ref: rfc1939('5'), level: 'MUST' },
  uidlMsg: { rule: 'UIDL.msg-number', ref: rfc1939('7'), level: 'MUST' },
} as const satisfies Record<string, Pop3Rule>;

/**
 * Reads the listings and capabilities a +OK response carries, checking their format. Pure.
 * `statusLine` is the status line's bytes (the listing of STAT, LIST n and UIDL n is on it).
 */
export function inspectResponse(response: Pop3Response, statusLine: Buffer): Pop3ResponseFacts {
  if (response.status !== '+OK') return { violations: [] };
  const { verb, args } = response.command;
  switch (verb) {
    case 'STAT': {
      const { listing, violations } = parseDropListing(statusLine, 0);
      return listing ? { violations, drop: listing } : { violations };
    }
    case 'LIST': {
      const { listings, violations } = args.length === 0 ? readBody(response, parseScanListing) : readSingle(response, statusLine, parseScanListing, ANSWER_RULES.listMsg);
      return { violations, scans: listings };
    }
    case 'UIDL': {
      const { listings, violations } =
        args.length === 0 ? readBody(response, parseUniqueIdListing) : readSingle(response, statusLine, parseUniqueIdListing, ANSWER_RULES.uidlMsg);
      return { violations, uids: listings };
    }
    case 'CAPA':
      return parseCapabilities(response.lines, response.lineOffsets);
    default:
      return { violations: [] };
  }
}

type ListingParser<L> = (bytes: Buffer, start: number, base: number) => { listing: L | undefined; violations: Violation[] };

/** Every body line is one listing. */
function readBody<L>(response: Pop3Response, parse: ListingParser<L>): { listings: L[]; violations: Violation[] } {
  const violations: Violation[] = [];
  const listings: L[] = [];
  response.lines.forEach((line, i) => {
    const result = parse(line, 0, response.lineOffsets[i] ?? 0);
    violations.push(...result.violations);
    if (result.listing) listings.push(result.listing);
  });
  return { listings, violations };
}

/** "+OK msg …" for a command with a message-number argument, which the listing must repeat. */
function readSingle<L extends { readonly msg: number; readonly at: number }>(
  response: Pop3Response,
  statusLine: Buffer,
  parse: ListingParser<L>,
  msgRule: Pop3Rule,
): { listings: L[]; violations: Violation[] } {
  const { listing, violations } = parse(statusLine, 3, 0);
  if (!listing) return { listings: [], violations };
  const asked = readNumberArg(response.command.args[0]);
  if (asked !== undefined && listing.msg !== asked) {
    violations.push(
      createPop3Violation(msgRule, listing.at, `listing is for message ${listing.msg}, message ${asked} was asked for`, String(asked), String(listing.msg)),
    );
  }
  return { listings: [listing], violations };
}
