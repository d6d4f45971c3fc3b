import { z } from '@hono/zod-openapi';
import { autoInterval, bucketOf, dayNumber, fitsInterval, Interval, pointFromSortKey, Precision, type Bucket } from '../dates';
import { shiftKeyByDays } from '../date-keys';
import type { ShardDoc } from './shard';

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

/** The matching documents of one shard: all its documents (by short id) and the ids of those that match. */
export interface MatchedDocs {
  docs: readonly CountedDoc[];
  ids: ArrayLike<number>;
}

type FacetField = 'tags' | 'places' | 'people';

// Below one match in this many documents of a shard, its facets are counted match by match.
const FEW_MATCHES_SHARE = 16;

/** What counting reads of a document: a segment's documents hold it without their text. */
type CountedDoc = Pick<ShardDoc, 'startKey' | 'precision' | FacetField>;

/**
 * Counts facet values over all matching documents. Each shard's values are numbered once (cached
 * with its documents), so a match costs a few typed-array increments, and once across shards, so
 * the shards' counts meet in a typed array too. A shard with few matches is counted from their
 * documents unless its values are numbered already: numbering them would cost a cold search more
 * than the query.
 */
export function countFacets(groups: readonly MatchedDocs[], limit = FACET_LIMIT): Facets {
  numbering.startCount();
  const count = (field: FacetField) => {
    for (const { docs, ids } of groups) {
      const columns = columnsOf(docs);
      const column = ids.length * FEW_MATCHES_SHARE < docs.length ? columns.builtFacet(field) : columns.facet(field);
      if (!column) {
        for (let i = 0; i < ids.length; i += 1) {
          const values = docs[ids[i]!]![field];
          for (const value of values.length > 1 ? new Set(values) : values) tally.add(numbering.idOf(value));
        }
        continue;
      }
      const { starts, valueIds } = column;
      const numbers = numbersOf(column);
      for (let i = 0; i < ids.length; i += 1) {
        const id = ids[i]!;
        for (let j = starts[id]!; j < starts[id + 1]!; j += 1) tally.add(numbers[valueIds[j]!]!);
      }
    }
    return mostFrequent(tally.drain(), limit).map(([value, n]) => ({ value, count: n }));
  };
  return { tags: count('tags'), places: count('places'), people: count('people') };
}

// Past this many values numbered across shards, the numbering starts over (about 40 bytes a value).
const NUMBERED_VALUES_LIMIT = 250_000;

/**
 * Facet values numbered across shards: merging tens of shards' counts value by value in a Map cost
 * more than counting the matches. The numbers hold for as long as the generation does.
 */
class ValueNumbering {
  private ids = new Map<string, number>();
  private values: string[] = [];
  generation = 0;

  /** Starts over when full: only here, between counts, as the numbers given during a count must hold to its end. */
  startCount(): void {
    if (this.values.length <= NUMBERED_VALUES_LIMIT) return;
    this.ids = new Map();
    this.values = [];
    this.generation += 1;
  }

  idOf(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      this.ids.set(value, (id = this.values.length));
      this.values.push(value);
    }
    return id;
  }

  valueOf(id: number): string {
    return this.values[id]!;
  }
}

const numbering = new ValueNumbering();

/** A column's values by their numbers across shards, numbered again when the numbering starts over. */
function numbersOf(column: FacetColumn): Int32Array {
  if (column.numbers?.generation !== numbering.generation) {
    column.numbers = { generation: numbering.generation, ids: Int32Array.from(column.values, (value) => numbering.idOf(value)) };
  }
  return column.numbers.ids;
}

/**
 * Counts by value number, shared by every count and emptied as it is read: allocating and zeroing
 * a count per value ever numbered would cost a narrow query more than its few matches.
 */
class Tally {
  private counts = new Int32Array(1024);
  private readonly met: number[] = [];

  add(id: number): void {
    if (id >= this.counts.length) {
      const grown = new Int32Array(Math.max(id + 1, this.counts.length * 2));
      grown.set(this.counts);
      this.counts = grown;
    }
    if (this.counts[id] === 0) this.met.push(id);
    this.counts[id] += 1;
  }

  /** The values counted and their counts, leaving the tally empty. */
  drain(): [id: number, count: number][] {
    const counted = this.met.map((id): [number, number] => [id, this.counts[id]!]);
    for (const id of this.met) this.counts[id] = 0;
    this.met.length = 0;
    return counted;
  }
}

const tally = new Tally();

