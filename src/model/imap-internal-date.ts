import type { ImapDateTime } from '../protocol/imap/imap-response.js';

/**
 * The instant a `date-time` names, in seconds since the epoch, so that a server that keeps the
 * instant but shows it in another zone (§2.3.3 speaks of the date and time, not the zone) is right.
 */
export function epochOfDateTime(d: ImapDateTime): number | undefined {
  const zone = /^([+-])(\d\d)(\d\d)$/.exec(d.zone);
  if (!zone) return undefined;
  const offsetMinutes = (zone[1] === '-' ? -1 : 1) * (Number(zone[2]) * 60 + Number(zone[3]));
  return Date.UTC(d.year, d.month - 1, d.day, d.hour, d.minute, d.second) / 1000 - offsetMinutes * 60;
}

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** The instant of a date-time's text as a client writes it ("17-Jul-1996 02:44:25 -0700", day padded by a space or not). */
export function epochOfDateTimeText(text: string): number | undefined {
  const m = /^ ?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d\d):(\d\d):(\d\d) ([+-]\d{4})$/.exec(text);
  const month = m ? MONTH_NAMES.indexOf(m[2]!.toLowerCase()) + 1 : 0;
  if (!m || month === 0) return undefined;
  return epochOfDateTime({ day: Number(m[1]), month, year: Number(m[3]), hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6]), zone: m[7]! });
}
