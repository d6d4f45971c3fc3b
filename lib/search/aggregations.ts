import { z } from '@hono/zod-openapi';
import { autoInterval, bucketOf, dayNumber, fitsInterval, Interval, pointFromSortKey, Precision, type Bucket } from '../dates';
import { shiftKeyByDays } from '../date-keys';
import type { IndexedDoc } from './shard';

const FacetCount = z.object({ value: z.string(), count: z.number().int() });

/** Counts of tags, places and people over all matches, most frequent first. */
export const Facets = z
  .object({ tags: z.array(FacetCount), places: z.array(FacetCount), people: z.array(FacetCount) })
  .openapi('Facets');
export type Facets = z.infer<typeof Facets>;

const HistogramBucket = z.object({ key: z.string(), label: z.string(), start: z.string(), end: z.string(), count: z.number().int() });

/** Matches counted per period: the volume a timeline frontend draws. */
export const Histogram = z
  .object({
    interval: z.enum(Interval),
    buckets: z.array(HistogramBucket),
    coarse: z
      .array(HistogramBucket.extend({ precision: z.enum(Precision) }))
      .openapi({ description: 'Matches dated less precisely than the interval (a year-only event in a monthly histogram), counted in their own period instead of being pinned to its first day.' }),
  })
  .openapi('Histogram');
export type Histogram = z.infer<typeof Histogram>;

const FACET_LIMIT = 20;
// Past this many buckets the gaps are left for the client to fill, to bound the answer's size.
const MAX_FILLED_BUCKETS = 500;

/** Counts facet values over all matching documents. */
export function countFacets(docs: readonly IndexedDoc[], limit = FACET_LIMIT): Facets {
  const count = (field: 'tags' | 'places' | 'people') => {
    const counts = new Map<string, number>();
    for (const doc of docs) {
      const values = doc[field];
      // The schema keeps list values unique; events stored before it did may still repeat one.
      for (const value of values.length > 1 ? new Set(values) : values) counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    return [...counts]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, limit)
      .map(([value, n]) => ({ value, count: n }));
  };
  return { tags: count('tags'), places: count('places'), people: count('people') };
}

/**
 * Counts matches per bucket of an interval chosen from the range (or from the matches when the
 * range is open), filling empty buckets in between so the histogram can be drawn as it is.
 */
export function histogram(docs: readonly IndexedDoc[], range: { fromKey?: string; toKey?: string }, interval?: Interval): Histogram {
  const chosen = interval ?? chooseInterval(docs, range);
  const buckets = new Map<string, Bucket & { count: number }>();
  const coarse = new Map<string, Bucket & { count: number; precision: Precision }>();
  for (const doc of docs) {
    if (fitsInterval(doc.precision, chosen)) {
      const fast = fastKey(doc.startKey, chosen);
      const entry = buckets.get(fast) ?? { ...bucketOf(pointOf(doc), chosen), count: 0 };
      entry.count += 1;
      buckets.set(fast, entry);
    } else {
      const key = `${doc.precision}:${doc.startKey.slice(0, doc.precision === 'year' ? 5 : 8)}`;
      const entry = coarse.get(key) ?? { ...bucketOf(pointOf(doc), doc.precision), count: 0, precision: doc.precision };
      entry.count += 1;
      coarse.set(key, entry);
    }
  }
  const sorted = [...buckets.values()].sort((a, b) => a.key.localeCompare(b.key));
  return {
    interval: chosen,
    buckets: fillGaps(sorted, chosen),
    coarse: [...coarse.values()].sort((a, b) => a.key.localeCompare(b.key)),
  };
}

function chooseInterval(docs: readonly IndexedDoc[], range: { fromKey?: string; toKey?: string }): Interval {
  let low = range.fromKey;
  let high = range.toKey;
  if (!low || !high) {
    const starts = docs.map((doc) => doc.startKey);
    if (starts.length === 0) return 'year';
    low ??= starts.reduce((a, b) => (a < b ? a : b));
    high ??= starts.reduce((a, b) => (a > b ? a : b));
  }
  return autoInterval(low, high);
}

/** The date a document is counted at, no more precise than it is known. */
function pointOf(doc: IndexedDoc): { year: number; month?: number; day?: number } {
  const { year, month, day } = pointFromSortKey(doc.startKey);
  if (doc.precision === 'year') return { year };
  if (doc.precision === 'month') return { year, month };
  return { year, month, day };
}

/** A grouping key computed from the sort key alone, so bucket labels are built once per bucket, not per match. */
function fastKey(startKey: string, interval: Interval): string {
  switch (interval) {
    case 'day':
      return startKey.slice(0, 11);
    case 'month':
      return startKey.slice(0, 8);
    case 'year':
      return startKey.slice(0, 5);
    case 'week': {
      const day = dayNumber(Number(startKey.slice(0, 5)) - 10_000, Number(startKey.slice(6, 8)), Number(startKey.slice(9, 11)));
      // Weeks start on Monday; 1970-01-01 (day 0) was a Thursday.
      return String(day - ((((day + 3) % 7) + 7) % 7));
    }
    default: {
      const size = { decade: 10, century: 100, millennium: 1000 }[interval];
      return String(Math.floor((Number(startKey.slice(0, 5)) - 10_000) / size));
    }
  }
}

function fillGaps(sorted: (Bucket & { count: number })[], interval: Interval): (Bucket & { count: number })[] {
  if (sorted.length < 2) return sorted;
  const filled: (Bucket & { count: number })[] = [];
  const byKey = new Map(sorted.map((bucket) => [bucket.key, bucket]));
  let current: Bucket = sorted[0]!;
  const last = sorted.at(-1)!;
  while (current.key <= last.key && filled.length < MAX_FILLED_BUCKETS) {
    filled.push(byKey.get(current.key) ?? { ...current, count: 0 });
    if (current.key === last.key) return filled;
    current = bucketOf(pointFromSortKey(shiftKeyByDays(current.end, 1)), interval);
  }
  return sorted;
}