/**
 * The `limit` most frequent values, ties in value order; only values that can make the cut are sorted by text.
 * Value order is code-unit order, as Elasticsearch orders a terms aggregation's keys (by their bytes): a locale's
 * collation would cost every cold start loading ICU's collation data, about 8 ms, for a tie-break.
 */
function mostFrequent(counted: [id: number, count: number][], limit: number): [string, number][] {
  let kept = counted;
  if (counted.length > limit) {
    const threshold = Int32Array.from(counted, ([, n]) => n).sort()[counted.length - limit]!;
    kept = counted.filter(([, n]) => n >= threshold);
  }
  return kept
    .map(([id, n]): [string, number] => [numbering.valueOf(id), n])
    .sort((a, b) => b[1] - a[1] || byCodeUnits(a[0], b[0]))
    .slice(0, limit);
}

/**
 * Counts matches per bucket of an interval chosen from the range (or from the matches when the
 * range is open), filling empty buckets in between so the histogram can be drawn as it is.
 */
export function histogram(groups: readonly MatchedDocs[], range: { fromKey?: string; toKey?: string }, interval?: Interval): Histogram {
  const chosen = interval ?? chooseInterval(groups, range);
  const buckets = new Map<string, Bucket & { count: number }>();
  const coarse = new Map<string, Bucket & { count: number; precision: Precision }>();
  for (const { docs, ids } of groups) {
    const column = columnsOf(docs).buckets(chosen);
    const counts = new Int32Array(column.keys.length);
    // The slots met, so a narrow query reads back its few buckets, not every period of the shard.
    const met: number[] = [];
    for (let i = 0; i < ids.length; i += 1) {
      const slot = column.slots[ids[i]!]!;
      if (counts[slot]++ === 0) met.push(slot);
    }
    for (const slot of met) {
      const n = counts[slot]!;
      const key = column.keys[slot]!;
      const doc = docs[column.examples[slot]!]!;
      const fits = fitsInterval(doc.precision, chosen);
      const bucket = (column.buckets[slot] ??= bucketOf(pointOf(doc), fits ? chosen : doc.precision));
      if (fits) {
        const entry = buckets.get(key) ?? { ...bucket, count: 0 };
        entry.count += n;
        buckets.set(key, entry);
      } else {
        const entry = coarse.get(key) ?? { ...bucket, count: 0, precision: doc.precision };
        entry.count += n;
        coarse.set(key, entry);
      }
    }
  }
  const sorted = [...buckets.values()].sort((a, b) => byCodeUnits(a.key, b.key));
  return {
    interval: chosen,
    buckets: fillGaps(sorted, chosen),
    // A month and its year start together: the shorter period first, whatever order the matches came in.
    coarse: [...coarse.values()].sort((a, b) => byCodeUnits(a.key, b.key) || byCodeUnits(a.end, b.end)),
  };
}

// Bucket keys are sort keys, whose order is their code units' (as DynamoDB's is their bytes').
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function chooseInterval(groups: readonly MatchedDocs[], range: { fromKey?: string; toKey?: string }): Interval {
  let low = range.fromKey;
  let high = range.toKey;
  if (!low || !high) {
    const bounds = startBounds(groups);
    if (!bounds) return 'year';
    low ??= bounds.first;
    high ??= bounds.last;
  }
  return autoInterval(low, high);
}

/** The earliest and latest start key of the matches, compared by rank within each shard. */
function startBounds(groups: readonly MatchedDocs[]): { first: string; last: string } | undefined {
  let first: string | undefined;
  let last: string | undefined;
  for (const { docs, ids } of groups) {
    if (ids.length === 0) continue;
    const { startRank, byStart } = columnsOf(docs);
    let lowest = Infinity;
    let highest = -1;
    for (let i = 0; i < ids.length; i += 1) {
      const rank = startRank[ids[i]!]!;
      if (rank < lowest) lowest = rank;
      if (rank > highest) highest = rank;
    }
    const shardFirst = docs[byStart[lowest]!]!.startKey;
    const shardLast = docs[byStart[highest]!]!.startKey;
    if (first === undefined || shardFirst < first) first = shardFirst;
    if (last === undefined || shardLast > last) last = shardLast;
  }
  return first === undefined ? undefined : { first, last: last! };
}

/** A shard's facet values, numbered: the values of document `d` are `valueIds[starts[d]]` up to `valueIds[starts[d + 1]]`. */
interface FacetColumn {
  values: string[];
  starts: Int32Array;
  valueIds: Int32Array;
  /** The values' numbers across shards, once a count has needed them. */
  numbers?: { generation: number; ids: Int32Array };
}

