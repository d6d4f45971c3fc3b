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

/** The sort key one second earlier (the end of everything before an instant or a period). */
export function secondBefore(key: string): string {
  return shiftSeconds(key, -1);
}

/** The sort key one second later (the start of everything after an instant or a period). */
export function secondAfter(key: string): string {
  return shiftSeconds(key, 1);
}

// Stepping past the supported years yields a key outside them, so a range beyond them is empty.
function shiftSeconds(key: string, step: -1 | 1): string {
  const [hours, minutes, seconds] = key.slice(12).split(':').map(Number) as [number, number, number];
  const total = hours * 3600 + minutes * 60 + seconds + step;
  if (total >= 0 && total < 86_400) return `${key.slice(0, 12)}${clock(total)}`;
  if (key === MIN_SORT_KEY) return '00000-12-31T23:59:59';
  if (key === MAX_SORT_KEY) return '20000-01-01T00:00:00';
  return `${shiftKeyByDays(key, step).slice(0, 12)}${step < 0 ? '23:59:59' : '00:00:00'}`;
}

function clock(total: number): string {
  return [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60].map((n) => String(n).padStart(2, '0')).join(':');
}
