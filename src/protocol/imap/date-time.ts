import { grammarRule, type ImapGrammarRuleName } from './imap-rule.js';
import type { ImapDateTime } from './imap-response.js';
import type { ImapTokenizer } from './tokenize.js';

/** date-month = "Jan" / "Feb" / … — matched case-insensitively (§9 Note 1: "all alphabetic characters are case-insensitive"). */
export const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

const isDigitChar = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/**
 * `date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE`.
 * The DQUOTEs are part of the rule, so a literal is reported (and read). Fields are checked in
 * order; the first one that cannot be read ends the check with date undefined. Values outside
 * their range (day 32, hour 24, zone minutes 60) are reported and kept.
 */
export function parseDateTime(t: ImapTokenizer): { date: ImapDateTime | undefined; raw: string } {
  const token = t.readString('date-time');
  const raw = token.bytes.toString('latin1');
  const base = token.form === 'literal' ? token.offset : token.offset + 1;
  if (token.form !== 'quoted') {
    t.report(grammarRule('date-time'), 'date-time must be a quoted string (DQUOTE … DQUOTE), not a literal', 'DQUOTE date-time DQUOTE', token.offset, token.bytes);
  }
  const bad = (rule: ImapGrammarRuleName, at: number, length: number, expected: string, what: string): undefined => {
    t.report(grammarRule(rule), `date-time: ${what}`, expected, base + at, Buffer.from(raw.slice(at, at + Math.max(length, 1)), 'latin1'));
    return undefined;
  };
  return { date: readFields(raw, bad), raw };
}

type Bad = (rule: ImapGrammarRuleName, at: number, length: number, expected: string, what: string) => undefined;

function readFields(s: string, bad: Bad): ImapDateTime | undefined {
  let p = 0;
  let dayText: string;
  if (s[0] === ' ' && isDigitChar(s[1])) dayText = s.slice(0, 2);
  else if (isDigitChar(s[0]) && isDigitChar(s[1])) dayText = s.slice(0, 2);
  else if (isDigitChar(s[0])) {
    bad('date-day-fixed', 0, 1, 'date-day-fixed = (SP DIGIT) / 2DIGIT', 'one-digit day without its leading SP');
    dayText = s.slice(0, 1);
  } else return bad('date-day-fixed', 0, 2, 'date-day-fixed = (SP DIGIT) / 2DIGIT', 'day of month is not (SP DIGIT) / 2DIGIT');
  p = dayText.length;
  if (s[p] !== '-') return bad('date-time', p, 1, '"-"', 'expected "-" after the day');
  p++;
  const monthIndex = MONTHS.findIndex((m) => m.toLowerCase() === s.slice(p, p + 3).toLowerCase());
  if (monthIndex < 0) return bad('date-month', p, 3, `date-month (${MONTHS.join(' / ')})`, 'not a month name');
  p += 3;
  if (s[p] !== '-') return bad('date-time', p, 1, '"-"', 'expected "-" after the month');
  p++;
  if (!/^\d{4}$/.test(s.slice(p, p + 4))) return bad('date-year', p, 4, 'date-year = 4DIGIT', 'year is not 4 digits');
  const year = Number(s.slice(p, p + 4));
  p += 4;
  if (s[p] !== ' ') return bad('date-time', p, 1, 'SP', 'expected SP before the time');
  p++;
  const time = /^(\d{2}):(\d{2}):(\d{2})/.exec(s.slice(p));
  if (!time) return bad('time', p, 8, 'time = 2DIGIT ":" 2DIGIT ":" 2DIGIT', 'time is not hh:mm:ss');
  const timeAt = p;
  p += 8;
  if (s[p] !== ' ') return bad('date-time', p, 1, 'SP', 'expected SP before the zone');
  p++;
  if (!/^[+-]\d{4}$/.test(s.slice(p, p + 5))) return bad('zone', p, 5, 'zone = ("+" / "-") 4DIGIT', 'zone is not ("+" / "-") 4DIGIT');
  const zone = s.slice(p, p + 5);
  const zoneAt = p;
  p += 5;
  if (p !== s.length) bad('date-time', p, s.length - p, 'DQUOTE', 'octets after the zone');
  const [hour, minute, second] = [Number(time[1]), Number(time[2]), Number(time[3])];
  const day = Number(dayText.trim());
  const date: ImapDateTime = { year, month: monthIndex + 1, day, hour, minute, second, zone };
  if (day < 1 || day > daysInMonth(year, monthIndex + 1)) bad('date-day-fixed', 0, dayText.length, `a day of ${MONTHS[monthIndex]} ${year}`, `day ${day} does not exist`);
  // 60 allows a leap second.
  if (hour > 23 || minute > 59 || second > 60) bad('time', timeAt, 8, 'hh 00-23, mm 00-59, ss 00-60', 'time out of range');
  if (Number(zone.slice(1, 3)) > 23 || Number(zone.slice(3, 5)) > 59) bad('zone', zoneAt, 5, 'hhmm with hh 00-23, mm 00-59', 'zone out of range');
  return date;
}

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** The canonical `date-time` content (without DQUOTEs): "dd-Mon-yyyy hh:mm:ss +zzzz", day as 2DIGIT. */
export function formatDateTime(d: ImapDateTime): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.day)}-${MONTHS[d.month - 1] ?? '???'}-${String(d.year).padStart(4, '0')} ${two(d.hour)}:${two(d.minute)}:${two(d.second)} ${d.zone}`;
}
