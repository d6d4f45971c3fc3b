import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { spanDays } from '../date-keys';
import { IndexFullError, OutdatedIndexError } from '../errors';
import { keys } from '../event-keys';
import { inParallel, retryUnprocessed } from '../dynamo-batch';
import { SEGMENT_FORMAT, type StoredSegment } from './segment-codec';

/** Lower and upper sentinels of the shard key space: every sort key lies between them. */
export const KEY_SPACE = { first: '0', last: '~' } as const;

/**
 * Events spanning more than a year live in shards of their own lane: a few long spans (a war, a
 * reign) would otherwise stretch every shard holding one over decades, and a one-month search would
 * load them all. Each lane's shards tile the whole key space.
 */
export const Lane = z.enum(['main', 'long']);
export type Lane = z.infer<typeof Lane>;

const LONG_SPAN_DAYS = 366;

/** The lane of an event, by the length of its span. */
export function laneOf({ startKey, endKey }: { startKey: string; endKey: string }): Lane {
  return spanDays(startKey, endKey) > LONG_SPAN_DAYS ? 'long' : 'main';
}

/** One stored segment of a shard: immutable, its chunks keyed by its own id. */
export const Segment = z.object({
  id: z.string(),
  /** Documents stored in it, including those a later segment replaced. */
  count: z.number().int(),
  /** Compressed bytes, index and texts. */
  bytes: z.number().int(),
  /** Items holding its index. */
  chunks: z.number().int(),
  /** Items holding its texts (kept apart: a search reads them only for hits and phrase checks). */
  texts: z.number().int(),
});
export type Segment = z.infer<typeof Segment>;

/**
 * One shard in a manifest: the start-date range it covers and its segments, a base and the deltas
 * written after it (Lucene's segments, in small): a batch of changes is written as a delta of its
 * own documents instead of rewriting the shard, and deltas are merged once they add up.
 */
export const ShardMeta = z.object({
  id: z.string(),
  lane: Lane,
  /** Covers events of its lane whose start sort key is >= from and < to. */
  from: z.string(),
  to: z.string(),
  /** Bumped by every change; commits are conditional on the version they read. */
  version: z.number().int(),
  /** Current documents (replaced and removed ones not counted). */
  count: z.number().int(),
  /** Earliest start and latest end among its events, to skip shards a range cannot touch. */
  minStart: z.string().optional(),
  maxEnd: z.string().optional(),
  /** Compressed bytes of all its segments. */
  bytes: z.number().int(),
  /** Oldest first: the base, then deltas; a later segment's documents and removals override earlier ones. */
  segments: z.array(Segment),
});
export type ShardMeta = z.infer<typeof ShardMeta>;

/** Per-timeline list of shards; each shard entry is updated on its own, conditional on its version. */
export const Manifest = z.object({
  timeline: z.string(),
  /** The layout its segments are stored in: a manifest of another one fails to parse, and is rebuilt. */
  format: z.literal(SEGMENT_FORMAT),
  shards: z.record(z.string(), ShardMeta),
});
export type Manifest = z.infer<typeof Manifest>;

/** Thrown when a segment's chunks vanished under a reader (a newer version of its shard replaced them). */
export class StaleShardError extends Error {
  override name = 'StaleShardError';
}

// Chunks stay well under DynamoDB's 400 KB item limit, key attributes included.
const CHUNK_BYTES = 350_000;
const MANIFEST_PK = 'MANIFEST';

