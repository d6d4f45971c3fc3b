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
});
