import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { z } from 'zod';
import { BUCKET_PREFIX, EVENT_PREFIX, decadeOfBucket, decadeOfKey, keys } from './event-keys';
import { TimelineEvent, spanKeys, type EventInput } from './event-schema';
import { contentHash, toTimelineEvent } from './events';
import { ConflictError, NotFoundError } from './errors';
import { decodeCursor, encodeCursor } from './cursor';
import { spanDays, shiftKeyByDays, decadeBounds } from './date-keys';
import { DATE_INDEX } from './table';
import { inParallel, retryUnprocessed } from './dynamo-batch';

// Resuming a listing needs only the decade and the last date-index key read in it.
const ListCursor = z.object({
  decade: z.number().int(),
  after: z.string().regex(/^\d{5}-\d\d-\d\dT\d\d:\d\d:\d\d#[A-Za-z0-9._~-]+$/).optional(),
});

/** What a batch write did to each event. */
export interface PutManyResult {
  created: TimelineEvent[];
  replaced: TimelineEvent[];
  unchanged: TimelineEvent[];
}

/** A page of a chronological listing. */
export interface EventPage {
  events: TimelineEvent[];
  nextCursor?: string;
}

/** What to list: a date range as sort keys, a direction and a page. */
export interface ListOptions {
  fromKey: string;
  toKey: string;
  order: 'asc' | 'desc';
  limit: number;
  cursor?: string;
}

/** Stored attributes beside the event itself. */
interface StoredEvent extends TimelineEvent {
  pk: string;
  sk: string;
  gpk: string;
  gsk: string;
  startKey: string;
  endKey: string;
  hash: string;
  /** Increases on every change, so the indexer can ignore a stale stream record. */
  rev: number;
}

/** What a write must know of an event's stored version. */
type EventVersion = Pick<StoredEvent, 'id' | 'hash' | 'rev' | 'createdAt' | 'updatedAt'>;

const VERSION_PROJECTION = { ProjectionExpression: 'id, #hash, rev, createdAt, updatedAt', ExpressionAttributeNames: { '#hash': 'hash' } };

/** Reads and writes events; DynamoDB is the source of truth. */
export class EventStore {
  // Longest span already recorded per date bucket by this process, to skip redundant bucket writes.
  private readonly knownSpans = new Map<string, number>();

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  /** Writes a batch idempotently: unchanged events are not rewritten. */
  async putMany(timeline: string, inputs: EventInput[], now = new Date().toISOString()): Promise<PutManyResult> {
    const existing = await this.getMany(timeline, inputs.map((input) => input.id!));
    const result: PutManyResult = { created: [], replaced: [], unchanged: [] };
    const items: StoredEvent[] = [];
    for (const input of inputs) {
      const before = existing.get(input.id!);
      const hash = contentHash(input);
      if (before?.hash === hash) {
        // Same hash, same content: the stored event is this input with its stored times.
        result.unchanged.push(toTimelineEvent(timeline, input, before.updatedAt, before));
        continue;
      }
      const item = toStored(toTimelineEvent(timeline, input, now, before), hash, (before?.rev ?? 0) + 1);
      items.push(item);
      (before ? result.replaced : result.created).push(stripStorage(item));
    }
    await this.recordBuckets(timeline, items);
    const requests: WriteRequest[] = items.map((item) => ({ PutRequest: { Item: marshallItem(item) } }));
    await inParallel(chunk(requests, 25), 8, (batch) =>
      retryUnprocessed(batch, async (pending) => {
        const out = await this.client.send(new BatchWriteItemCommand({ RequestItems: { [this.tableName]: pending } }));
        return out.UnprocessedItems?.[this.tableName] ?? [];
      }),
    );
    return result;
  }

  /** Creates or replaces one event; the write is conditional on what was read, so a concurrent change is a 409. */
  async put(timeline: string, input: EventInput, now = new Date().toISOString()): Promise<{ event: TimelineEvent; created: boolean }> {
    const before = await this.getStored(timeline, input.id!);
    const hash = contentHash(input);
    if (before?.hash === hash) return { event: stripStorage(before), created: false };
    const item = toStored(toTimelineEvent(timeline, input, now, before), hash, (before?.rev ?? 0) + 1);
    await this.recordBuckets(timeline, [item]);
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: marshallItem(item),
          // Create only if absent, replace only the version we read: never overwrite a change we did not see.
          ...(before
            ? { ConditionExpression: '#rev = :rev', ExpressionAttributeNames: { '#rev': 'rev' }, ExpressionAttributeValues: { ':rev': { N: String(before.rev) } } }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // A retry whose first attempt landed (its answer was lost) fails its own condition: finding our version means success.
      const now = await this.getStored(timeline, item.id);
      if (now?.rev !== item.rev || now.hash !== hash) {
        throw new ConflictError(`event "${item.id}" changed while it was being written; read it again and retry`);
      }
    }
    return { event: stripStorage(item), created: !before };
  }

  /** One event, or NotFoundError. */
  async get(timeline: string, id: string): Promise<TimelineEvent> {
    const stored = await this.getStored(timeline, id);
    if (!stored) throw new NotFoundError(`no event "${id}" in timeline "${timeline}"`);
    return stripStorage(stored);
  }

  /** Deletes one event, or NotFoundError when there was none. */
  async delete(timeline: string, id: string): Promise<void> {
    const out = await this.client.send(
      new DeleteItemCommand({
        TableName: this.tableName,
        Key: marshall({ pk: keys.timeline(timeline), sk: keys.event(id) }),
        ReturnValues: 'ALL_OLD',
      }),
    );
    if (!out.Attributes) throw new NotFoundError(`no event "${id}" in timeline "${timeline}"`);
  }

  /** Events whose span overlaps [fromKey, toKey], in date order, one Query per relevant decade. */
  async list(timeline: string, options: ListOptions): Promise<EventPage> {
    const cursor = options.cursor ? decodeCursor(options.cursor, ListCursor) : undefined;
    const decades = (await this.bucketSpans(timeline))
      .filter(({ decade, span }) => {
        const { startKey, endKey } = decadeBounds(decade);
        return startKey <= options.toKey && shiftKeyByDays(endKey, span) >= options.fromKey;
      })
      .sort((a, b) => (options.order === 'asc' ? a.decade - b.decade : b.decade - a.decade));
    const events: TimelineEvent[] = [];
    let position = cursor ? decades.findIndex((bucket) => bucket.decade === cursor.decade) : 0;
    let startKey = cursor?.after;
    while (position >= 0 && position < decades.length && events.length < options.limit) {
      const { decade, span } = decades[position]!;
      const page = await this.queryDecade(timeline, decade, span, options, options.limit - events.length, startKey);
      events.push(...page.events);
      startKey = page.lastKey;
      if (!startKey) position += 1;
    }
    const more = position >= 0 && position < decades.length;
    return { events, ...(more ? { nextCursor: encodeCursor({ decade: decades[position]!.decade, after: startKey }) } : {}) };
  }

  /** Every event of a timeline with its revision, in pages, for rebuilding the index from the source of truth. */
  async *allEvents(timeline: string): AsyncGenerator<{ event: TimelineEvent; rev: number }[]> {
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :ev)',
          ExpressionAttributeValues: marshall({ ':pk': keys.timeline(timeline), ':ev': EVENT_PREFIX }),
          ExclusiveStartKey: startKey,
        }),
      );
      yield (out.Items ?? []).map((item) => {
        const stored = unmarshall(item) as StoredEvent;
        return { event: stripStorage(stored), rev: stored.rev };
      });
      startKey = out.LastEvaluatedKey;
    } while (startKey);
  }

  private async queryDecade(
    timeline: string,
    decade: number,
    span: number,
    options: ListOptions,
    limit: number,
    startKey?: string,
  ): Promise<{ events: TimelineEvent[]; lastKey?: string }> {
    // A span that starts before the range can still overlap it; the bucket knows how far back to look.
    const low = shiftKeyByDays(options.fromKey, -span);
    const high = `${options.toKey}#\uffff`;
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: DATE_INDEX,
        KeyConditionExpression: 'gpk = :gpk AND gsk BETWEEN :low AND :high',
        FilterExpression: 'endKey >= :from',
        ExpressionAttributeValues: marshall({ ':gpk': keys.datePartition(timeline, decade), ':low': low, ':high': high, ':from': options.fromKey }),
        ScanIndexForward: options.order === 'asc',
        Limit: limit,
        ...(startKey ? { ExclusiveStartKey: resumeKey(timeline, decade, startKey) } : {}),
      }),
    );
    const events = (out.Items ?? []).map((item) => stripStorage(unmarshall(item) as StoredEvent));
    const last = out.LastEvaluatedKey ? (unmarshall(out.LastEvaluatedKey) as { gsk: string }).gsk : undefined;
    return { events, ...(last ? { lastKey: last } : {}) };
  }

  private async getStored(timeline: string, id: string): Promise<StoredEvent | undefined> {
    const out = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: marshall({ pk: keys.timeline(timeline), sk: keys.event(id) }), ConsistentRead: true }),
    );
    return out.Item ? (unmarshall(out.Item) as StoredEvent) : undefined;
  }

  /**
   * What a batch write needs to know of the current versions; the rest of each item is not read.
   * A batch's ids usually sit together in key order (new ids, or a re-post), so one Query over the
   * span of its ids answers for all of them: DynamoDB charges a Query by the bytes it reads, where
   * `BatchGetItem` charges every key, found or not. A span that holds more events than the batch
   * is only read that far; the ids past it are looked up one by one.
   */
  private async getMany(timeline: string, ids: string[]): Promise<Map<string, EventVersion>> {
    const wanted = new Set(ids);
    const sorted = [...wanted].sort();
    if (!sorted.length) return new Map();
    const span = await this.readSpan(timeline, sorted[0]!, sorted.at(-1)!, sorted.length);
    const stoppedAt = span.stoppedAt;
    const rest = stoppedAt === undefined ? [] : sorted.filter((id) => keys.event(id) > stoppedAt);
    const versions = [...span.versions.filter((version) => wanted.has(version.id)), ...(await this.getEach(timeline, rest))];
    return new Map(versions.map((version) => [version.id, version]));
  }

  /**
   * The versions of the events with ids from `first` to `last`, read until `budget` of them are;
   * when it stopped short, the sort key it read last.
   */
  private async readSpan(timeline: string, first: string, last: string, budget: number): Promise<{ versions: EventVersion[]; stoppedAt?: string }> {
    const versions: EventVersion[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
          ExpressionAttributeValues: marshall({ ':pk': keys.timeline(timeline), ':first': keys.event(first), ':last': keys.event(last) }),
          ConsistentRead: true,
          Limit: budget - versions.length,
          ExclusiveStartKey: start,
          ...VERSION_PROJECTION,
        }),
      );
      for (const item of out.Items ?? []) versions.push(unmarshall(item) as EventVersion);
      start = out.LastEvaluatedKey;
    } while (start && versions.length < budget);
    return { versions, stoppedAt: start?.sk?.S };
  }

  /** The versions of the given events, read by key. */
  private async getEach(timeline: string, ids: string[]): Promise<EventVersion[]> {
    const versions: EventVersion[] = [];
    const requests = ids.map((id) => marshall({ pk: keys.timeline(timeline), sk: keys.event(id) }));
    await inParallel(chunk(requests, 100), 8, (batch) =>
      retryUnprocessed(batch, async (pending) => {
        const out = await this.client.send(new BatchGetItemCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true, ...VERSION_PROJECTION } } }));
        for (const item of out.Responses?.[this.tableName] ?? []) versions.push(unmarshall(item) as EventVersion);
        return out.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      }),
    );
    return versions;
  }

  /** Records, before the events land, which decades hold events and how far back their spans reach. */
  private async recordBuckets(timeline: string, items: StoredEvent[]): Promise<void> {
    const longest = new Map<number, number>();
    for (const item of items) {
      const decade = decadeOfKey(item.startKey);
      longest.set(decade, Math.max(longest.get(decade) ?? 0, spanDays(item.startKey, item.endKey)));
    }
    const updates = [...longest].filter(([decade, span]) => (this.knownSpans.get(`${timeline}#${decade}`) ?? -1) < span);
    await inParallel(updates, 8, async ([decade, span]) => {
      try {
        await this.client.send(
          new UpdateItemCommand({
            TableName: this.tableName,
            Key: marshall({ pk: keys.timeline(timeline), sk: keys.bucket(decade) }),
            UpdateExpression: 'SET span = :span',
            // Only ever widen: a concurrent writer may have recorded a longer span already.
            ConditionExpression: 'attribute_not_exists(span) OR span < :span',
            ExpressionAttributeValues: { ':span': { N: String(span) } },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      this.knownSpans.set(`${timeline}#${decade}`, span);
    });
  }

  private async bucketSpans(timeline: string): Promise<{ decade: number; span: number }[]> {
    const buckets: { decade: number; span: number }[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :bucket)',
          ExpressionAttributeValues: marshall({ ':pk': keys.timeline(timeline), ':bucket': BUCKET_PREFIX }),
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) {
        const { sk, span } = unmarshall(item) as { sk: string; span: number };
        buckets.push({ decade: decadeOfBucket(sk), span });
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return buckets;
  }
}


/** The byDate key to resume after, rebuilt from its sort key (which ends with the event id). */
function resumeKey(timeline: string, decade: number, gsk: string): Record<string, AttributeValue> {
  const id = gsk.slice(gsk.indexOf('#') + 1);
  return marshall({ pk: keys.timeline(timeline), sk: keys.event(id), gpk: keys.datePartition(timeline, decade), gsk });
}

function toStored(event: TimelineEvent, hash: string, rev: number): StoredEvent {
  const { startKey, endKey } = spanKeys(event.date);
  return {
    ...event,
    pk: keys.timeline(event.timeline),
    sk: keys.event(event.id),
    gpk: keys.datePartition(event.timeline, decadeOfKey(startKey)),
    gsk: keys.dateSort(startKey, event.id),
    startKey,
    endKey,
    hash,
    rev,
  };
}

/** The event as the API shows it, without storage attributes. */
function stripStorage(stored: StoredEvent): TimelineEvent {
  const { pk: _pk, sk: _sk, gpk: _gpk, gsk: _gsk, startKey: _s, endKey: _e, hash: _h, rev: _r, ...event } = stored;
  return TimelineEvent.parse(event);
}

function marshallItem(item: StoredEvent): Record<string, AttributeValue> {
  return marshall(item, { removeUndefinedValues: true });
}

function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
