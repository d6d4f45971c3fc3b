/**
 * Dates and periods as people write them in a search box ("44 BC", "June 2022", "1990s",
 * "3rd century BC"), read into sort keys for range queries.
 */
import * as chrono from 'chrono-node';
import { DateError, MONTH_NAMES, checkPoint, checkYear, parseIsoDate, precisionOf, sortKey } from './dates';
import type { DatePoint, Precision } from './dates';

/** One end of a searched range: its sort key at that edge, and the point and precision it was read as. */
export interface RangeBound {
  key: string;
  point: DatePoint;
  precision: Precision;
}

/** The whole period a phrase names, from its first to its last instant. */
export interface Period {
  from: RangeBound;
  to: RangeBound;
}

const HELP = 'use 2022, 2022-06, 2022-06-21, -0043, 44 BC, June 2022, 1990s or 3rd century BC';

// Text that looks like ISO goes to the strict ISO reader, so "-43" gets its "write -0043" hint.
const ISO_SHAPE = /^[+-]\d|^\d{4,}(?:-|$)|^\d+-/;
// Letters on neither side, so "ce" in "century" or "ad" in "decade" is not an era.
const ERA = /(?<![a-z])(?:(?<bc>b\.?c\.?(?:e\.?)?)|a\.?d\.?|c\.?e\.?)(?![a-z])/g;
const MONTH = String.raw`(?<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`;
const ORD = String.raw`(?:st|nd|rd|th)?`;
const PART = String.raw`(?:(?<part>early|mid|late)[- ]?)?`;
const DATE_WORDS = new RegExp(
  String.raw`^(?:(?<roman>ides|nones|kalends|calends) of |(?<d1>\d{1,2})${ORD} (?:of )?)?${MONTH}(?: (?<d2>\d{1,2})${ORD})? (?<year>\d{1,5})$`,
);
const YEARS_ENDING_S = new RegExp(String.raw`^${PART}(?<year>\d{1,4}0)'?s$`);
const ORDINAL = new RegExp(String.raw`^${PART}(?<n>\d{1,3})(?:st|nd|rd|th) (?<unit>century|millennium)$`);
const PLAIN_YEAR = /^(?<year>\d{1,5})$/;
// A fixed "now" keeps chrono from silently filling in the current year; only certain parts are used anyway.
const CHRONO_REF = new Date(Date.UTC(2000, 0, 1));

type Era = 'bc' | 'ad' | undefined;

/**
 * Reads the whole period a phrase names: "2022", "June 44 BC", "15 March 44 BC", "the Ides of March 44 BC",
 * "1990s", "mid-1990s", "3rd century BC", "2nd millennium", or a free-form English date chrono-node knows.
 * "1900s" (any year ending in 00 followed by s) is the century 1900-1999, other "...0s" a decade;
 * early/mid/late split a decade, century or millennium in thirds (3-4-3 years for a decade).
 */
export function parsePeriod(text: string): Period {
  const where = `"${text}"`;
  const trimmed = text.trim();
  if (ISO_SHAPE.test(trimmed)) return periodOf(parseIsoDate(trimmed));
  const { body, era } = splitEra(trimmed, where);
  const period = readWords(body, era, where) ?? (era === undefined ? readChrono(trimmed) : undefined);
  if (period === undefined) throw new DateError(`cannot read ${where} as a date: ${HELP}`);
  return period;
}

/** Reads a range bound as people write it and returns its sort key at the given edge (edge 'from' = start of the period, 'to' = end of the period). */
export function parseRangeBound(text: string, edge: 'from' | 'to'): RangeBound {
  return parsePeriod(text)[edge];
}

function bound(p: DatePoint, edge: 'start' | 'end'): RangeBound {
  return { key: sortKey(p, edge), point: p, precision: precisionOf(p) };
}

function periodOf(p: DatePoint): Period {
  return { from: bound(p, 'start'), to: bound(p, 'end') };
}

/** Lower-cases, drops "the" and commas, and takes out the one era marker (BC, B.C.E., AD, CE...) if any. */
function splitEra(text: string, where: string): { body: string; era: Era } {
  const lower = text.toLowerCase().replace(/\s+/g, ' ');
  const eras = [...lower.matchAll(ERA)];
  if (eras.length > 1) throw new DateError(`${where} names more than one era: ${HELP}`);
  const body = lower.replace(ERA, ' ').replace(/,/g, ' ').replace(/\s+/g, ' ').trim().replace(/^the /, '');
  if (eras.length === 0) return { body, era: undefined };
  return { body, era: eras[0].groups?.bc ? 'bc' : 'ad' };
}

/** Astronomical year of a year counted in an era: 44 BC is -43, 1 BC is 0. */
function astronomical(n: number, era: Era, where: string): number {
  // There is no year 0 in either era; the ISO year 0000 is how 1 BC is written without one.
  if (n === 0) throw new DateError(`there is no year 0 in ${where}: write 1 BC or 0000`);
  const year = era === 'bc' ? 1 - n : n;
  checkYear(year, where);
  return year;
}

