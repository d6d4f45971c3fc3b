import type { AttributeValue as LambdaAttributeValue, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import pLimit from 'p-limit';
import { z } from 'zod';
import { OutdatedIndexError } from '../errors';
import { EVENT_PREFIX } from '../event-keys';
import { parseShard, SEGMENT_FORMAT, serializeShard } from './segment-codec';
import { IndexedDoc, ShardWriter, toIndexedDoc } from './shard';
import { emptyShard, firstShardId, KEY_SPACE, laneOf, shardFor, StaleShardError, type Lane, type Manifest, type Segment, type ShardMeta, type ShardStore } from './shard-store';

/** A change to apply to a timeline's index. */
export type IndexOp =
  | { kind: 'upsert'; doc: IndexedDoc }
  | { kind: 'remove'; id: string; startKey: string; lane: Lane; rev: number };

/** How shards grow and how hard a writer tries. */
export interface IndexerOptions {
  /** Split a shard above this many events; loading one stays well under 100 ms. @default 2000 */
  readonly maxShardDocs?: number;
  /** Segments a shard may have (a base and deltas) before its deltas are merged into one. @default 6 */
  readonly maxSegments?: number;
  /** Attempts per shard when other indexers keep winning the race. @default 30 */
  readonly maxAttempts?: number;
}

/**
 * Most stream records per indexer call, locally and in Lambda. A call writes a segment for every shard it touches and
 * commits each, so a backlog goes faster in big calls (in isolation: 6,500 events/s at 5,000 a call, 4,200 at 1,000);
 * a stream that has caught up hands over small batches at once. Lambda also cuts a batch at 6 MB of payload.
 */
export const STREAM_BATCH_SIZE = 5_000;

// About 4 MiB of heap each at 2,000 events: a Lambda of 1 GB keeps the shards a batch touches and then some.
const MAX_CACHED_WRITERS = 32;
// A big batch can touch hundreds of shards of a large timeline; holding them all in memory at once
// would outgrow the function, while a few at a time keep both cores and the table busy.
const MAX_SHARDS_IN_FLIGHT = 16;

const DEFAULTS = { maxShardDocs: 2000, maxSegments: 6, maxAttempts: 30 } satisfies Required<IndexerOptions>;

/** The event attributes the index needs from a stream image; anything else in the item is ignored. */
export const StreamImage = z.object({
  id: z.string().min(1),
  timeline: z.string().min(1),
  title: z.string(),
  text: z.string().default(''),
  tags: z.array(z.string()).default([]),
  places: z.array(z.string()).default([]),
  people: z.array(z.string()).default([]),
  date: z.object({ start: z.string(), end: z.string().optional(), precision: IndexedDoc.shape.precision, display: z.string() }),
  startKey: IndexedDoc.shape.startKey,
  endKey: IndexedDoc.shape.endKey,
  rev: z.number().int(),
});

/** Keeps each timeline's sharded index in step with the events table. */
export class SearchIndexer {
  private readonly options: Required<IndexerOptions>;
  // Shards this process wrote or read last, so consecutive batches do not reload them.
  private readonly cache = new Map<string, { version: number; index: ShardWriter }>();
  // Batches of one timeline run one after another in this process: they share cached shards.
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: ShardStore,
    options: IndexerOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Applies a DynamoDB Streams batch; records that could not be applied are reported for retry. */
  async handle(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
    const failures: string[] = [];
    const byTimeline = new Map<string, { ops: IndexOp[]; sequenceNumbers: string[] }>();
    for (const record of event.Records) {
      if (!isEventRecord(record)) continue;
      const parsed = toOps(record);
      if (!parsed.success) {
        console.error(JSON.stringify({ level: 'error', message: 'unreadable stream record', eventID: record.eventID, detail: parsed.error }));
        failures.push(record.dynamodb!.SequenceNumber!);
        continue;
      }
      const group = byTimeline.get(parsed.timeline) ?? { ops: [], sequenceNumbers: [] };
      group.ops.push(...parsed.ops);
      group.sequenceNumbers.push(record.dynamodb!.SequenceNumber!);
      byTimeline.set(parsed.timeline, group);
    }
    await Promise.all(
      [...byTimeline].map(async ([timeline, group]) => {
        try {
          await this.apply(timeline, group.ops);
        } catch (error) {
          console.error(JSON.stringify({ level: 'error', message: 'index update failed', timeline, detail: String(error) }));
          failures.push(...group.sequenceNumbers);
        }
      }),
    );
    return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
  }

  /** Applies changes to a timeline's shards, each shard committed on its own with optimistic concurrency. */
  async apply(timeline: string, ops: IndexOp[]): Promise<void> {
    const previous = this.queues.get(timeline) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.applyNow(timeline, ops));
    this.queues.set(timeline, run);
    try {
      await run;
    } finally {
      if (this.queues.get(timeline) === run) this.queues.delete(timeline);
    }
  }

  private async applyNow(timeline: string, ops: IndexOp[]): Promise<void> {
    let pending = ops;
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt === this.options.maxAttempts) throw new Error(`gave up on ${timeline} after ${attempt} conflicting attempts`);
      // Full jitter, capped at about a second: racing indexers spread out instead of colliding again.
      if (attempt > 0) await new Promise((wake) => setTimeout(wake, Math.random() * 20 * 2 ** Math.min(attempt, 6)));
      const manifest = (await this.store.getManifest(timeline, true)) ?? (await this.store.createManifest(timeline));
      const byShard = groupByShard(manifest, pending);
      const limit = pLimit(MAX_SHARDS_IN_FLIGHT);
      const committed = await Promise.all([...byShard.values()].map(({ shard, ops: shardOps }) => limit(() => this.applyToShard(timeline, shard, shardOps))));
      pending = [...byShard.values()].filter((_, i) => !committed[i]).flatMap((group) => group.ops);
    }
  }

  /** Replaces a timeline's index with shards built from the given events (the table is the source of truth). */
  async rebuild(timeline: string, docs: IndexedDoc[]): Promise<Manifest> {
    // An index in an earlier format is replaced all the same; its chunks are left for verify to count.
    const previous = await this.store.getManifest(timeline, true).catch((error: unknown) => {
      if (error instanceof OutdatedIndexError || error instanceof z.ZodError) return undefined;
      throw error;
    });
    const target = Math.floor(this.options.maxShardDocs * 0.75);
    const shards: ShardMeta[] = [];
    for (const lane of ['main', 'long'] as const) {
      const sorted = docs.filter((doc) => laneOf(doc) === lane).sort((a, b) => a.startKey.localeCompare(b.startKey) || a.id.localeCompare(b.id));
      if (!sorted.length) continue;
      const groups = splitByKey(sorted, target);
      for (const [i, group] of groups.entries()) {
        const from = i === 0 ? KEY_SPACE.first : group[0]!.startKey;
        const to = i === groups.length - 1 ? KEY_SPACE.last : groups[i + 1]![0]!.startKey;
        const index = ShardWriter.from();
        for (const doc of group) index.upsert(doc);
        shards.push(await this.writeBase(timeline, { ...emptyShard(lane, from, to), ...(i === 0 ? { id: firstShardId(lane) } : {}) }, index));
      }
    }
    const manifest: Manifest = { timeline, format: SEGMENT_FORMAT, shards: Object.fromEntries(shards.map((shard) => [shard.id, shard])) };
    await this.store.putManifest(manifest);
    for (const old of Object.values(previous?.shards ?? {})) await this.store.deleteSegments(timeline, old.segments);
    return manifest;
  }

  /** Returns whether the shard's changes were committed (false: another indexer won; retry). */
  private async applyToShard(timeline: string, shard: ShardMeta, ops: IndexOp[]): Promise<boolean> {
    let index: ShardWriter;
    try {
      index = await this.load(timeline, shard);
    } catch (error) {
      // Another indexer replaced this version between our manifest read and our chunk read.
      if (error instanceof StaleShardError) return false;
      throw error;
    }
    const lastStart = index.lastStartKey();
    const change = applyOps(index, ops);
    if (!change) return true;
    const update = await this.write(timeline, shard, index, change, lastStart);
    const committed = (await this.store.commitShard(timeline, shard, update.next)) || (await this.landed(timeline, update.next));
    this.cache.delete(cacheKey(timeline, shard.id));
    if (!committed) {
      await this.store.deleteSegments(timeline, update.written);
      return false;
    }
    for (const { meta, index: writer } of update.cache) this.remember(cacheKey(timeline, meta.id), { version: meta.version, index: writer });
    await this.store.deleteSegments(timeline, update.obsolete);
    return true;
  }

  /**
   * Writes a shard's change the cheapest way that keeps it healthy: new events past all of a full
   * shard's own start a shard of their own (the shard is not rewritten: date-ordered imports write
   * each event once); an overgrown shard splits; otherwise the change is a delta segment, deltas
   * are merged into one when there are too many, and into a new base once they outweigh it.
   */
  private async write(timeline: string, shard: ShardMeta, index: ShardWriter, change: Change, lastStart: string): Promise<ShardUpdate> {
    const { maxShardDocs, maxSegments } = this.options;
    if (index.size > maxShardDocs && isAppend(index, change, lastStart)) return this.appendShard(timeline, shard, index, change);
    if (index.size > maxShardDocs) {
      const parts = splitShard(index.documents(), shard, maxShardDocs);
      if (parts) return this.splitInto(timeline, shard, index, parts);
    }
    const base = shard.segments[0];
    const { ids, removed } = index.changedSinceBase();
    if (!base || ids.length + removed.length > base.count) return this.rewrite(timeline, shard, index);
    const merging = shard.segments.length >= maxSegments;
    const delta = merging ? index.subset(ids).toData(removed) : index.subset(change.upserted).toData(change.removed);
    const segment = await this.store.writeSegment(timeline, serializeShard(delta), delta.docs.length);
    const segments = merging ? [base, segment] : [...shard.segments, segment];
    const next = { ...shard, ...bounds(index), version: shard.version + 1, count: index.size, segments, bytes: sumBytes(segments) };
    return { next: [next], written: [segment], obsolete: merging ? shard.segments.slice(1) : [], cache: [{ meta: next, index }] };
  }

  /** The new events become a shard of their own (or several), cut at the first of them. */
  private async appendShard(timeline: string, shard: ShardMeta, index: ShardWriter, change: Change): Promise<ShardUpdate> {
    const added = change.upserted.map((id) => index.get(id)!).sort((a, b) => a.startKey.localeCompare(b.startKey) || a.id.localeCompare(b.id));
    const cut = added[0]!.startKey;
    const moved = index.detach(change.upserted);
    const groups = splitByKey(added, Math.floor(this.options.maxShardDocs * 0.75));
    const parts = groups.map((docs, i) => ({
      from: i === 0 ? cut : docs[0]!.startKey,
      to: i === groups.length - 1 ? shard.to : groups[i + 1]![0]!.startKey,
      index: moved.subset(docs.map((doc) => doc.id)),
    }));
    const written = await Promise.all(parts.map((part) => this.writeBase(timeline, emptyShard(shard.lane, part.from, part.to), part.index)));
    const kept = { ...shard, to: cut, version: shard.version + 1 };
    return {
      next: [kept, ...written],
      written: written.flatMap((meta) => meta.segments),
      obsolete: [],
      cache: [{ meta: kept, index }, ...written.map((meta, i) => ({ meta, index: parts[i]!.index }))],
    };
  }

  private async splitInto(timeline: string, shard: ShardMeta, index: ShardWriter, parts: SplitPart[]): Promise<ShardUpdate> {
    const writers = parts.map((part) => index.subset(part.docs.map((doc) => doc.id)));
    // The first part keeps the shard's id: a lane's first shard keeps its name (see firstShardId).
    const next = await Promise.all(
      parts.map((part, i) => this.writeBase(timeline, i === 0 ? { ...shard, to: part.to } : emptyShard(shard.lane, part.from, part.to), writers[i]!)),
    );
    return { next, written: next.flatMap((meta) => meta.segments), obsolete: shard.segments, cache: next.map((meta, i) => ({ meta, index: writers[i]! })) };
  }

  private async rewrite(timeline: string, shard: ShardMeta, index: ShardWriter): Promise<ShardUpdate> {
    const next = await this.writeBase(timeline, shard, index);
    return { next: [next], written: next.segments, obsolete: shard.segments, cache: [{ meta: next, index }] };
  }

  /** Keeps a shard's writer for the next batch; the least recently written go first, so a big import does not hold every shard. */
  private remember(key: string, entry: { version: number; index: ShardWriter }): void {
    this.cache.delete(key);
    this.cache.set(key, entry);
    for (const oldest of this.cache.keys()) {
      if (this.cache.size <= MAX_CACHED_WRITERS) break;
      this.cache.delete(oldest);
    }
  }

  /** Whether a commit that failed its condition had landed after all: the SDK retried it after its answer was lost. */
  private async landed(timeline: string, next: ShardMeta[]): Promise<boolean> {
    const manifest = await this.store.getManifest(timeline, true);
    const segmentIds = (meta: ShardMeta | undefined) => meta?.segments.map((segment) => segment.id).join();
    return next.every((meta) => manifest?.shards[meta.id]?.version === meta.version && segmentIds(manifest.shards[meta.id]) === segmentIds(meta));
  }

  private async load(timeline: string, shard: ShardMeta): Promise<ShardWriter> {
    const cached = this.cache.get(cacheKey(timeline, shard.id));
    if (cached?.version === shard.version) return cached.index;
    const segments = await Promise.all(shard.segments.map(async (segment) => parseShard(await this.store.readSegment(timeline, segment))));
    return ShardWriter.from(...segments);
  }

  /** Writes all of a writer's documents as the shard's one segment. */
  private async writeBase(timeline: string, shard: ShardMeta, index: ShardWriter): Promise<ShardMeta> {
    const data = index.toData();
    const segment = await this.store.writeSegment(timeline, serializeShard(data), data.docs.length);
    index.markBase();
    return { ...shard, ...bounds(index), version: shard.version + 1, count: index.size, bytes: segment.bytes, segments: [segment] };
  }
}

