import type { FramedLine } from '../../src/transport/framed-line.js';

/**
 * Splits `text` into FramedLines as the transport would: on LF, noting whether CR preceded it,
 * with stream offsets. Characters are bytes (latin1), so "\x80" or "\0" stand for one byte.
 * Text after the last LF is not a line yet: the helper throws rather than invent a terminator.
 */
export function framedLines(text: string): FramedLine[] {
  const bytes = Buffer.from(text, 'latin1');
  const lines: FramedLine[] = [];
  let start = 0;
  for (let lf = bytes.indexOf(0x0a); lf >= 0; lf = bytes.indexOf(0x0a, start)) {
    const crlf = lf > start && bytes[lf - 1] === 0x0d;
    lines.push({
      bytes: bytes.subarray(start, crlf ? lf - 1 : lf),
      ending: crlf ? 'crlf' : 'lf',
      streamOffset: start,
    });
    start = lf + 1;
  }
  if (start !== bytes.length) throw new Error(`framedLines: unterminated text after offset ${start}`);
  return lines;
}

/** The single line of `text` (which must hold exactly one terminated line). */
export function framedLine(text: string): FramedLine {
  const [line, ...rest] = framedLines(text);
  if (line === undefined || rest.length > 0) throw new Error(`framedLine: expected one line in ${JSON.stringify(text)}`);
  return line;
}
