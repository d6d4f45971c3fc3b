import { describe, expect, it } from 'vitest';
import { addMonths, isTimeZone, mondayOf, publicationDay, weekdayOf } from '../../../lib/articles/local-day';

describe('publicationDay', () => {
  it.each([
    ['2022-06-21', undefined, { year: 2022, month: 6, day: 21 }],
    ['2022-06-21T23:30:00-04:00', undefined, { year: 2022, month: 6, day: 21 }], // its own offset, not UTC
    ['2022-06-21T23:30:00-04:00', 'Europe/Kyiv', { year: 2022, month: 6, day: 22 }],
    ['2023-01-01T23:00:00Z', 'Europe/Kyiv', { year: 2023, month: 1, day: 2 }],
    ['2022-06-21', 'Pacific/Kiritimati', { year: 2022, month: 6, day: 21 }], // a date has no instant to move
  ])('reads %s in %s', (publishedAt, timezone, expected) => {
    expect(publicationDay(publishedAt, timezone)).toEqual(expected);
  });
});

describe('calendar arithmetic', () => {
  it('knows weekdays and Monday-first weeks across a year boundary', () => {
    expect(weekdayOf({ year: 2022, month: 6, day: 21 })).toBe(2);
    expect(weekdayOf({ year: 2023, month: 1, day: 1 })).toBe(0);
    expect(mondayOf({ year: 2023, month: 1, day: 1 })).toEqual({ year: 2022, month: 12, day: 26 });
    expect(addMonths({ year: 2023, month: 1 }, -1)).toEqual({ year: 2022, month: 12 });
  });

  it('tells IANA time zones from other words', () => {
    expect(isTimeZone('Europe/Kyiv')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