function readWords(body: string, era: Era, where: string): Period | undefined {
  let m = PLAIN_YEAR.exec(body);
  if (m?.groups) return periodOf({ year: astronomical(Number(m.groups.year), era, where) });
  m = DATE_WORDS.exec(body);
  // "June 21" is a day without a year, not June AD 21: a year that small needs an era or a day before it.
  const dayLike = m?.groups && !m.groups.d1 && !m.groups.d2 && !m.groups.roman && !era && Number(m.groups.year) <= 31;
  if (m?.groups && !dayLike) return periodOf(monthDate(m.groups, era, where));
  m = YEARS_ENDING_S.exec(body);
  if (m?.groups) {
    const first = Number(m.groups.year);
    if (first < 10) return undefined;
    const length = first >= 100 && first % 100 === 0 ? 100 : 10;
    return yearRange(first, first + length - 1, era, m.groups.part, where);
  }
  m = ORDINAL.exec(body);
  if (m?.groups) {
    const n = Number(m.groups.n);
    const length = m.groups.unit === 'century' ? 100 : 1000;
    // The 1st century runs from year 1 to 100, the 21st from 2001 to 2100.
    if (n === 0) throw new DateError(`there is no 0th ${m.groups.unit} in ${where}`);
    return yearRange((n - 1) * length + 1, n * length, era, m.groups.part, where);
  }
  return undefined;
}

/** The point a month-name date names: a day, from a number or the Roman Kalends/Nones/Ides, is optional. */
function monthDate(g: Record<string, string | undefined>, era: Era, where: string): DatePoint {
  if (g.d1 !== undefined && g.d2 !== undefined) throw new DateError(`${where} has two days: ${HELP}`);
  const month = MONTH_NAMES.findIndex((name) => name.toLowerCase().startsWith((g.month ?? '').slice(0, 3))) + 1;
  const p: DatePoint = { year: astronomical(Number(g.year), era, where), month };
  const day = g.d1 ?? g.d2;
  if (day !== undefined) p.day = Number(day);
  // Ides and Nones fall two days later in March, May, July and October.
  const late = [3, 5, 7, 10].includes(month);
  if (g.roman === 'ides') p.day = late ? 15 : 13;
  if (g.roman === 'nones') p.day = late ? 7 : 5;
  if (g.roman === 'kalends' || g.roman === 'calends') p.day = 1;
  checkPoint(p, where);
  return p;
}

/** The period of years lo..hi counted in an era (BC counts backwards), narrowed to a third by early/mid/late. */
function yearRange(lo: number, hi: number, era: Era, part: string | undefined, where: string): Period {
  let first = era === 'bc' ? 1 - hi : lo;
  let last = era === 'bc' ? 1 - lo : hi;
  const third = Math.floor((last - first + 1) / 3);
  if (part === 'early') last = first + third - 1;
  if (part === 'mid') [first, last] = [first + third, last - third];
  if (part === 'late') first = last - third + 1;
  checkYear(first, where);
  checkYear(last, where);
  return { from: bound({ year: first }, 'start'), to: bound({ year: last }, 'end') };
}

/** Falls back on chrono-node for other English dates ("March 3rd, 2021", "3/4/2021" read month first). */
function readChrono(text: string): Period | undefined {
  const results = chrono.strict.parse(text, CHRONO_REF, { forwardDate: false });
  if (results.length !== 1 || results[0].end) return undefined;
  const { start, index, text: matched } = results[0];
  // A date found inside other words ("before June 21, 2022") is not the whole bound.
  const rest = text.slice(0, index) + text.slice(index + matched.length);
  if (rest.replace(/\b(?:the|on)\b|[\s,.]/gi, '') !== '') return undefined;
  const [year, month, day] = [start.get('year'), start.get('month'), start.get('day')];
  if (!start.isCertain('year') || !start.isCertain('month') || !start.isCertain('day')) return undefined;
  if (year === null || month === null || day === null) return undefined;
  const two = (n: number | null): string => String(n ?? 0).padStart(2, '0');
  let iso = `${String(year).padStart(4, '0')}-${two(month)}-${two(day)}`;
  if (start.isCertain('hour')) {
    iso += `T${two(start.get('hour'))}:${two(start.get('minute'))}`;
    if (start.isCertain('second')) iso += `:${two(start.get('second'))}`;
    const offset = start.isCertain('timezoneOffset') ? (start.get('timezoneOffset') ?? 0) : 0;
    // Reuse the ISO reader to move a stated time zone into UTC.
    iso += `${offset < 0 ? '-' : '+'}${two(Math.floor(Math.abs(offset) / 60))}:${two(Math.abs(offset) % 60)}`;
  }
  return periodOf(parseIsoDate(iso));
}