/** What applying ops changed in a shard: ids upserted and ids removed, as they finally stand. */
interface Change {
  upserted: string[];
  removed: string[];
  /** Whether each upserted id was new to the shard. */
  allNew: boolean;
}

/** A shard change ready to commit: the manifest entries, the segments written for them, those they make obsolete. */
interface ShardUpdate {
  next: ShardMeta[];
  written: Segment[];
  obsolete: Segment[];
  /** Writers to keep for the next batch, by the entry they match. */
  cache: { meta: ShardMeta; index: ShardWriter }[];
}

type SplitPart = { from: string; to: string; docs: IndexedDoc[] };

/** Applies ops in order; a stale change (lower revision than what the shard holds) is skipped. */
function applyOps(index: ShardWriter, ops: IndexOp[]): Change | undefined {
  const upserted = new Set<string>();
  const removed = new Set<string>();
  let allNew = true;
  for (const op of ops) {
    const id = op.kind === 'upsert' ? op.doc.id : op.id;
    const stored = index.get(id);
    const rev = op.kind === 'upsert' ? op.doc.rev : op.rev;
    if (stored && stored.rev > rev) continue;
    if (op.kind === 'upsert') {
      if (stored && !upserted.has(id)) allNew = false;
      index.upsert(op.doc);
      upserted.add(id);
      removed.delete(id);
    } else if (stored) {
      index.remove(id);
      upserted.delete(id);
      removed.add(id);
    }
  }
  return upserted.size || removed.size ? { upserted: [...upserted], removed: [...removed], allNew } : undefined;
}