/** Per document, the slot of its histogram bucket; per slot, its grouping key, a document to label it from and the bucket once labelled. */
interface BucketColumn {
  slots: Int32Array;
  keys: string[];
  examples: Int32Array;
  buckets: (Bucket | undefined)[];
}

/**
 * What aggregations need of a shard's documents, worked out once per shard and interval rather than
 * once per match and request: a warm instance answers many searches from the same shards.
 */
class DocColumns {
  private readonly facets = new Map<FacetField, FacetColumn>();
  private readonly bucketColumns = new Map<Interval, BucketColumn>();
  private ranks?: { startRank: Int32Array; byStart: Int32Array };

  constructor(private readonly docs: readonly CountedDoc[]) {}

  facet(field: FacetField): FacetColumn {
    let column = this.facets.get(field);
    if (!column) this.facets.set(field, (column = facetColumn(this.docs, field)));
    return column;
  }

  /** The field's column if a count has built it already. */
  builtFacet(field: FacetField): FacetColumn | undefined {
    return this.facets.get(field);
  }

  buckets(interval: Interval): BucketColumn {
    let column = this.bucketColumns.get(interval);
    if (!column) this.bucketColumns.set(interval, (column = bucketColumn(this.docs, interval)));
    return column;
  }

  /** Each document's position in start order, and the documents in that order. */
  get startRank(): Int32Array {
    return (this.ranks ??= startRanks(this.docs)).startRank;
  }

  get byStart(): Int32Array {
    return (this.ranks ??= startRanks(this.docs)).byStart;
  }
}

// Keyed by the documents array itself: a shard reader keeps one for its lifetime, and a dropped shard takes its columns with it.
const columns = new WeakMap<readonly CountedDoc[], DocColumns>();

function columnsOf(docs: readonly CountedDoc[]): DocColumns {
  let found = columns.get(docs);
  if (!found) columns.set(docs, (found = new DocColumns(docs)));
  return found;
}

function facetColumn(docs: readonly CountedDoc[], field: FacetField): FacetColumn {
  const numbers = new Map<string, number>();
  const starts = new Int32Array(docs.length + 1);
  const valueIds: number[] = [];
  docs.forEach((doc, d) => {
    const values = doc[field];
    // The schema keeps list values unique; events stored before it did may still repeat one.
    for (const value of values.length > 1 ? new Set(values) : values) {
      let id = numbers.get(value);
      if (id === undefined) numbers.set(value, (id = numbers.size));
      valueIds.push(id);
    }
    starts[d + 1] = valueIds.length;
  });
  return { values: [...numbers.keys()], starts, valueIds: Int32Array.from(valueIds) };
}

function bucketColumn(docs: readonly CountedDoc[], interval: Interval): BucketColumn {
  const numbers = new Map<string, number>();
  const examples: number[] = [];
  const slots = Int32Array.from(docs, (doc, d) => {
    const key = fitsInterval(doc.precision, interval)
      ? fastKey(doc.startKey, interval)
      : `${doc.precision}:${doc.startKey.slice(0, doc.precision === 'year' ? 5 : 8)}`;
    let slot = numbers.get(key);
    if (slot === undefined) {
      numbers.set(key, (slot = numbers.size));
      examples.push(d);
    }
    return slot;
  });
  return { slots, keys: [...numbers.keys()], examples: Int32Array.from(examples), buckets: [] };
}

function startRanks(docs: readonly CountedDoc[]): { startRank: Int32Array; byStart: Int32Array } {
  const byStart = Int32Array.from(docs.keys()).sort((a, b) => (docs[a]!.startKey < docs[b]!.startKey ? -1 : docs[a]!.startKey > docs[b]!.startKey ? 1 : 0));
  const startRank = new Int32Array(docs.length);
  byStart.forEach((id, rank) => (startRank[id] = rank));
  return { startRank, byStart };
}

/** The date a document is counted at, no more precise than it is known. */
function pointOf(doc: CountedDoc): { year: number; month?: number; day?: number } {
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
    current = nextBucket(current, interval);
  }
  return sorted;
}

// Labelling a bucket formats a date; the buckets after recent ones are asked for again and again.
const NEXT_MEMO_LIMIT = 20_000;
const nextBuckets = new Map<string, Bucket>();

function nextBucket(bucket: Bucket, interval: Interval): Bucket {
  const key = `${interval}|${bucket.end}`;
  let next = nextBuckets.get(key);
  if (!next) {
    if (nextBuckets.size >= NEXT_MEMO_LIMIT) nextBuckets.clear();
    next = bucketOf(pointFromSortKey(shiftKeyByDays(bucket.end, 1)), interval);
    nextBuckets.set(key, next);
  }
  return next;
}
