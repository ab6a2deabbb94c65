/**
 * Every limit the IMAP response layer enforces, in one place. RFC 3501 sets no maximum for
 * literals, lines or nesting; these protect the tool, and a hit is reported as a violation with
 * rule `limit.*` (see limitRule in imap-rule.ts), never thrown.
 */
export interface ImapLimits {
  /**
   * Longest response line (without CRLF) the session lets FrameReader.takeLine() return.
   * @defaultValue 8 MiB — a SEARCH of a million UIDs fits.
   */
  readonly maxLineLength: number;
  /**
   * Largest literal the framer asks for; a larger `{n}` ends the response there (truncated).
   * @defaultValue 256 MiB
   */
  readonly maxLiteralSize: number;
  /**
   * Most parts (text lines and literals) in one response; past it the response is truncated.
   * @defaultValue 20 001 (10 000 literals)
   */
  readonly maxParts: number;
  /**
   * Deepest nesting of parenthesized lists (§4.4) the parser descends into (BODYSTRUCTURE of nested
   * multiparts, body-extension lists).
   * @defaultValue 100
   */
  readonly maxDepth: number;
  /**
   * Message contents (BODY[...], RFC822, RFC822.HEADER, RFC822.TEXT) longer than this are kept in
   * the AST as length + sha256 + prefix instead of their bytes.
   * @defaultValue 1 MiB
   */
  readonly largeLiteralThreshold: number;
  /**
   * Bytes of a large content kept as its prefix.
   * @defaultValue 4096
   */
  readonly largeLiteralPrefix: number;
}

export const DEFAULT_IMAP_LIMITS: ImapLimits = {
  maxLineLength: 8 * 1024 * 1024,
  maxLiteralSize: 256 * 1024 * 1024,
  maxParts: 20_001,
  maxDepth: 100,
  largeLiteralThreshold: 1024 * 1024,
  largeLiteralPrefix: 4096,
};

/** The defaults with `overrides` applied. */
export function resolveImapLimits(overrides: Partial<ImapLimits> = {}): ImapLimits {
  return { ...DEFAULT_IMAP_LIMITS, ...overrides };
}