/** Whether a change only adds events starting after every event the (non-empty) shard held. */
function isAppend(index: ShardWriter, change: Change, lastStart: string): boolean {
  return lastStart !== '' && change.allNew && !change.removed.length && change.upserted.every((id) => index.get(id)!.startKey > lastStart);
}

function bounds(index: ShardWriter): Pick<ShardMeta, 'minStart' | 'maxEnd'> {
  const docs = index.documents();
  return {
    minStart: docs.reduce<string | undefined>((min, doc) => (min === undefined || doc.startKey < min ? doc.startKey : min), undefined),
    maxEnd: docs.reduce<string | undefined>((max, doc) => (max === undefined || doc.endKey > max ? doc.endKey : max), undefined),
  };
}

function sumBytes(segments: readonly Segment[]): number {
  return segments.reduce((sum, segment) => sum + segment.bytes, 0);
}

function groupByShard(manifest: Manifest, ops: IndexOp[]): Map<string, { shard: ShardMeta; ops: IndexOp[] }> {
  const groups = new Map<string, { shard: ShardMeta; ops: IndexOp[] }>();
  for (const op of ops) {
    const shard = op.kind === 'upsert' ? shardFor(manifest, laneOf(op.doc), op.doc.startKey) : shardFor(manifest, op.lane, op.startKey);
    const group = groups.get(shard.id) ?? { shard, ops: [] };
    group.ops.push(op);
    groups.set(shard.id, group);
  }
  return groups;
}

