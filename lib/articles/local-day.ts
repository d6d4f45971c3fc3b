/**
 * Calendar days in a publication's local time, and the arithmetic the news rules need
 * (weekdays, weeks starting on Monday, months), on the proleptic Gregorian day numbers of `lib/dates`.
 */
import { civilFromDays, dayNumber, formatIsoDate } from '../dates';

/** A calendar day as the publication's readers saw it. */
export interface LocalDay {
  year: number;
  month: number;
  day: number;
}

/** A month of a year, for month-precision dates. */
export interface LocalMonth {
  year: number;
  month: number;
}

/** The day `days` after (or before, when negative) a day. */
export function addDays(day: LocalDay, days: number): LocalDay {
  return civilFromDays(dayNumber(day.year, day.month, day.day) + days);
}

/** Days from `a` to `b` (positive when `b` is later). */
export function daysBetween(a: LocalDay, b: LocalDay): number {
  return dayNumber(b.year, b.month, b.day) - dayNumber(a.year, a.month, a.day);
}

/** Day of the week, 0 for Sunday to 6 for Saturday, as JavaScript and chrono-node count them. */
export function weekdayOf(day: LocalDay): number {
  // 1970-01-01 was a Thursday; the double modulo keeps days before it positive.
  return (((dayNumber(day.year, day.month, day.day) + 4) % 7) + 7) % 7;
}

/** The Monday of the (ISO, Monday-first) week a day falls in. */
export function mondayOf(day: LocalDay): LocalDay {
  return addDays(day, -((weekdayOf(day) + 6) % 7));
}

/** The month `months` after (or before) the month of a day. */
export function addMonths(day: LocalMonth, months: number): LocalMonth {
  const index = day.year * 12 + (day.month - 1) + months;
  return { year: Math.floor(index / 12), month: (((index % 12) + 12) % 12) + 1 };
}

/** ISO text of a day: "2022-06-21". */
export function isoDay(day: LocalDay): string {
  return formatIsoDate({ year: day.year, month: day.month, day: day.day });
}

/**
 * The local calendar day of a publication: a date is taken as written; a date-time is read in
 * `timezone` (an IANA name) when given, otherwise in its own offset, so "2022-06-21T23:30:00-04:00"
 * is 21 June even though it is already 22 June in UTC.
 */
export function publicationDay(publishedAt: string, timezone?: string): LocalDay {
  const written = /^(\d{4})-(\d{2})-(\d{2})/.exec(publishedAt);
  if (!written) throw new RangeError(`publishedAt "${publishedAt}" is not an ISO date or date-time`);
  const asWritten = { year: Number(written[1]), month: Number(written[2]), day: Number(written[3]) };
  if (timezone === undefined || publishedAt.length === 10) return asWritten;
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: timezone, year: 'numeric', month: 'numeric', day: 'numeric' })
    .formatToParts(new Date(publishedAt));
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return { year: part('year'), month: part('month'), day: part('day') };
}

/** Whether the runtime knows an IANA time zone name ("Europe/Kyiv"). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
