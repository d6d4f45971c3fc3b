import pLimit, { type LimitFunction } from 'p-limit';
import { parseShard } from './segment-codec';
import { layered, ShardReader } from './shard';
import type { Segment, ShardMeta, ShardStore } from './shard-store';

/** How much of a warm Lambda's memory loaded shards may take. */
export interface ShardCacheOptions {
  /** Budget in compressed bytes; the heap holds about four times that (86 MiB for a 22.9 MB index in the 100k benchmark). @default 32 MiB (about 130 MiB of heap) */
  readonly maxCompressedBytes?: number;
  /**
   * Segment reads in flight at once. A whole-timeline search of a million events reads about 2,000
   * segments: started all at once they queue on the SDK's 50 sockets and the last ones time out. @default 16
   */
  readonly maxConcurrentReads?: number;
}

/**
 * Loaded segments kept across requests (a warm Lambda answers from memory), least recently used
 * evicted first. Segments never change, so a new shard version only loads the segments it added.
 */
export class ShardCache {
  private readonly segments = new Map<string, { reader: ShardReader; bytes: number; shardKey: string }>();
  // A shard version's readers with superseded documents hidden, built once per version.
  private readonly views = new Map<string, { version: number; readers: ShardReader[] }>();
  private readonly loading = new Map<string, Promise<ShardReader>>();
  private readonly maxBytes: number;
  private readonly reads: LimitFunction;
  private bytes = 0;

  constructor(
    private readonly store: ShardStore,
    options: ShardCacheOptions = {},
  ) {
    this.maxBytes = options.maxCompressedBytes ?? 32 * 1024 * 1024;
    this.reads = pLimit(options.maxConcurrentReads ?? 16);
  }

  /** The segment readers of these shards, loading (a few at a time) only the segments not in memory. */
  async readers(timeline: string, shards: ShardMeta[]): Promise<ShardReader[]> {
    return (await Promise.all(shards.map((shard) => this.view(timeline, shard)))).flat();
  }

  /** Forgets a timeline's shards and segments the manifest no longer names. */
  retain(timeline: string, shards: Iterable<ShardMeta>): void {
    const prefix = `${timeline}#`;
    const keepShards = new Set<string>();
    const keepSegments = new Set<string>();
    for (const shard of shards) {
      keepShards.add(prefix + shard.id);
      for (const segment of shard.segments) keepSegments.add(prefix + segment.id);
    }
    for (const key of [...this.views.keys()]) if (key.startsWith(prefix) && !keepShards.has(key)) this.views.delete(key);
    for (const key of [...this.segments.keys()]) if (key.startsWith(prefix) && !keepSegments.has(key)) this.forget(key);
  }

  private async view(timeline: string, shard: ShardMeta): Promise<ShardReader[]> {
    const key = `${timeline}#${shard.id}`;
    const cached = this.views.get(key);
    const segmentKeys = shard.segments.map((segment) => `${timeline}#${segment.id}`);
    if (cached?.version === shard.version && segmentKeys.every((segmentKey) => this.touch(segmentKey))) return cached.readers;
    const readers = layered(await Promise.all(shard.segments.map((segment) => this.segment(timeline, segment, key))));
    this.views.set(key, { version: shard.version, readers });
    return readers;
  }

  /** Marks a segment as recently used; false when it was evicted (its shard's view must be rebuilt). */
  private touch(key: string): boolean {
    const entry = this.segments.get(key);
    if (!entry) return false;
    // Re-inserting keeps the map in least-recently-used order.
    this.segments.delete(key);
    this.segments.set(key, entry);
    return true;
  }

  private async segment(timeline: string, segment: Segment, shardKey: string): Promise<ShardReader> {
    const key = `${timeline}#${segment.id}`;
    if (this.touch(key)) return this.segments.get(key)!.reader;
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.load(timeline, segment, key, shardKey).finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }

  private async load(timeline: string, segment: Segment, key: string, shardKey: string): Promise<ShardReader> {
    const index = await this.reads(() => this.store.readSegmentIndex(timeline, segment));
    const texts = () => this.reads(() => this.store.readSegmentTexts(timeline, segment));
    const reader = ShardReader.fromData(parseShard({ index, texts }));
    // Budgeted at its whole stored size, texts included: any later search may read them into the heap.
    this.segments.set(key, { reader, bytes: segment.bytes, shardKey });
    this.bytes += segment.bytes;
    for (const [oldest] of this.segments) {
      if (this.bytes <= this.maxBytes || oldest === key) break;
      this.forget(oldest);
    }
    return reader;
  }

  private forget(key: string): void {
    const entry = this.segments.get(key);
    if (!entry) return;
    this.bytes -= entry.bytes;
    this.segments.delete(key);
    // The shard's view holds the reader too: drop it, or the memory is never given back.
    this.views.delete(entry.shardKey);
  }
}