/**
 * Splits an overgrown shard into parts of about three quarters of the limit (so they can grow
 * before splitting again), cut between dates; a shard of one single date cannot split.
 */
function splitShard(docs: IndexedDoc[], shard: ShardMeta, maxDocs: number): SplitPart[] | undefined {
  const sorted = [...docs].sort((a, b) => a.startKey.localeCompare(b.startKey) || a.id.localeCompare(b.id));
  const parts = Math.ceil(sorted.length / Math.max(1, Math.floor(maxDocs * 0.75)));
  const groups = splitByKey(sorted, Math.ceil(sorted.length / parts));
  if (groups.length < 2) return undefined;
  return groups.map((group, i) => ({
    from: i === 0 ? shard.from : group[0]!.startKey,
    to: i === groups.length - 1 ? shard.to : groups[i + 1]![0]!.startKey,
    docs: group,
  }));
}

/** Cuts date-sorted documents into groups of about `size`, never separating equal start keys. */
function splitByKey(sorted: IndexedDoc[], size: number): IndexedDoc[][] {
  const groups: IndexedDoc[][] = [[]];
  for (const doc of sorted) {
    const current = groups.at(-1)!;
    if (current.length >= size && current.at(-1)!.startKey !== doc.startKey) groups.push([doc]);
    else current.push(doc);
  }
  return groups;
}

