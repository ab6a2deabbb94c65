import type { CaseResult, RunInfo, RunResult } from '../../src/report/result.js';
import { TapWriter } from '../../src/report/tap-writer.js';

/**
 * Strings that break naive TAP, YAML and XML writers: directives, YAML markers, TAP keywords at
 * the start of a line, raw control bytes, XML-illegal characters, CDATA terminators, non-BMP text.
 * U+2028/U+2029 are left out: TapWriter writes them as text (see toCaseDiag), so they do not round-trip.
 */
export const NASTY_STRINGS: readonly string[] = [
  'line one\nline two\r\nline three\rend',
  'has # a hash # SKIP not really # TODO nor this',
  '---',
  '...',
  '  ...',
  '  ---\n  key: value\n  ...',
  '   leading and trailing spaces   ',
  'ends with an open brace {',
  'ok 1 - fake point\nnot ok 2 - another\nBail out! stop\nTAP version 13\n1..99',
  '# comment-looking',
  '\\x00 \\r\\n already escaped by escapeBytes \\\\',
  'raw controls \u0000\u0001\u0007\u0008\u000b\u000c\u001b[31mred\u001b[0m\u007f\u0085\u009b',
  'XML-illegal \uFFFE \uFFFF lone high \uD800 lone low \uDFFF pair 😀',
  'ünïcödé 日本語 עברית ﷽ 🇫🇷',
  ']]> and again ]]> and <![CDATA[ & <tag attr="x"> &amp;',
  'key: value',
  '- list item',
  '"double" \'single\' `back`',
  'null',
  '~',
  '2024-01-01T00:00:00Z',
  '4.1',
  '',
  '\t tab \t',
  ' \n',
  '\t\n \n\n',
  ' \n\t\n',
  'x'.repeat(5000),
];

export const SAMPLE_INFO: RunInfo = {
  tool: 'mailconform',
  toolVersion: '0.1.0',
  protocol: 'smtp',
  target: '127.0.0.1:2525',
  startedAt: '2025-01-02T03:04:05.678Z',
  properties: {
    greeting: '220 mx.example ESMTP ready',
    ehlo: 'PIPELINING SIZE 10240000 STARTTLS 8BITMIME',
  },
};

/** A case with sensible defaults; override what the test is about. */
export function buildCase(overrides: Partial<CaseResult> & Pick<CaseResult, 'id'>): CaseResult {
  return {
    protocol: 'smtp',
    suite: 'smtp/rfc5321',
    summary: 'a case',
    ref: { rfc: 5321, section: '4.1.1.1' },
    level: 'MUST',
    file: 'smtp/rfc5321/case.smtp',
    verdict: 'pass',
    failures: [],
    transcript: [
      { session: '1', dir: '*', text: 'connect 127.0.0.1:2525', atMs: 0 },
      { session: '1', dir: 'S', text: '220 mx.example ESMTP', atMs: 1.5 },
    ],
    durationMs: 12.25,
    ...overrides,
  };
}

/**
 * A run with every verdict: 2 passes, 2 fails (one with several sessions and failures), a skip
 * and an error, over two SMTP suite folders; `nasty` puts every NASTY_STRINGS entry in every field.
 */
