import { decadeOf } from './dates';

/**
 * Key layout of the single table.
 *
 * | item            | pk            | sk                    | gpk (byDate)          | gsk (byDate)      |
 * |-----------------|---------------|-----------------------|-----------------------|-------------------|
 * | event           | `TL#<tl>`     | `EV#<id>`             | `<tl>#<decade>`       | `<startKey>#<id>` |
 * | date bucket     | `TL#<tl>`     | `BUCKET#<decade>`     |                       |                   |
 * | index shard     | `TL#<tl>`     | `SHARD#<id>#<ver>#<n>`|                       |                   |
 * | index manifest  | `MANIFEST`    | `<tl>`                |                       |                   |
 *
 * Events of one timeline spread over one byDate partition per decade, so a bulk import of
 * many periods is not funnelled into one partition, and a date range is a Query per decade.
 */
export const keys = {
  timeline: (timeline: string) => `TL#${timeline}`,
  event: (id: string) => `${EVENT_PREFIX}${id}`,
  bucket: (decade: number) => `${BUCKET_PREFIX}${padDecade(decade)}`,
  datePartition: (timeline: string, decade: number) => `${timeline}#${padDecade(decade)}`,
  dateSort: (startKey: string, id: string) => `${startKey}#${id}`,
};

/** Sort-key prefix of event items; the stream consumer only wants these. */
export const EVENT_PREFIX = 'EV#';
/** Sort-key prefix of date-bucket items. */
export const BUCKET_PREFIX = 'BUCKET#';

/** Decade of a sort key (whose first five characters are the year plus 10,000). */
export function decadeOfKey(sortKey: string): number {
  return decadeOf(Number(sortKey.slice(0, 5)) - 10_000);
}

/** Reads the decade back from a bucket item's sort key. */
export function decadeOfBucket(sk: string): number {
  return Number(sk.slice(BUCKET_PREFIX.length)) - DECADE_OFFSET;
}

// Decades run from -1000 to 999; the offset keeps them positive so they sort as strings.
const DECADE_OFFSET = 1000;

function padDecade(decade: number): string {
  return String(decade + DECADE_OFFSET).padStart(4, '0');
}
