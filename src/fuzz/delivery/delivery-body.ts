import fc from 'fast-check';

/**
 * A message body as generated: its lines as latin1 strings (one char per octet), without line
 * ends; each is sent with CRLF. No CR, LF or NUL: "SMTP client implementations MUST NOT transmit
 * these characters except when they are intended as line terminators" (RFC 5321 §2.3.8), so a
 * body with them would test an invalid message, not the DATA path.
 */
export type DeliveryBody = readonly string[];

/** "The maximum total length of a text line including the <CRLF> is 1000 octets" (RFC 5321 §4.5.3.1.6). */
export const MAX_TEXT_LINE_OCTETS = 998;

/** Most bodies are short (cheap runs); one in seven has hundreds of lines. */
const FEW_LINES = 30;
const MANY_LINES = { minLength: 100, maxLength: 600 } as const;
const SHORT_TEXT = 40;

/** Lines the transparency procedure is about (§4.5.2), and near misses of the end-of-data line. */
const DOT_LINES = ['.', '..', '...', '. ', '.\t', '.x', '..x', '...x', ' .', ' ..', '.. .'];
/** Lines that look like something else to a mailbox format or a header parser. */
const LOOKALIKES = ['From the start', '>From quoted', 'From: not a header', 'Received: not a trace field', '-- ', 'Content-Type: text/html'];

/**
 * Octets of a text line: mostly printable ASCII, then SP, HT and ".", now and then VT or FF (RFC
 * 5321 §4.5.2: "All characters are to be delivered to the recipient's mailbox, including spaces,
 * vertical and horizontal tabs, and other control characters"), and 8-bit octets (kept only for a
 * server that offers 8BITMIME, see toSevenBit).
 */
const octet: fc.Arbitrary<string> = fc
  .oneof(
    { weight: 12, arbitrary: fc.integer({ min: 0x21, max: 0x7e }) },
    { weight: 4, arbitrary: fc.constantFrom(0x20, 0x09, 0x2e) },
    { weight: 1, arbitrary: fc.constantFrom(0x0b, 0x0c) },
    { weight: 2, arbitrary: fc.integer({ min: 0x80, max: 0xff }) },
  )
  .map((code) => String.fromCharCode(code));

const text = (minLength: number): fc.Arbitrary<string> => fc.string({ unit: octet, minLength, maxLength: SHORT_TEXT });

/** A line up to the longest allowed, the longest most often; it may start with "." or " ". */
const longLine: fc.Arbitrary<string> = fc
  .record({
    lead: fc.constantFrom('', '.', ' '),
    length: fc.oneof(fc.constant(MAX_TEXT_LINE_OCTETS), fc.integer({ min: 77, max: MAX_TEXT_LINE_OCTETS })),
    fill: text(1),
  })
  .map(({ lead, length, fill }) => (lead + fill.repeat(Math.ceil(length / fill.length))).slice(0, length));

const deliveryLine: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: text(0) },
  { weight: 3, arbitrary: fc.constantFrom(...DOT_LINES) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('.', '..'), text(1)).map(([dots, rest]) => dots + rest) },
  { weight: 2, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.tuple(text(1), fc.constantFrom(' ', '\t', '  \t')).map(([line, space]) => line + space) },
  { weight: 1, arbitrary: fc.constantFrom(...LOOKALIKES) },
  { weight: 1, arbitrary: longLine },
);

/**
 * Bodies that stress the DATA path: dot-lines, empty lines (a last one too), trailing
 * whitespace, lines of up to 998 octets, and sometimes many lines. Cross-shrinking lets a long
 * failing body shrink into the short kind.
 */
export const deliveryBodyArbitrary: fc.Arbitrary<DeliveryBody> = fc.oneof(
  { withCrossShrink: true },
  { weight: 6, arbitrary: fc.array(deliveryLine, { maxLength: FEW_LINES, size: 'max' }) },
  { weight: 1, arbitrary: fc.array(deliveryLine, { ...MANY_LINES, size: 'max' }) },
);

/** True when some line has an octet above 127. */
export function hasEightBit(body: DeliveryBody): boolean {
  return body.some((line) => /[\x80-\xff]/.test(line));
}

/**
 * The body for a server without 8BITMIME: each 8-bit octet becomes a printable 7-bit one (never
 * CR, LF or NUL), the same way every time, so a replay against the same server sends the same bytes.
 */
export function toSevenBit(body: DeliveryBody): DeliveryBody {
  return body.map((line) => line.replace(/[\x80-\xff]/g, (c) => String.fromCharCode(0x20 + (c.charCodeAt(0) & 0x3f))));
}
