import type { AttributeValue as LambdaAttributeValue, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { z } from 'zod';
import { EVENT_PREFIX } from '../event-keys';
import { IndexedDoc, parseShard, serializeShard, ShardWriter, toIndexedDoc } from './shard';
import { emptyShard, KEY_SPACE, newShardId, shardFor, StaleShardError, type Manifest, type ShardMeta, type ShardStore } from './shard-store';

/** A change to apply to a timeline's index. */
export type IndexOp =
  | { kind: 'upsert'; doc: IndexedDoc }
  | { kind: 'remove'; id: string; startKey: string; rev: number };

/** How shards grow and how hard a writer tries. */
export interface IndexerOptions {
  /** Split a shard above this many events; loading one stays well under 100 ms. @default 2000 */
  readonly maxShardDocs?: number;
  /** Attempts per shard when other indexers keep winning the race. @default 30 */
  readonly maxAttempts?: number;
}

const DEFAULTS = { maxShardDocs: 2000, maxAttempts: 30 } satisfies Required<IndexerOptions>;

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
      const lost = await Promise.all([...byShard.values()].map(({ shard, ops: shardOps }) => this.applyToShard(timeline, shard, shardOps)));
      pending = [...byShard.values()].filter((_, i) => !lost[i]).flatMap((group) => group.ops);
    }
  }

  /** Replaces a timeline's index with shards built from the given events (the table is the source of truth). */
  async rebuild(timeline: string, docs: IndexedDoc[]): Promise<Manifest> {
    const previous = await this.store.getManifest(timeline, true);
    const sorted = [...docs].sort((a, b) => a.startKey.localeCompare(b.startKey) || a.id.localeCompare(b.id));
    const target = Math.floor(this.options.maxShardDocs * 0.75);
    const groups = splitByKey(sorted, target);
    const shards: ShardMeta[] = [];
    for (const [i, group] of groups.entries()) {
      const from = i === 0 ? KEY_SPACE.first : group[0]!.startKey;
      const to = i === groups.length - 1 ? KEY_SPACE.last : groups[i + 1]![0]!.startKey;
      shards.push(await this.writeNew(timeline, { ...emptyShard(from, to), version: 0 }, group));
    }
    const manifest: Manifest = { timeline, shards: Object.fromEntries(shards.map((shard) => [shard.id, shard])) };
    await this.store.putManifest(manifest);
    for (const old of Object.values(previous?.shards ?? {})) await this.store.deleteShard(timeline, old);
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
    if (!applyOps(index, ops)) return true;
    const parts = index.size > this.options.maxShardDocs ? splitShard(index.documents(), shard, this.options.maxShardDocs) : undefined;
    const next = parts
      ? await Promise.all(parts.map(({ from, to, docs: part }) => this.writeNew(timeline, { ...emptyShard(from, to), id: newShardId() }, part)))
      : // A fresh id for every version: racing indexers never write the same chunk keys, so a loser's clean-up cannot delete the winner's.
        [await this.write(timeline, { ...shard, id: newShardId(), version: shard.version + 1 }, index)];
    const committed = (await this.store.commitShard(timeline, shard, next)) || (await this.landed(timeline, next));
    this.cache.delete(cacheKey(timeline, shard.id));
    if (!committed) {
      await Promise.all(next.map((meta) => this.store.deleteShard(timeline, meta)));
      return false;
    }
    if (!parts) this.cache.set(cacheKey(timeline, next[0]!.id), { version: next[0]!.version, index });
    await this.store.deleteShard(timeline, shard);
    return true;
  }

  /** Whether a commit that failed its condition had landed after all: the SDK retried it after its answer was lost. */
  private async landed(timeline: string, next: ShardMeta[]): Promise<boolean> {
    const manifest = await this.store.getManifest(timeline, true);
    return next.every((meta) => manifest?.shards[meta.id]?.version === meta.version);
  }

  private async load(timeline: string, shard: ShardMeta): Promise<ShardWriter> {
    const cached = this.cache.get(cacheKey(timeline, shard.id));
    if (cached?.version === shard.version) return cached.index;
    if (shard.chunks === 0) return ShardWriter.from();
    return ShardWriter.from(parseShard(await this.store.readShard(timeline, shard)));
  }

  private async writeNew(timeline: string, shard: ShardMeta, docs: IndexedDoc[]): Promise<ShardMeta> {
    const index = ShardWriter.from();
    for (const doc of docs) index.upsert(doc);
    return this.write(timeline, { ...shard, version: shard.version + 1 }, index);
  }

  private async write(timeline: string, shard: ShardMeta, index: ShardWriter): Promise<ShardMeta> {
    const data = index.toData();
    const bytes = serializeShard(data);
    const chunks = await this.store.writeShard(timeline, shard.id, shard.version, bytes);
    const docs = data.docs;
    return {
      ...shard,
      count: docs.length,
      bytes: bytes.length,
      chunks,
      minStart: docs.reduce<string | undefined>((min, doc) => (min === undefined || doc.startKey < min ? doc.startKey : min), undefined),
      maxEnd: docs.reduce<string | undefined>((max, doc) => (max === undefined || doc.endKey > max ? doc.endKey : max), undefined),
    };
  }
}

/** Applies ops in order; a stale change (lower revision than what the shard holds) is skipped. */
function applyOps(index: ShardWriter, ops: IndexOp[]): boolean {
  let changed = false;
  for (const op of ops) {
    const id = op.kind === 'upsert' ? op.doc.id : op.id;
    const stored = index.get(id);
    const rev = op.kind === 'upsert' ? op.doc.rev : op.rev;
    if (stored && stored.rev > rev) continue;
    if (op.kind === 'upsert') index.upsert(op.doc);
    else index.remove(id);
    changed ||= Boolean(stored) || op.kind === 'upsert';
  }
  return changed;
}

function groupByShard(manifest: Manifest, ops: IndexOp[]): Map<string, { shard: ShardMeta; ops: IndexOp[] }> {
  const groups = new Map<string, { shard: ShardMeta; ops: IndexOp[] }>();
  for (const op of ops) {
    const shard = shardFor(manifest, op.kind === 'upsert' ? op.doc.startKey : op.startKey);
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
function splitShard(docs: IndexedDoc[], shard: ShardMeta, maxDocs: number): { from: string; to: string; docs: IndexedDoc[] }[] | undefined {
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
  if (before && (!after || after.startKey !== before.startKey)) ops.push({ kind: 'remove', id: before.id, startKey: before.startKey, rev: before.rev });
  if (after) ops.push({ kind: 'upsert', doc: toIndexedDoc(after, after) });
  return { success: true, timeline, ops };
}

/** Lambda's stream images use the same attribute-value shape as the SDK, binary aside (events have none). */
function fromStreamImage(image: Record<string, LambdaAttributeValue>): Record<string, unknown> {
  return unmarshall(image as Record<string, AttributeValue>);
}