/** Stores compressed index shards in chunks beside the events, and the manifests that name them. */
export class ShardStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  /** The manifest of a timeline, or undefined before its first event was indexed. */
  async getManifest(timeline: string, consistent = false): Promise<Manifest | undefined> {
    const out = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: marshall({ pk: MANIFEST_PK, sk: timeline }), ConsistentRead: consistent }),
    );
    if (!out.Item) return undefined;
    const item = unmarshall(out.Item);
    if (item.format !== SEGMENT_FORMAT) {
      throw new OutdatedIndexError(
        `the index of timeline "${timeline}" is in ${item.format === undefined ? 'an earlier segment format' : `segment format ${item.format}`}, and this release reads format ${SEGMENT_FORMAT}: ` +
          `rebuild it from the events with npm run reindex -- ${timeline}`,
      );
    }
    return Manifest.parse(item);
  }

  /** Timelines whose manifest is in an earlier format than this code reads: rebuild them from the table. */
  async outdatedTimelines(): Promise<string[]> {
    const outdated: string[] = [];
    for await (const item of this.manifestItems()) if (!Manifest.safeParse(item).success) outdated.push(String(item.sk));
    return outdated;
  }

  /** Every timeline with a manifest, whatever its format. */
  async timelines(): Promise<string[]> {
    const timelines: string[] = [];
    for await (const item of this.manifestItems()) timelines.push(String(item.sk));
    return timelines;
  }

  /** Deletes a timeline's whole index: every segment chunk, then the manifest that names them. */
  async dropIndex(timeline: string): Promise<void> {
    for await (const page of this.chunkPages(timeline, CHUNK_PREFIX, 'pk, sk')) await this.batchWrite(page.map((Key) => ({ DeleteRequest: { Key } })));
    await this.client.send(new DeleteItemCommand({ TableName: this.tableName, Key: marshall({ pk: MANIFEST_PK, sk: timeline }) }));
  }

  /** Every timeline's manifest. */
  async listManifests(): Promise<Manifest[]> {
    const manifests: Manifest[] = [];
    // A manifest of an earlier format is left out until a reindex replaces it (outdatedTimelines names them).
    for await (const item of this.manifestItems()) {
      const manifest = Manifest.safeParse(item);
      if (manifest.success) manifests.push(manifest.data);
    }
    return manifests;
  }

  private async *manifestItems(): AsyncGenerator<Record<string, unknown>> {
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: marshall({ ':pk': MANIFEST_PK }), ExclusiveStartKey: startKey }),
      );
      for (const item of out.Items ?? []) yield unmarshall(item);
      startKey = out.LastEvaluatedKey;
    } while (startKey);
  }

  /** Creates a timeline's manifest, with no shard yet; returns whichever manifest won. */
  async createManifest(timeline: string): Promise<Manifest> {
    const manifest: Manifest = { timeline, format: SEGMENT_FORMAT, shards: {} };
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: marshall({ pk: MANIFEST_PK, sk: timeline, ...manifest }, { removeUndefinedValues: true }),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return manifest;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return (await this.getManifest(timeline, true))!;
    }
  }

  /** Replaces a timeline's whole manifest (after a rebuild); concurrent shard updates then retry against it. */
  async putManifest(manifest: Manifest): Promise<void> {
    try {
      await this.client.send(
        new PutItemCommand({ TableName: this.tableName, Item: marshall({ pk: MANIFEST_PK, sk: manifest.timeline, ...manifest }, { removeUndefinedValues: true }) }),
      );
    } catch (error) {
      throw tooLarge(error, manifest.timeline, Object.keys(manifest.shards).length) ?? error;
    }
  }

  /** A segment's index and texts, as the indexer rewrites it. */
  async readSegment(timeline: string, segment: Segment): Promise<StoredSegment> {
    const [index, texts] = await Promise.all([this.readSegmentIndex(timeline, segment), this.readSegmentTexts(timeline, segment)]);
    return { index, texts };
  }

  /** The compressed index of one segment: what any search of its range reads. */
  readSegmentIndex(timeline: string, segment: Segment): Promise<Buffer> {
    return this.readChunks(timeline, segment, 'index');
  }

  /** The compressed texts of one segment: what hits and phrase checks read. */
  readSegmentTexts(timeline: string, segment: Segment): Promise<Buffer> {
    return this.readChunks(timeline, segment, 'texts');
  }

  private async readChunks(timeline: string, segment: Segment, part: SegmentPart): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const page of this.chunkPages(timeline, chunkPrefix(segment.id, part))) {
      // Views of the SDK's decoded bytes, not copies: a part is copied once, below, if it has several chunks.
      for (const { data } of page) chunks.push(Buffer.from(data!.B!.buffer, data!.B!.byteOffset, data!.B!.byteLength));
    }
    const expected = chunkCount(segment, part);
    if (chunks.length !== expected) throw new StaleShardError(`segment ${segment.id} has ${chunks.length} of ${expected} ${part} chunks`);
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  }

  /** Pages of a timeline's chunk items whose sort key starts with the prefix, in key order. */
  private async *chunkPages(timeline: string, prefix: string, projection?: string): AsyncGenerator<Record<string, AttributeValue>[]> {
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: marshall({ ':pk': keys.timeline(timeline), ':prefix': prefix }),
          ...(projection && { ProjectionExpression: projection }),
          ExclusiveStartKey: startKey,
        }),
      );
      yield out.Items ?? [];
      startKey = out.LastEvaluatedKey;
    } while (startKey);
  }

  /** Writes a new segment's chunks under a fresh id; they are invisible until a manifest names the segment. */
  async writeSegment(timeline: string, stored: StoredSegment, count: number): Promise<Segment> {
    const segment = {
      id: newSegmentId(),
      count,
      bytes: stored.index.length + stored.texts.length,
      chunks: Math.ceil(stored.index.length / CHUNK_BYTES),
      texts: Math.ceil(stored.texts.length / CHUNK_BYTES),
    };
    const items = SEGMENT_PARTS.flatMap((part) =>
      chunkKeys(timeline, segment, part).map((Key, n) => ({
        PutRequest: { Item: { ...Key, data: { B: stored[part].subarray(n * CHUNK_BYTES, (n + 1) * CHUNK_BYTES) } } },
      })),
    );
    await this.batchWrite(items);
    return segment;
  }

  /** Deletes segments' chunks (after a merge replaced them, or when a commit lost its race). */
  async deleteSegments(timeline: string, segments: readonly Segment[]): Promise<void> {
    const chunks = segments.flatMap((segment) => SEGMENT_PARTS.flatMap((part) => chunkKeys(timeline, segment, part)));
    await this.batchWrite(chunks.map((Key) => ({ DeleteRequest: { Key } })));
  }

  /**
   * Swaps one shard for its new version (or for the two halves of a split), conditional on the
   * version that was read: of two indexers racing on a shard, one wins and the other retries.
   */
  async commitShard(timeline: string, replaced: ShardMeta, next: ShardMeta[]): Promise<boolean> {
    const names: Record<string, string> = { '#shards': 'shards', '#old': replaced.id, '#version': 'version' };
    const values: Record<string, AttributeValue> = { ':expected': { N: String(replaced.version) } };
    const sets = next.map((shard, i) => {
      names[`#n${i}`] = shard.id;
      values[`:n${i}`] = { M: marshall(shard, { removeUndefinedValues: true }) };
      return `#shards.#n${i} = :n${i}`;
    });
    const keepsId = next.some((shard) => shard.id === replaced.id);
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ pk: MANIFEST_PK, sk: timeline }),
          UpdateExpression: `SET ${sets.join(', ')}${keepsId ? '' : ' REMOVE #shards.#old'}`,
          // Version 0 is a lane's first shard, not in the manifest yet: whoever adds it first wins. Its id
          // stays in the manifest as long as the lane has shards (see firstShardId), so it is added only once.
          ConditionExpression: replaced.version === 0 ? 'attribute_not_exists(#shards.#old) OR #shards.#old.#version = :expected' : '#shards.#old.#version = :expected',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw tooLarge(error, timeline) ?? error;
    }
  }

  private async batchWrite(requests: NonNullable<ConstructorParameters<typeof BatchWriteItemCommand>[0]['RequestItems']>[string]): Promise<void> {
    const batches: (typeof requests)[] = [];
    for (let i = 0; i < requests.length; i += 25) batches.push(requests.slice(i, i + 25));
    await inParallel(batches, 4, (batch) =>
      retryUnprocessed(batch, async (pending) => {
        const out = await this.client.send(new BatchWriteItemCommand({ RequestItems: { [this.tableName]: pending } }));
        return out.UnprocessedItems?.[this.tableName] ?? [];
      }),
    );
  }
}

