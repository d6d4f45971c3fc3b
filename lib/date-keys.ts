import { civilFromDays, dayNumber, MAX_SORT_KEY, MIN_SORT_KEY, pointFromSortKey, sortKey } from './dates';

/** Whole days from one sort key to another (0 for a single day, 364 for a year). */
export function spanDays(startKey: string, endKey: string): number {
  return dayOfKey(endKey) - dayOfKey(startKey);
}

/** The sort key `days` later (earlier when negative), clamped to the supported years. */
export function shiftKeyByDays(key: string, days: number): string {
  if (days === 0) return key;
  const point = pointFromSortKey(key);
  const shifted = civilFromDays(dayOfKey(key) + days);
  if (shifted.year < -9999) return MIN_SORT_KEY;
  if (shifted.year > 9999) return MAX_SORT_KEY;
  return `${sortKey(shifted, 'start').slice(0, 11)}T${point.time}`;
}

/** First and last sort key of a decade (years d*10 to d*10+9). */
export function decadeBounds(decade: number): { startKey: string; endKey: string } {
  const first = Math.max(decade * 10, -9999);
  const last = Math.min(decade * 10 + 9, 9999);
  return { startKey: sortKey({ year: first }, 'start'), endKey: sortKey({ year: last }, 'end') };
}

function dayOfKey(key: string): number {
  const { year, month, day } = pointFromSortKey(key);
  return dayNumber(year, month, day);
}
