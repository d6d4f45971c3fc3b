/**
 * Dates of timeline events: ISO 8601 astronomical years (year 0 = 1 BC, -43 = 44 BC),
 * proleptic Gregorian calendar, years -9999..9999, precision year, month or day.
 */

/** The precisions a date can be known to, coarsest first. */
export const Precision = ['year', 'month', 'day'] as const;
/** How precisely a date is known. */
export type Precision = (typeof Precision)[number];

/** A date known to year, month or day precision; `time` ("HH:MM" or "HH:MM:SS", UTC) only with a day. */
export interface DatePoint {
  year: number;
  month?: number;
  day?: number;
  time?: string;
}

/** The error thrown for any date that cannot be read or is out of range; its message names the bad value. */
export class DateError extends Error {
  override name = 'DateError';
}

/** The earliest year a timeline may hold. */
export const MIN_YEAR = -9999;
/** The latest year a timeline may hold. */
export const MAX_YEAR = 9999;

/** English month names, January first. */
export const MONTH_NAMES = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
] as const;

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** Whether a proleptic Gregorian astronomical year is a leap year (0 and -4 are, -100 is not). */
export function isLeapYear(year: number): boolean {
  // JS % keeps the dividend's sign, but -4 % 4 is -0 === 0, so BC years need no special case.
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/** Number of days in a month of a proleptic Gregorian year. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (negative before); assumes a valid date. */
export function dayNumber(year: number, month: number, day: number): number {
  // Howard Hinnant's days_from_civil: JS Date.UTC maps years 0-99 to the 1900s, so it cannot serve here.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The proleptic Gregorian date a day number (days since 1970-01-01) falls on. */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** The decade index of a year, flooring toward the past: -43 -> -5, 2022 -> 202. */
export function decadeOf(year: number): number {
  return Math.floor(year / 10);
}

/** Throws a DateError unless the year is an integer in -9999..9999; `where` names the source text. */
export function checkYear(year: number, where: string): void {
  if (!Number.isInteger(year) || year < MIN_YEAR || year > MAX_YEAR) {
    throw new DateError(`year ${year} is out of range (${MIN_YEAR}..${MAX_YEAR}) in ${where}`);
  }
}

/** Throws a DateError unless the point is a real date: parts present coarse to fine, each in range. */
export function checkPoint(p: DatePoint, where = JSON.stringify(p)): void {
  checkYear(p.year, where);
  if (p.month === undefined) {
    if (p.day !== undefined || p.time !== undefined) throw new DateError(`a day or time needs a month in ${where}`);
    return;
  }
  if (!Number.isInteger(p.month) || p.month < 1 || p.month > 12) {
    throw new DateError(`month ${p.month} is out of range in ${where}`);
  }
  if (p.day === undefined) {
    if (p.time !== undefined) throw new DateError(`a time needs a day in ${where}`);
    return;
  }
  if (!Number.isInteger(p.day) || p.day < 1 || p.day > daysInMonth(p.year, p.month)) {
    throw new DateError(`day ${p.day} is out of range for ${MONTH_NAMES[p.month - 1]} ${p.year} in ${where}`);
  }
  if (p.time === undefined) return;
  const t = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(p.time);
  if (!t || Number(t[1]) > 23 || Number(t[2]) > 59 || Number(t[3] ?? 0) > 59) {
    throw new DateError(`time "${p.time}" is not a time between 00:00 and 23:59:59 in ${where}`);
  }
}

const ISO_DATE =
  /^(?<year>[+-]?\d+)(?:-(?<month>\d{2})(?:-(?<day>\d{2})(?:T(?<time>\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?(?<zone>Z|[+-]\d{2}:?\d{2})?)?)?)?$/i;

/**
 * Parses ISO 8601 astronomical text ("2022", "2022-06", "-0043-03-15", "+2022", "2022-06-21T14:30:05Z").
 * Times are kept in UTC: Z and +00:00 are dropped, other offsets are converted (which may move the day);
 * fractions of a second (as Date#toISOString writes them) are accepted and dropped, since keys stop at seconds.
 */
export function parseIsoDate(text: string): DatePoint {
  const where = `"${text}"`;
  const m = ISO_DATE.exec(text.trim());
  if (!m?.groups) {
    throw new DateError(`cannot read ${where} as an ISO date: use YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]`);
  }
  const g = m.groups;
  const digits = g.year.replace(/^[+-]/, '');
  if (digits.length < 4) {
    // ISO needs 4 digits so that "-43" cannot be mistaken for a month or an offset; say what was meant.
    const suggestion = `${g.year.startsWith('-') ? '-' : ''}${digits.padStart(4, '0')}`;
    throw new DateError(`year "${g.year}" needs at least 4 digits in ${where}: write "${suggestion}"`);
  }
  const p: DatePoint = { year: Number(g.year) + 0 }; // + 0 turns "-0000" into 0, not -0
  if (g.month !== undefined) p.month = Number(g.month);
  if (g.day !== undefined) p.day = Number(g.day);
  if (g.time !== undefined) p.time = g.time;
  checkPoint(p, where);
  return g.zone === undefined ? p : toUtc(p, g.zone, where);
}

/** Shifts a validated point with a time by a "+hh:mm" offset so that it reads in UTC. */
function toUtc(p: DatePoint, zone: string, where: string): DatePoint {
  const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!z) return p; // "Z"
  if (Number(z[2]) > 23 || Number(z[3]) > 59) throw new DateError(`offset "${zone}" is out of range in ${where}`);
  const offset = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3]));
  if (offset === 0) return p;
  const [hh, mm, ss] = (p.time ?? '').split(':');
  const minutes = Number(hh) * 60 + Number(mm) - offset;
  const date = civilFromDays(dayNumber(p.year, p.month ?? 1, p.day ?? 1) + Math.floor(minutes / 1440));
  const inDay = ((minutes % 1440) + 1440) % 1440;
  const time = `${pad(Math.floor(inDay / 60), 2)}:${pad(inDay % 60, 2)}${ss === undefined ? '' : `:${ss}`}`;
  checkYear(date.year, where);
  return { ...date, time };
}

