import { describe, expect, it } from 'vitest';
import {
  DateError,
  Interval,
  MAX_SORT_KEY,
  MIN_SORT_KEY,
  autoInterval,
  bucketOf,
  civilFromDays,
  dayNumber,
  daysInMonth,
  decadeOf,
  displayDate,
  displaySpan,
  fitsInterval,
  formatIsoDate,
  isLeapYear,
  parseIsoDate,
  pointFromSortKey,
  precisionOf,
  sortKey,
} from '../../lib/dates';
import type { DatePoint } from '../../lib/dates';

/** Day number computed by JS Date, which is correct for any year once setUTCFullYear sidesteps the 0-99 quirk. */
function jsDayNumber(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.getTime() / 86_400_000;
}

describe('dates', () => {
  describe('isLeapYear', () => {
    it.each([2000, 2024, 0, -4, -400, 1600])('treats %i as a leap year', (year) => {
      expect(isLeapYear(year)).toBe(true);
    });
    it.each([1900, 2023, -100, -1, 1, 2100])('treats %i as a common year', (year) => {
      expect(isLeapYear(year)).toBe(false);
    });
  });

  describe('daysInMonth', () => {
    it.each([
      [2000, 2, 29], [1900, 2, 28], [0, 2, 29], [-4, 2, 29], [-100, 2, 28], [2022, 4, 30], [2022, 12, 31],
    ])('gives %i-%i %i days', (year, month, days) => {
      expect(daysInMonth(year, month)).toBe(days);
    });
  });

  describe('parseIsoDate', () => {
    it.each<[string, DatePoint]>([
      ['2022', { year: 2022 }],
      ['2022-06', { year: 2022, month: 6 }],
      ['2022-06-21', { year: 2022, month: 6, day: 21 }],
      ['2022-06-21T14:30', { year: 2022, month: 6, day: 21, time: '14:30' }],
      ['2022-06-21T14:30:05Z', { year: 2022, month: 6, day: 21, time: '14:30:05' }],
      ['2022-06-21T14:30:05+00:00', { year: 2022, month: 6, day: 21, time: '14:30:05' }],
      ['2022-06-21T14:30:05.999Z', { year: 2022, month: 6, day: 21, time: '14:30:05' }],
      ['2022-06-21T14:30+02:00', { year: 2022, month: 6, day: 21, time: '12:30' }],
      ['2022-06-21T01:30-0300', { year: 2022, month: 6, day: 21, time: '04:30' }],
      ['2022-01-01T01:00:09+02:00', { year: 2021, month: 12, day: 31, time: '23:00:09' }],
      ['2022-12-31T22:00-05:00', { year: 2023, month: 1, day: 1, time: '03:00' }],
      ['-0043-03-15', { year: -43, month: 3, day: 15 }],
      ['0000', { year: 0 }],
      ['-0000', { year: 0 }],
      ['+2022', { year: 2022 }],
      ['0900', { year: 900 }],
      ['-9999-01-01', { year: -9999, month: 1, day: 1 }],
      ['9999-12-31T23:59:59', { year: 9999, month: 12, day: 31, time: '23:59:59' }],
      ['2000-02-29', { year: 2000, month: 2, day: 29 }],
      ['0000-02-29', { year: 0, month: 2, day: 29 }],
      ['-0004-02-29', { year: -4, month: 2, day: 29 }],
      [' 2022-06 ', { year: 2022, month: 6 }],
    ])('reads "%s"', (text, point) => {
      expect(parseIsoDate(text)).toStrictEqual(point);
    });

    it.each([
      ['-43', 'year "-43" needs at least 4 digits in "-43": write "-0043"'],
      ['476', 'year "476" needs at least 4 digits in "476": write "0476"'],
      ['2022-13', 'month 13 is out of range in "2022-13"'],
      ['2022-00', 'month 0 is out of range in "2022-00"'],
      ['1900-02-29', 'day 29 is out of range for February 1900 in "1900-02-29"'],
      ['-0100-02-29', 'day 29 is out of range for February -100 in "-0100-02-29"'],
      ['2022-04-31', 'day 31 is out of range for April 2022 in "2022-04-31"'],
      ['2022-06-21T24:00', 'time "24:00" is not a time between 00:00 and 23:59:59 in "2022-06-21T24:00"'],
      ['2022-06-21T12:60', 'time "12:60" is not a time between 00:00 and 23:59:59 in "2022-06-21T12:60"'],
      ['2022-06-21T12:00+24:00', 'offset "+24:00" is out of range in "2022-06-21T12:00+24:00"'],
      ['10000', 'year 10000 is out of range (-9999..9999) in "10000"'],
      ['-10000', 'year -10000 is out of range (-9999..9999) in "-10000"'],
      ['9999-12-31T23:00-01:00', 'year 10000 is out of range (-9999..9999) in "9999-12-31T23:00-01:00"'],
      ['2022/06/21', 'cannot read "2022/06/21" as an ISO date: use YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]'],
      ['2022-6', 'cannot read "2022-6" as an ISO date: use YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]'],
      ['', 'cannot read "" as an ISO date: use YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]'],
    ])('rejects "%s" with a DateError saying: %s', (text, message) => {
      expect(() => parseIsoDate(text)).toThrow(new DateError(message));
    });

    it('throws errors named DateError', () => {
      expect(() => parseIsoDate('x')).toThrow(expect.objectContaining({ name: 'DateError' }));
    });
  });

  describe('formatIsoDate', () => {
    it.each<[DatePoint, string]>([
      [{ year: -43, month: 3, day: 15 }, '-0043-03-15'],
      [{ year: 900 }, '0900'],
      [{ year: 2022, month: 6 }, '2022-06'],
      [{ year: 0 }, '0000'],
      [{ year: -9999 }, '-9999'],
      [{ year: 2022, month: 6, day: 21, time: '14:30' }, '2022-06-21T14:30'],
    ])('writes %o as "%s" and reads it back', (point, text) => {
      expect(formatIsoDate(point)).toBe(text);
      expect(parseIsoDate(text)).toStrictEqual(point);
    });

    it.each<[DatePoint, string]>([
      [{ year: 2022, day: 3 }, 'a day or time needs a month in {"year":2022,"day":3}'],
      [{ year: 2022, month: 2, time: '10:00' }, 'a time needs a day in {"year":2022,"month":2,"time":"10:00"}'],
      [{ year: 1.5 }, 'year 1.5 is out of range (-9999..9999) in {"year":1.5}'],
    ])('rejects the malformed point %o', (point, message) => {
      expect(() => formatIsoDate(point)).toThrow(new DateError(message));
    });
  });

  describe('precisionOf', () => {
    it.each<[DatePoint, string]>([
      [{ year: 2022 }, 'year'],
      [{ year: 2022, month: 6 }, 'month'],
      [{ year: 2022, month: 6, day: 21 }, 'day'],
      [{ year: 2022, month: 6, day: 21, time: '10:00' }, 'day'],
    ])('gives %o the precision %s', (point, precision) => {
      expect(precisionOf(point)).toBe(precision);
    });
  });

  describe('sortKey', () => {
    it.each<[DatePoint, 'start' | 'end', string]>([
      [{ year: -43, month: 3, day: 15 }, 'start', '09957-03-15T00:00:00'],
      [{ year: -43, month: 3, day: 15 }, 'end', '09957-03-15T23:59:59'],
      [{ year: 1900 }, 'start', '11900-01-01T00:00:00'],
      [{ year: 1900 }, 'end', '11900-12-31T23:59:59'],
      [{ year: 1900, month: 2 }, 'end', '11900-02-28T23:59:59'],
      [{ year: 2000, month: 2 }, 'end', '12000-02-29T23:59:59'],
      [{ year: 0, month: 2 }, 'end', '10000-02-29T23:59:59'],
      [{ year: 2022, month: 6, day: 21, time: '14:30' }, 'start', '12022-06-21T14:30:00'],
      [{ year: 2022, month: 6, day: 21, time: '14:30' }, 'end', '12022-06-21T14:30:59'],
      [{ year: 2022, month: 6, day: 21, time: '14:30:05' }, 'end', '12022-06-21T14:30:05'],
    ])('keys %o at the %s as "%s"', (point, edge, key) => {
      expect(sortKey(point, edge)).toBe(key);
    });

    it('spans the whole range with MIN_SORT_KEY and MAX_SORT_KEY', () => {
      expect([MIN_SORT_KEY, MAX_SORT_KEY]).toStrictEqual(['00001-01-01T00:00:00', '19999-12-31T23:59:59']);
    });

    it('sorts a shuffled list of points across BC and AD in chronological order', () => {
      const chronological: DatePoint[] = [
        { year: -9999, month: 1, day: 1 }, { year: -1457 }, { year: -100, month: 12 }, { year: -43, month: 3, day: 15 },
        { year: -43, month: 3, day: 16 }, { year: -5 }, { year: -1, month: 12, day: 31, time: '23:59:59' },
        { year: 0, month: 1, day: 1 }, { year: 1, month: 1, day: 1, time: '00:00' }, { year: 33 }, { year: 476, month: 9 },
        { year: 999, month: 12, day: 31 }, { year: 1066, month: 10, day: 14 }, { year: 2022, month: 6, day: 21, time: '09:00' },
        { year: 2022, month: 6, day: 21, time: '14:30' }, { year: 9999, month: 12, day: 31 },
      ];
      const shuffled = chronological.map((p, i) => ({ p, r: (i * 7919) % 17 })).sort((a, b) => a.r - b.r).map((x) => x.p);
      expect(shuffled).not.toStrictEqual(chronological);
      const byKey = [...shuffled].sort((a, b) => sortKey(a, 'start').localeCompare(sortKey(b, 'start')));
      expect(byKey).toStrictEqual(chronological);
    });
  });

  describe('pointFromSortKey', () => {
    it.each([
      ['09957-03-15T00:00:00', { year: -43, month: 3, day: 15, time: '00:00:00' }],
      ['11900-12-31T23:59:59', { year: 1900, month: 12, day: 31, time: '23:59:59' }],
      ['10000-02-29T12:00:00', { year: 0, month: 2, day: 29, time: '12:00:00' }],
    ])('reads "%s" back into a point', (key, point) => {
      expect(pointFromSortKey(key)).toStrictEqual(point);
      expect(sortKey(point, 'start')).toBe(key);
    });

    it.each([
      ['2022-06-21', '"2022-06-21" is not a sort key like "12022-06-21T00:00:00"'],
      ['11900-02-29T00:00:00', 'day 29 is out of range for February 1900 in "11900-02-29T00:00:00"'],
    ])('rejects "%s"', (key, message) => {
      expect(() => pointFromSortKey(key)).toThrow(new DateError(message));
    });
  });

  describe('displayDate', () => {
    it.each<[DatePoint, string]>([
      [{ year: -43, month: 3, day: 15 }, '15 March 44 BC'],
      [{ year: -43, month: 3 }, 'March 44 BC'],
      [{ year: -43 }, '44 BC'],
      [{ year: 2022, month: 6 }, 'June 2022'],
      [{ year: 2022, month: 6, day: 21 }, '21 June 2022'],
      [{ year: 2022, month: 6, day: 21, time: '14:30' }, '21 June 2022, 14:30'],
      [{ year: 1900 }, '1900'],
      [{ year: 33 }, '33'],
      [{ year: 0 }, '1 BC'],
      [{ year: -1457 }, '1458 BC'],
    ])('shows %o as "%s"', (point, text) => {
      expect(displayDate(point)).toBe(text);
    });
  });

  describe('displaySpan', () => {
    it.each<[DatePoint, DatePoint | undefined, string]>([
      [{ year: 1939 }, { year: 1945 }, '1939 – 1945'],
      [{ year: 2022, month: 6, day: 1 }, { year: 2022, month: 6, day: 30 }, '1–30 June 2022'],
      [{ year: 2022, month: 6, day: 21 }, { year: 2022, month: 7, day: 3 }, '21 June – 3 July 2022'],
      [{ year: 2022, month: 6 }, { year: 2022, month: 8 }, 'June – August 2022'],
      [{ year: -43, month: 3, day: 1 }, { year: -43, month: 3, day: 15 }, '1–15 March 44 BC'],
      [{ year: -43 }, { year: 33 }, '44 BC – 33 AD'],
      [{ year: -299 }, { year: -200 }, '300 BC – 201 BC'],
      [{ year: 2021, month: 12 }, { year: 2022, month: 1 }, 'December 2021 – January 2022'],
      [{ year: 2022, month: 6, day: 21 }, { year: 2022 }, '21 June 2022 – 2022'],
      [{ year: 2022, month: 6, day: 21, time: '10:00' }, { year: 2022, month: 6, day: 21, time: '12:00' }, '21 June 2022, 10:00 – 21 June 2022, 12:00'],
      [{ year: 1066 }, undefined, '1066'],
      [{ year: 1066 }, { year: 1066 }, '1066'],
    ])('shows %o to %o as "%s"', (start, end, text) => {
      expect(displaySpan(start, end)).toBe(text);
    });
  });

  describe('dayNumber', () => {
    it.each([
      [1970, 1, 1, 0], [1969, 12, 31, -1], [2000, 3, 1, 11017], [0, 1, 1, -719528], [-9999, 1, 1, -4371587],
    ])('counts %i-%i-%i as day %i', (y, m, d, n) => {
      expect(dayNumber(y, m, d)).toBe(n);
    });

    it('agrees with JS Date for the first of every month sampled across -9999..9999', () => {
      for (let year = -9999; year <= 9999; year += 37) {
        for (let month = 1; month <= 12; month++) expect(dayNumber(year, month, 1)).toBe(jsDayNumber(year, month, 1));
      }
    });

    it('agrees with JS Date for years 0..99, which Date.UTC would misplace', () => {
      for (let year = 0; year < 100; year++) expect(dayNumber(year, 2, 28)).toBe(jsDayNumber(year, 2, 28));
    });

    it('counts one day between 28 and 29 February of the leap years 0 and -4 but not -100', () => {
      expect(dayNumber(0, 3, 1) - dayNumber(0, 2, 28)).toBe(2);
      expect(dayNumber(-4, 3, 1) - dayNumber(-4, 2, 28)).toBe(2);
      expect(dayNumber(-100, 3, 1) - dayNumber(-100, 2, 28)).toBe(1);
    });
  });

  describe('civilFromDays', () => {
    it('inverts dayNumber on days sampled across -9999..9999', () => {
      const first = dayNumber(-9999, 1, 1);
      const last = dayNumber(9999, 12, 31);
      for (let n = first; n <= last; n += 997) expect(dayNumber(...Object.values(civilFromDays(n)) as [number, number, number])).toBe(n);
      expect(civilFromDays(first)).toStrictEqual({ year: -9999, month: 1, day: 1 });
      expect(civilFromDays(last)).toStrictEqual({ year: 9999, month: 12, day: 31 });
    });

    it.each([
      [0, { year: 1970, month: 1, day: 1 }], [-1, { year: 1969, month: 12, day: 31 }],
      [dayNumber(0, 2, 29), { year: 0, month: 2, day: 29 }], [dayNumber(-43, 3, 15), { year: -43, month: 3, day: 15 }],
    ])('puts day %i on %o', (n, date) => {
      expect(civilFromDays(n)).toStrictEqual(date);
    });
  });

  describe('decadeOf', () => {
    it.each([[-43, -5], [2022, 202], [0, 0], [-1, -1], [-10, -1], [9, 0]])('puts year %i in decade %i', (year, decade) => {
      expect(decadeOf(year)).toBe(decade);
    });
  });

  describe('fitsInterval', () => {
    it.each(Interval.map((i) => [i]))('counts a day-precision date by %s', (interval) => {
      expect(fitsInterval('day', interval)).toBe(true);
    });
    it.each([
      ['month', 'day', false], ['month', 'week', false], ['month', 'month', true], ['month', 'century', true],
      ['year', 'month', false], ['year', 'week', false], ['year', 'year', true], ['year', 'millennium', true],
    ] as const)('counts a %s-precision date by %s: %s', (precision, interval, fits) => {
      expect(fitsInterval(precision, interval)).toBe(fits);
    });
  });

  describe('bucketOf', () => {
    it.each<[DatePoint, Interval, string, string, string]>([
      [{ year: 2022, month: 6, day: 21 }, 'day', '21 June 2022', '12022-06-21T00:00:00', '12022-06-21T23:59:59'],
      [{ year: 2022, month: 6, day: 23 }, 'week', 'week of 20 June 2022', '12022-06-20T00:00:00', '12022-06-26T23:59:59'],
      [{ year: 2022, month: 6, day: 20 }, 'week', 'week of 20 June 2022', '12022-06-20T00:00:00', '12022-06-26T23:59:59'],
      [{ year: 2022, month: 1, day: 1 }, 'week', 'week of 27 December 2021', '12021-12-27T00:00:00', '12022-01-02T23:59:59'],
      [{ year: -9999, month: 1, day: 3 }, 'week', 'week of 1 January 10000 BC', MIN_SORT_KEY, '00001-01-07T23:59:59'],
      [{ year: 9999, month: 12, day: 31 }, 'week', 'week of 27 December 9999', '19999-12-27T00:00:00', MAX_SORT_KEY],
      [{ year: 2022, month: 6 }, 'month', 'June 2022', '12022-06-01T00:00:00', '12022-06-30T23:59:59'],
      [{ year: -43 }, 'year', '44 BC', '09957-01-01T00:00:00', '09957-12-31T23:59:59'],
      [{ year: 1995 }, 'decade', '1990s', '11990-01-01T00:00:00', '11999-12-31T23:59:59'],
      [{ year: 2005 }, 'decade', '2000 – 2009', '12000-01-01T00:00:00', '12009-12-31T23:59:59'],
      [{ year: 5 }, 'decade', '1 BC – 9 AD', '10000-01-01T00:00:00', '10009-12-31T23:59:59'],
      [{ year: -43 }, 'decade', '51 BC – 42 BC', '09950-01-01T00:00:00', '09959-12-31T23:59:59'],
      [{ year: -9999 }, 'decade', '10000 BC – 9992 BC', MIN_SORT_KEY, '00009-12-31T23:59:59'],
      [{ year: 1945, month: 5, day: 8 }, 'century', '1900s', '11900-01-01T00:00:00', '11999-12-31T23:59:59'],
      [{ year: -43 }, 'century', '101 BC – 2 BC', '09900-01-01T00:00:00', '09999-12-31T23:59:59'],
      [{ year: 1066 }, 'millennium', '1000 – 1999', '11000-01-01T00:00:00', '11999-12-31T23:59:59'],
      [{ year: 9999 }, 'millennium', '9000 – 9999', '19000-01-01T00:00:00', MAX_SORT_KEY],
    ])('puts %o by %s in "%s" from %s to %s', (point, interval, label, start, end) => {
      expect(bucketOf(point, interval)).toStrictEqual({ key: start, label, start, end });
    });

    it('puts every day of one ISO week in the same bucket and the next Monday in another', () => {
      const keys = [20, 21, 22, 23, 24, 25, 26].map((day) => bucketOf({ year: 2022, month: 6, day }, 'week').key);
      expect(new Set(keys).size).toBe(1);
      expect(bucketOf({ year: 2022, month: 6, day: 27 }, 'week').key).not.toBe(keys[0]);
    });

    it.each<[DatePoint, Interval, string]>([
      [{ year: 2022 }, 'month', '2022 is known only to the year and cannot be counted by month'],
      [{ year: 2022, month: 6 }, 'week', '2022-06 is known only to the month and cannot be counted by week'],
    ])('refuses to count %o by %s', (point, interval, message) => {
      expect(() => bucketOf(point, interval)).toThrow(new DateError(message));
    });
  });

  describe('autoInterval', () => {
    it.each<[string, string, Interval]>([
      ['12022-06-21T00:00:00', '12022-06-21T23:59:59', 'day'],
      ['12022-06-01T00:00:00', '12022-07-30T23:59:59', 'day'],
      ['12022-01-01T00:00:00', '12022-12-31T23:59:59', 'week'],
      ['12020-01-01T00:00:00', '12022-12-31T23:59:59', 'month'],
      ['11990-01-01T00:00:00', '11999-12-31T23:59:59', 'year'],
      ['11500-01-01T00:00:00', '11999-12-31T23:59:59', 'decade'],
      ['09957-01-01T00:00:00', '12022-12-31T23:59:59', 'century'],
      [MIN_SORT_KEY, MAX_SORT_KEY, 'millennium'],
    ])('splits %s..%s by %s', (from, to, interval) => {
      expect(autoInterval(from, to)).toBe(interval);
    });

    it('rejects a range that ends before it starts', () => {
      expect(() => autoInterval('12022-01-01T00:00:00', '12021-01-01T00:00:00')).toThrow(
        new DateError('range start "12022-01-01T00:00:00" is after its end "12021-01-01T00:00:00"'),
      );
    });
  });
});
