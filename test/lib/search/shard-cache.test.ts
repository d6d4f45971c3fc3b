import { afterAll, describe, expect, it } from 'vitest';
import { EventInput, spanKeys } from '../../../lib/event-schema';
import { SearchIndexer } from '../../../lib/search/indexer';
import { toIndexedDoc } from '../../../lib/search/shard';
import { ShardCache } from '../../../lib/search/shard-cache';
import { CountingStore } from '../../helpers/counting-store';
import { testClient, testConfig, uniqueTimeline } from '../../helpers/dynamo';

const client = testClient();
afterAll(() => client.destroy());

describe('ShardCache', () => {
  it('reads a many-shard index a few segments at a time and hands back every shard in order', async () => {
    const store = new CountingStore(client, testConfig().INDEX_TABLE_NAME);
    const timeline = uniqueTimeline('cache');
    const docs = Array.from({ length: 120 }, (_, i) => {
      const event = EventInput.parse({ id: `e${i}`, date: `${1900 + i}`, title: `Event ${i}` });
      return toIndexedDoc({ ...event, id: `e${i}` }, { ...spanKeys(event.date), rev: 1 });
    });
    const manifest = await new SearchIndexer(store, { maxShardDocs: 6 }).rebuild(timeline, docs);
    const shards = Object.values(manifest.shards).sort((a, b) => a.from.localeCompare(b.from));
    expect(shards.length).toBeGreaterThan(12);

    const readers = await new ShardCache(store, { maxConcurrentReads: 3 }).readers(timeline, shards);

    expect(store.reads).toBe(shards.reduce((sum, shard) => sum + shard.segments.length, 0));
    expect(store.mostInFlight).toBe(3);
    const ids = readers.flatMap((reader) => reader.docList.map((doc) => doc.id));
    expect(ids).toEqual(docs.map((doc) => doc.id));
  });

  it('budgets a segment at its whole stored size, texts included, before a search reads them', async () => {
    const store = new CountingStore(client, testConfig().INDEX_TABLE_NAME);
    const timeline = uniqueTimeline('cache-texts');
    const docs = Array.from({ length: 8 }, (_, i) => {
      const event = EventInput.parse({ id: `e${i}`, date: `${1900 + i}`, title: `Event ${i}`, text: `a long account of the day ${i}` });
      return toIndexedDoc({ ...event, id: `e${i}` }, { ...spanKeys(event.date), rev: 1 });
    });
    const manifest = await new SearchIndexer(store, { maxShardDocs: 4 }).rebuild(timeline, docs);
    const [first, second] = Object.values(manifest.shards).sort((a, b) => a.from.localeCompare(b.from));
    const budget = first!.bytes + second!.bytes - 1;
    const indexBytes = await Promise.all([first!, second!].map(async (shard) => (await store.readSegmentIndex(timeline, shard.segments[0]!)).length));
    // Both indexes fit the budget: only the texts not read yet make it too small for both segments.
    expect(indexBytes[0]! + indexBytes[1]!).toBeLessThan(budget);
    const cache = new ShardCache(store, { maxCompressedBytes: budget });
    await cache.readers(timeline, [first!]);
    await cache.readers(timeline, [second!]);
    const reads = store.reads;

    await cache.readers(timeline, [second!]);
    expect(store.reads).toBe(reads);
    await cache.readers(timeline, [first!]);
    expect(store.reads).toBe(reads + 1);
    expect(store.textReads).toBe(0);
  });
});