/** A new, empty shard of a lane covering [from, to). */
export function emptyShard(lane: Lane, from: string, to: string): ShardMeta {
  return { id: newShardId(), lane, from, to, version: 0, count: 0, bytes: 0, segments: [] };
}

/** A fresh shard id. */
function newShardId(): string {
  return randomBytes(5).toString('hex');
}

// Every write makes a new segment id: racing indexers never write the same chunk keys, so a loser's clean-up cannot delete the winner's.
function newSegmentId(): string {
  return randomBytes(6).toString('hex');
}

/**
 * The id of a lane's first shard, the one starting at the beginning of the key space: splits and
 * rebuilds keep it, so it names the lane's first shard for as long as the lane has any.
 */
export function firstShardId(lane: Lane): string {
  return `${lane}-lane`;
}

/** The shard of a lane whose range holds the key; a lane with no shard yet gets its first, at version 0. */
export function shardFor(manifest: Manifest, lane: Lane, key: string): ShardMeta {
  const inLane = Object.values(manifest.shards).filter((meta) => meta.lane === lane);
  if (!inLane.length) return { ...emptyShard(lane, KEY_SPACE.first, KEY_SPACE.last), id: firstShardId(lane) };
  const shard = inLane.find((meta) => meta.from <= key && key < meta.to);
  if (!shard) throw new Error(`manifest of ${manifest.timeline} has no ${lane} shard for ${key}`);
  return shard;
}

/** Sort key prefix of every chunk item. */
const CHUNK_PREFIX = 'SHARD#';

const SEGMENT_PARTS = ['index', 'texts'] as const;
type SegmentPart = (typeof SEGMENT_PARTS)[number];

/** Sort key prefix of the chunk items of one part of a segment. */
function chunkPrefix(segmentId: string, part: SegmentPart): string {
  return `${CHUNK_PREFIX}${segmentId}#${part === 'index' ? 'i' : 't'}`;
}

function chunkCount(segment: Segment, part: SegmentPart): number {
  return part === 'index' ? segment.chunks : segment.texts;
}

function chunkKeys(timeline: string, segment: Segment, part: SegmentPart): Record<'pk' | 'sk', AttributeValue>[] {
  return Array.from({ length: chunkCount(segment, part) }, (_, n) => ({
    pk: { S: keys.timeline(timeline) },
    sk: { S: `${chunkPrefix(segment.id, part)}${String(n).padStart(4, '0')}` },
  }));
}

/**
 * DynamoDB's answer to an item over its 400 KB limit, explained: the manifest is one item, so it
 * bounds how many shards (and events) a timeline's index can name.
 */
function tooLarge(error: unknown, timeline: string, shards?: number): IndexFullError | undefined {
  if (!(error instanceof Error && error.name === 'ValidationException' && /item size/i.test(error.message))) return undefined;
  return new IndexFullError(
    `the index manifest of timeline "${timeline}" would pass DynamoDB's 400 KB item limit${shards === undefined ? '' : ` with ${shards} shards`}: ` +
      'the events are stored, but the index cannot name more shards (about 1,500 fit; see README, Search index)',
    { cause: error },
  );
}
