import { parseShard, ShardReader } from './shard';
import type { ShardMeta, ShardStore } from './shard-store';

/** How much of a warm Lambda's memory loaded shards may take. */
export interface ShardCacheOptions {
  /** Budget in compressed bytes; the heap holds roughly 15 times that. @default 32 MiB (about 500 MiB of heap) */
  readonly maxCompressedBytes?: number;
}

/**
 * Loaded shards kept across requests (a warm Lambda answers from memory), keyed by shard id
 * and checked against the manifest's version on every request, least recently used evicted first.
 */
export class ShardCache {
  private readonly entries = new Map<string, { version: number; reader: ShardReader; bytes: number }>();
  private readonly loading = new Map<string, Promise<ShardReader>>();
  private readonly maxBytes: number;
  private bytes = 0;

  constructor(
    private readonly store: ShardStore,
    options: ShardCacheOptions = {},
  ) {
    this.maxBytes = options.maxCompressedBytes ?? 32 * 1024 * 1024;
  }

  /** The readers of these shards, loading (in parallel) only those missing or outdated. */
  async readers(timeline: string, shards: ShardMeta[]): Promise<ShardReader[]> {
    return Promise.all(shards.map((shard) => this.reader(timeline, shard)));
  }

  /** Forgets a timeline's shards the manifest no longer names: each index update writes a new shard id. */
  retain(timeline: string, shardIds: Iterable<string>): void {
    const keep = new Set([...shardIds].map((id) => `${timeline}#${id}`));
    for (const key of [...this.entries.keys()]) if (key.startsWith(`${timeline}#`) && !keep.has(key)) this.forget(key);
  }

  private async reader(timeline: string, shard: ShardMeta): Promise<ShardReader> {
    const key = `${timeline}#${shard.id}`;
    const entry = this.entries.get(key);
    if (entry?.version === shard.version) {
      // Re-inserting keeps the map in least-recently-used order.
      this.entries.delete(key);
      this.entries.set(key, entry);
      return entry.reader;
    }
    const loadKey = `${key}#${shard.version}`;
    let pending = this.loading.get(loadKey);
    if (!pending) {
      pending = this.load(timeline, shard, key).finally(() => this.loading.delete(loadKey));
      this.loading.set(loadKey, pending);
    }
    return pending;
  }

  private async load(timeline: string, shard: ShardMeta, key: string): Promise<ShardReader> {
    const bytes = await this.store.readShard(timeline, shard);
    const reader = ShardReader.fromData(parseShard(bytes));
    this.forget(key);
    this.entries.set(key, { version: shard.version, reader, bytes: bytes.length });
    this.bytes += bytes.length;
    for (const [oldest] of this.entries) {
      if (this.bytes <= this.maxBytes || oldest === key) break;
      this.forget(oldest);
    }
    return reader;
  }

  private forget(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.bytes -= entry.bytes;
    this.entries.delete(key);
  }
}
