import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRangeBound } from '../../lib/date-words';
import { DateError, daysInMonth, dayNumber, formatIsoDate, MAX_SORT_KEY, MIN_SORT_KEY, parseIsoDate, sortKey, type DatePoint } from '../../lib/dates';

/** Any valid point: years -9999..9999, a real day of its month, an optional time. */
const point: fc.Arbitrary<DatePoint> = fc
  .record({
    year: fc.integer({ min: -9999, max: 9999 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 31 }),
    precision: fc.constantFrom('year', 'month', 'day', 'minute', 'second'),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.integer({ min: 0, max: 59 }),
  })
  .map(({ year, month, day, precision, hour, minute, second }) => {
    if (precision === 'year') return { year };
    if (precision === 'month') return { year, month };
    const p: DatePoint = { year, month, day: Math.min(day, daysInMonth(year, month)) };
    const hhmm = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
    if (precision === 'minute') p.time = hhmm;
    if (precision === 'second') p.time = `${hhmm}:${String(second).padStart(2, '0')}`;
    return p;
  });

/** Text that looks like dates, and text that does not. */
const dateLike = fc.oneof(
  fc.array(fc.constantFrom('-', '+', '0', '1', '9', '2022', '-0043', '12', '31', '02', '29', 'T', ':', 'Z', '+05:30', '.5', ' '), { maxLength: 12 }).map((parts) => parts.join('')),
  fc.array(fc.constantFrom('44', 'BC', 'AD', 'BCE', 'CE', 'June', 'march', 'ides of', '3rd', 'century', 'millennium', '1990s', 'early', 'mid-', 'late', 'the', ',', ' ', '15', 'yesterday', 'next friday'), { maxLength: 8 }).map((parts) => parts.join(' ')),
  fc.string({ unit: 'binary', maxLength: 100 }),
);

describe('dates (property-based)', () => {
  describe('parseIsoDate', () => {
    it('reads back every point formatIsoDate writes', () => {
      fc.assert(
        fc.property(point, (p) => {
          expect(parseIsoDate(formatIsoDate(p))).toEqual(p);
        }),
        { numRuns: 500 },
      );
    });

    it('answers any text with a valid point or a DateError naming the text', () => {
      fc.assert(
        fc.property(dateLike, (text) => {
          try {
            const p = parseIsoDate(text);
            // What it accepted is a real date it can write out again.
            expect(() => formatIsoDate(p)).not.toThrow();
          } catch (error) {
            expect(error).toBeInstanceOf(DateError);
            expect((error as DateError).message).toContain(`"${text}"`);
          }
        }),
        { numRuns: 500 },
      );
    });
  });

  describe('sortKey', () => {
    it('orders keys as the calendar orders the days, across BC and AD', () => {
      fc.assert(
        fc.property(point, point, (a, b) => {
          const [ka, kb] = [sortKey(a, 'start'), sortKey(b, 'start')];
          const [da, db] = [dayNumber(a.year, a.month ?? 1, a.day ?? 1), dayNumber(b.year, b.month ?? 1, b.day ?? 1)];
          if (da < db) expect(ka < kb).toBe(true);
          if (da > db) expect(ka > kb).toBe(true);
          expect(sortKey(a, 'start') <= sortKey(a, 'end')).toBe(true);
        }),
        { numRuns: 500 },
      );
    });
  });

  describe('parseRangeBound', () => {
    it('answers anything up to 100 characters (the API limit) with a key in range or a DateError, within milliseconds', () => {
      let slowest = 0;
      fc.assert(
        fc.property(dateLike, fc.constantFrom('from', 'to') as fc.Arbitrary<'from' | 'to'>, (text, edge) => {
          const started = performance.now();
          try {
            const { key } = parseRangeBound(text, edge);
            expect(key >= MIN_SORT_KEY && key <= MAX_SORT_KEY).toBe(true);
          } catch (error) {
            expect(error).toBeInstanceOf(DateError);
          }
          slowest = Math.max(slowest, performance.now() - started);
        }),
        { numRuns: 500 },
      );
      expect(slowest).toBeLessThan(500);
    });

    it('puts the start of a period no later than its end', () => {
      fc.assert(
        fc.property(point, (p) => {
          const text = formatIsoDate(p);
          expect(parseRangeBound(text, 'from').key <= parseRangeBound(text, 'to').key).toBe(true);
        }),
        { numRuns: 300 },
      );
    });
  });
});