function cacheKey(timeline: string, shardId: string): string {
  return `${timeline}#${shardId}`;
}

/** Whether a stream record is about an event item (index items share the table). */
export function isEventRecord(record: DynamoDBRecord): boolean {
  return record.dynamodb?.Keys?.sk?.S?.startsWith(EVENT_PREFIX) ?? false;
}

/** The index changes one stream record asks for, or why it cannot be read. */
function toOps(record: DynamoDBRecord): { success: true; timeline: string; ops: IndexOp[] } | { success: false; error: string } {
  const oldImage = record.dynamodb?.OldImage ? StreamImage.safeParse(fromStreamImage(record.dynamodb.OldImage)) : undefined;
  const newImage = record.dynamodb?.NewImage ? StreamImage.safeParse(fromStreamImage(record.dynamodb.NewImage)) : undefined;
  for (const image of [oldImage, newImage]) {
    if (image && !image.success) return { success: false, error: image.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ') };
  }
  const before = oldImage?.data;
  const after = record.eventName === 'REMOVE' ? undefined : newImage?.data;
  const timeline = after?.timeline ?? before?.timeline;
  if (!timeline) return { success: false, error: `${record.eventName} record without an image` };
  const ops: IndexOp[] = [];
  // An event whose start or lane changed lives in another shard now: take it out of the old one.
  if (before && (!after || after.startKey !== before.startKey || laneOf(after) !== laneOf(before))) {
    ops.push({ kind: 'remove', id: before.id, startKey: before.startKey, lane: laneOf(before), rev: before.rev });
  }
  if (after) ops.push({ kind: 'upsert', doc: toIndexedDoc(after, after) });
  return { success: true, timeline, ops };
}

/** Lambda's stream images use the same attribute-value shape as the SDK, binary aside (events have none). */
function fromStreamImage(image: Record<string, LambdaAttributeValue>): Record<string, unknown> {
  return unmarshall(image as Record<string, AttributeValue>);
}
