import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
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
import { keys } from '../event-keys';
import { inParallel, retryUnprocessed } from '../dynamo-batch';

/** Lower and upper sentinels of the shard key space: every sort key lies between them. */
export const KEY_SPACE = { first: '0', last: '~' } as const;

/** One shard in a manifest: the start-date range it covers and the version its chunks carry. */
export const ShardMeta = z.object({
  id: z.string(),
  /** Covers events whose start sort key is >= from and < to. */
  from: z.string(),
  to: z.string(),
  version: z.number().int(),
  count: z.number().int(),
  /** Earliest start and latest end among its events, to skip shards a range cannot touch. */
  minStart: z.string().optional(),
  maxEnd: z.string().optional(),
  bytes: z.number().int(),
  chunks: z.number().int(),
});
export type ShardMeta = z.infer<typeof ShardMeta>;

/** Per-timeline list of shards; each shard entry is updated on its own, conditional on its version. */
export const Manifest = z.object({
  timeline: z.string(),
  shards: z.record(z.string(), ShardMeta),
});
export type Manifest = z.infer<typeof Manifest>;

/** Thrown when a shard's chunks vanished under a reader (a newer version replaced them). */
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
    return out.Item ? Manifest.parse(unmarshall(out.Item)) : undefined;
  }

  /** Every timeline's manifest. */
  async listManifests(): Promise<Manifest[]> {
    const manifests: Manifest[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: marshall({ ':pk': MANIFEST_PK }), ExclusiveStartKey: startKey }),
      );
      manifests.push(...(out.Items ?? []).map((item) => Manifest.parse(unmarshall(item))));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return manifests;
  }

  /** Creates a timeline's manifest with one empty shard covering all dates; returns whichever manifest won. */
  async createManifest(timeline: string): Promise<Manifest> {
    const shard = emptyShard(KEY_SPACE.first, KEY_SPACE.last);
    const manifest: Manifest = { timeline, shards: { [shard.id]: shard } };
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
    await this.client.send(
      new PutItemCommand({ TableName: this.tableName, Item: marshall({ pk: MANIFEST_PK, sk: manifest.timeline, ...manifest }, { removeUndefinedValues: true }) }),
    );
  }

  /** The compressed bytes of one shard version. */
  async readShard(timeline: string, shard: ShardMeta): Promise<Buffer> {
    if (shard.chunks === 0) return Buffer.alloc(0);
    const parts: Buffer[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: marshall({ ':pk': keys.timeline(timeline), ':prefix': chunkPrefix(shard.id, shard.version) }),
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) parts.push(Buffer.from(item.data!.B!));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    if (parts.length !== shard.chunks) throw new StaleShardError(`shard ${shard.id} v${shard.version} has ${parts.length} of ${shard.chunks} chunks`);
    return Buffer.concat(parts);
  }

  /** Writes a shard version's chunks; they are invisible until a manifest names the version. */
  async writeShard(timeline: string, id: string, version: number, bytes: Buffer): Promise<number> {
    const chunks = Math.ceil(bytes.length / CHUNK_BYTES);
    const items = Array.from({ length: chunks }, (_, n) => ({
      PutRequest: {
        Item: {
          pk: { S: keys.timeline(timeline) },
          sk: { S: `${chunkPrefix(id, version)}${String(n).padStart(4, '0')}` },
          data: { B: bytes.subarray(n * CHUNK_BYTES, (n + 1) * CHUNK_BYTES) },
        },
      },
    }));
    await this.batchWrite(items);
    return chunks;
  }

  /** Deletes a shard version's chunks (after it was replaced, or when a commit lost its race). */
  async deleteShard(timeline: string, shard: Pick<ShardMeta, 'id' | 'version' | 'chunks'>): Promise<void> {
    const items = Array.from({ length: shard.chunks }, (_, n) => ({
      DeleteRequest: { Key: { pk: { S: keys.timeline(timeline) }, sk: { S: `${chunkPrefix(shard.id, shard.version)}${String(n).padStart(4, '0')}` } } },
    }));
    await this.batchWrite(items);
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
          ConditionExpression: '#shards.#old.#version = :expected',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
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

/** A new, empty shard covering [from, to). */
export function emptyShard(from: string, to: string): ShardMeta {
  return { id: newShardId(), from, to, version: 0, count: 0, bytes: 0, chunks: 0 };
}

/** A fresh shard id. */
export function newShardId(): string {
  return randomBytes(5).toString('hex');
}

/** The shard of a manifest whose range holds the key. */
export function shardFor(manifest: Manifest, key: string): ShardMeta {
  const shard = Object.values(manifest.shards).find((meta) => meta.from <= key && key < meta.to);
  if (!shard) throw new Error(`manifest of ${manifest.timeline} has no shard for ${key}`);
  return shard;
}

function chunkPrefix(id: string, version: number): string {
  return `SHARD#${id}#${String(version).padStart(10, '0')}#`;
}