export function buildSampleRun(options: { nasty?: boolean } = {}): RunResult {
  const nasty = options.nasty === true ? NASTY_STRINGS : [];
  const text = (plain: string, i = 0): string => (nasty.length > 0 ? `${plain} ${nasty[i % nasty.length]}` : plain);
  const cases: CaseResult[] = [
    buildCase({ id: 'smtp.rfc5321.ehlo-basic', summary: text('EHLO gets a 250 reply', 1) }),
    buildCase({
      id: 'smtp.rfc5321.rcpt-before-mail',
      summary: text('rejects RCPT before MAIL with 503', 2),
      ref: { rfc: 5321, section: '4.1.4' },
      file: 'smtp/rfc5321/rcpt-before-mail.smtp',
      verdict: 'fail',
      reason: 'expected 503 reply to RCPT before MAIL, got 250',
      failures: [
        {
          message: text('expected 503 reply to RCPT before MAIL, got 250', 3),
          ref: { rfc: 5321, section: '4.1.4' },
          level: 'MUST',
          location: { file: 'smtp/rfc5321/rcpt-before-mail.smtp', line: 7 },
          expected: '503',
          received: text('250 2.1.5 Ok', 4),
        },
      ],
      transcript: [
        { session: '1', dir: 'S', text: '220 mx.example ESMTP', atMs: 0.5 },
        { session: '1', dir: 'C', text: 'RCPT TO:<a@b.example>', atMs: 1 },
        { session: '1', dir: 'S', text: text('250 2.1.5 Ok', 5), atMs: 2.75 },
      ],
    }),
    buildCase({
      id: 'smtp.rfc5321.two-sessions',
      summary: text('second session sees no state from the first', 6),
      ref: { rfc: 5321, section: '3.3' },
      level: 'SHOULD',
      verdict: 'fail',
      reason: 'expected 503 in session 2, got 250',
      failures: [
        { message: 'expected 503 in session 2, got 250', level: 'SHOULD', expected: '503', received: '250 OK' },
        {
          message: text('Reply-code must be three digits', 7),
          level: 'MUST',
          rule: 'Reply-code',
          ref: { rfc: 5321, section: '4.2' },
          received: text('25\\x00 OK', 8),
        },
      ],
      transcript: [
        { session: '1', dir: 'C', text: 'MAIL FROM:<a@b.example>', atMs: 1 },
        { session: 'second', dir: 'C', text: 'RCPT TO:<c@d.example>', atMs: 2 },
        { session: 'second', dir: 'S', text: text('250 OK', 9), atMs: 3 },
      ],
    }),
    buildCase({
      id: 'smtp.rfc3207.starttls-twice',
      suite: 'smtp/rfc3207-starttls',
      summary: text('STARTTLS after TLS is refused', 10),
      ref: { rfc: 3207, section: '4.2' },
      file: 'smtp/rfc3207-starttls/starttls-twice.smtp',
      verdict: 'skip',
      reason: text('server does not advertise STARTTLS', 11),
      transcript: [],
      durationMs: 0,
    }),
    buildCase({
      id: 'smtp.rfc3207.starttls-basic',
      suite: 'smtp/rfc3207-starttls',
      summary: text('STARTTLS gets 220', 12),
      ref: { rfc: 3207, section: '4' },
      verdict: 'error',
      reason: text('ERR_TRANSPORT_TIMEOUT: no reply within 5000 ms', 13),
      transcript: [{ session: '1', dir: '*', text: text('timeout', 14), atMs: 5000 }],
    }),
    buildCase({ id: 'smtp.rfc5321.noop', summary: text('NOOP gets 250', 15), level: 'MAY' }),
  ];
  if (nasty.length > 0) cases.push(...nasty.map((s, i) => buildNastyCase(s, i)));
  const info = nasty.length > 0 ? { ...SAMPLE_INFO, properties: { ...SAMPLE_INFO.properties, nasty: nasty.join(' | ') } } : SAMPLE_INFO;
  return { info, cases, durationMs: 1234.5 };
}

/** One failing case with the string in every text field. */
function buildNastyCase(s: string, i: number): CaseResult {
  return buildCase({
    id: `smtp.rfc5321.nasty-${i}`,
    summary: s,
    suite: `smtp/${s.slice(0, 20)}`,
    file: s,
    verdict: 'fail',
    reason: s,
    failures: [{ message: s, level: 'MUST', rule: s, location: { file: s, line: i }, expected: s, received: s }],
    transcript: [{ session: s, dir: 'S', text: s, atMs: i }],
  });
}

/** The whole run through TapWriter, as one string. */
export function writeTapText(run: RunResult): string {
  let out = '';
  const writer = new TapWriter((chunk) => (out += chunk));
  writer.start(run.info, run.cases.length);
  for (const result of run.cases) writer.writeCase(result);
  writer.end(run.durationMs);
  return out;
}