/** Formats a point as ISO 8601 astronomical text, the inverse of parseIsoDate: "-0043-03-15", "0900", "2022-06". */
export function formatIsoDate(p: DatePoint): string {
  checkPoint(p);
  let s = `${p.year < 0 ? '-' : ''}${pad(Math.abs(p.year), 4)}`;
  if (p.month !== undefined) s += `-${pad(p.month, 2)}`;
  if (p.day !== undefined) s += `-${pad(p.day, 2)}`;
  if (p.time !== undefined) s += `T${p.time}`;
  return s;
}

/** The precision a point is known to. */
export function precisionOf(p: DatePoint): Precision {
  if (p.day !== undefined) return 'day';
  return p.month !== undefined ? 'month' : 'year';
}

/**
 * Fixed-width key that sorts lexicographically in chronological order across BC/AD:
 * year+10000 in 5 digits, then "-MM-DDTHH:MM:SS"; missing parts (seconds included) are filled
 * with the earliest instant for edge 'start' and the latest for edge 'end'.
 */
export function sortKey(p: DatePoint, edge: 'start' | 'end'): string {
  checkPoint(p);
  const start = edge === 'start';
  const month = p.month ?? (start ? 1 : 12);
  const day = p.day ?? (start ? 1 : daysInMonth(p.year, month));
  let time = start ? '00:00:00' : '23:59:59';
  if (p.time !== undefined) time = p.time.length === 5 ? `${p.time}:${start ? '00' : '59'}` : p.time;
  return `${pad(p.year + 10000, 5)}-${pad(month, 2)}-${pad(day, 2)}T${time}`;
}

/** Reads a sort key back into a full date and time, for histogram buckets and cursors. */
export function pointFromSortKey(key: string): Required<Pick<DatePoint, 'year' | 'month' | 'day'>> & { time: string } {
  const m = /^(\d{5})-(\d{2})-(\d{2})T(\d{2}:\d{2}:\d{2})$/.exec(key);
  if (!m) throw new DateError(`"${key}" is not a sort key like "12022-06-21T00:00:00"`);
  const p = { year: Number(m[1]) - 10000, month: Number(m[2]), day: Number(m[3]), time: m[4] };
  checkPoint(p, `"${key}"`);
  return p;
}

/** Sort key of the first instant of year -9999. */
export const MIN_SORT_KEY = sortKey({ year: MIN_YEAR }, 'start');
/** Sort key of the last instant of year 9999. */
export const MAX_SORT_KEY = sortKey({ year: MAX_YEAR }, 'end');

/** A year as people read it: "2022", "44 BC", "1 BC" for year 0; with `ad`, positive years get " AD". */
function yearText(year: number, ad: boolean): string {
  if (year <= 0) return `${1 - year} BC`;
  return ad ? `${year} AD` : String(year);
}

function display(p: DatePoint, ad: boolean): string {
  checkPoint(p);
  const month = p.month === undefined ? '' : `${MONTH_NAMES[p.month - 1]} `;
  const day = p.day === undefined ? '' : `${p.day} `;
  const time = p.time === undefined ? '' : `, ${p.time}`;
  return `${day}${month}${yearText(p.year, ad)}${time}`;
}

/** Human display: "15 March 44 BC", "June 2022", "21 June 2022, 14:30", "1900", "1 BC" for year 0. */
export function displayDate(p: DatePoint): string {
  return display(p, false);
}

/** Human display of a span, shortened within one year: "1939 – 1945", "1–30 June 2022", "44 BC – 33 AD". */
export function displaySpan(start: DatePoint, end?: DatePoint): string {
  if (end === undefined || formatIsoDate(start) === formatIsoDate(end)) return displayDate(start);
  const [ps, pe] = [precisionOf(start), precisionOf(end)];
  if (start.year === end.year && ps === pe && ps !== 'year' && start.time === undefined && end.time === undefined) {
    const y = yearText(end.year, false);
    const [ms, me] = [MONTH_NAMES[(start.month ?? 1) - 1], MONTH_NAMES[(end.month ?? 1) - 1]];
    if (ps === 'month') return `${ms} – ${me} ${y}`;
    if (ms === me) return `${start.day}–${end.day} ${me} ${y}`;
    return `${start.day} ${ms} – ${end.day} ${me} ${y}`;
  }
  // Once the span crosses from BC into AD, a bare "33" would read as BC too.
  return `${displayDate(start)} – ${display(end, start.year <= 0 && end.year > 0)}`;
}

/** Histogram bucket widths, finest first. */
export const Interval = ['day', 'week', 'month', 'year', 'decade', 'century', 'millennium'] as const;
/** A histogram bucket width. */
export type Interval = (typeof Interval)[number];

/** One histogram bucket: `key` and `start` are the sort key of its first instant, `end` of its last. */
export interface Bucket {
  key: string;
  label: string;
  start: string;
  end: string;
}

// The finest interval each precision can be counted in: a year-only date must never land in January.
const FINEST: Record<Precision, Interval> = { day: 'day', month: 'month', year: 'year' };
const YEARS_PER: Record<'decade' | 'century' | 'millennium', number> = { decade: 10, century: 100, millennium: 1000 };
const MAX_DAY = dayNumber(MAX_YEAR, 12, 31);

/** Whether a point of the given precision can be placed in a bucket of this interval. */
export function fitsInterval(precision: Precision, interval: Interval): boolean {
  return Interval.indexOf(interval) >= Interval.indexOf(FINEST[precision]);
}

function bucket(first: DatePoint, last: DatePoint, label: string): Bucket {
  const start = sortKey(first, 'start');
  return { key: start, label, start, end: sortKey(last, 'end') };
}

/** Label of a block of years: "1990s" for decades and "1900s" for centuries where unambiguous, else a span. */
function blockLabel(interval: keyof typeof YEARS_PER, first: number, last: number): string {
  // "2000s" would read as the century (see parsePeriod), so decades ending in 00 get a span instead.
  if (interval === 'decade' && first >= 10 && first % 100 !== 0) return `${first}s`;
  if (interval === 'century' && first >= 100) return `${first}s`;
  return displaySpan({ year: first }, { year: last });
}

/**
 * Bucket of a point at an interval. Weeks are ISO weeks starting Monday; decades, centuries and
 * millennia are plain astronomical blocks floor(year / n) * n (1900-1999 is "1900s", not the
 * 20th century), which stay contiguous across year 0; buckets are clipped to years -9999..9999.
 */
export function bucketOf(p: { year: number; month?: number; day?: number }, interval: Interval): Bucket {
  checkPoint(p);
  if (!fitsInterval(precisionOf(p), interval)) {
    throw new DateError(`${formatIsoDate(p)} is known only to the ${precisionOf(p)} and cannot be counted by ${interval}`);
  }
  const { year, month = 1, day = 1 } = p;
  switch (interval) {
    case 'day':
      return bucket({ year, month, day }, { year, month, day }, displayDate({ year, month, day }));
    case 'week': {
      const n = dayNumber(year, month, day);
      const monday = n - (((n + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday
      const first = civilFromDays(monday); // -9999-01-01 is a Monday, so only the last week needs clipping
      return bucket(first, civilFromDays(Math.min(monday + 6, MAX_DAY)), `week of ${displayDate(first)}`);
    }
    case 'month':
      return bucket({ year, month }, { year, month }, displayDate({ year, month }));
    case 'year':
      return bucket({ year }, { year }, displayDate({ year }));
    default: {
      const size = YEARS_PER[interval];
      const first = Math.max(Math.floor(year / size) * size, MIN_YEAR);
      const last = Math.min(Math.floor(year / size) * size + size - 1, MAX_YEAR);
      return bucket({ year: first }, { year: last }, blockLabel(interval, first, last));
    }
  }
}

const DAYS_PER: Record<Interval, number> = {
  day: 1, week: 7, month: 365.2425 / 12, year: 365.2425, decade: 3652.425, century: 36524.25, millennium: 365242.5,
};

/** Picks the finest histogram interval that splits a range of two sort keys into at most 60 buckets. */
export function autoInterval(fromKey: string, toKey: string): Interval {
  const [a, b] = [pointFromSortKey(fromKey), pointFromSortKey(toKey)];
  if (fromKey > toKey) throw new DateError(`range start "${fromKey}" is after its end "${toKey}"`);
  const days = dayNumber(b.year, b.month, b.day) - dayNumber(a.year, a.month, a.day) + 1;
  // The whole -9999..9999 range is 20 millennia, so the fallback is never reached.
  return Interval.find((i) => days / DAYS_PER[i] <= 60) ?? 'millennium';
}
