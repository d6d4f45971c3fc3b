import { describe, expect, it } from 'vitest';
import { EventStore } from '../../../lib/event-store';
import { EventInput } from '../../../lib/event-schema';
import { SearchIndexer } from '../../../lib/search/indexer';
import { ShardStore } from '../../../lib/search/shard-store';
import { SearchService } from '../../../lib/search/search-service';
import { SearchQuery } from '../../../lib/search/search-schema';
import { testClient, testConfig, uniqueTimeline } from '../../helpers/dynamo';
import { rawEvent, streamEvent, streamRecord } from '../../helpers/stream-records';

const client = testClient();
const table = testConfig().TABLE_NAME;
const events = new EventStore(client, table);
const shards = new ShardStore(client, table);

const input = (id: string, date: string, title: string, text = '') => EventInput.parse({ id, date, title, text });
const search = (timeline: string, query: Record<string, string>) => new SearchService(shards).search(timeline, SearchQuery.parse(query));

async function writeAndRecord(timeline: string, inputs: EventInput[]) {
  await events.putMany(timeline, inputs);
  return Promise.all(inputs.map(async (event) => streamRecord('INSERT', { newImage: await rawEvent(timeline, event.id!) })));
}

describe('SearchIndexer', () => {
  describe('handle', () => {
    it('indexes INSERT records so they are searchable', async () => {
      const timeline = uniqueTimeline('idx');
      const indexer = new SearchIndexer(shards);
      const records = await writeAndRecord(timeline, [input('a', '2022-06-21', 'Sarmat launch'), input('b', '-0043-03-15', 'Ides of March')]);
      expect(await indexer.handle(streamEvent(records))).toEqual({ batchItemFailures: [] });
      expect((await search(timeline, { q: 'sarmat' })).hits.map((hit) => hit.id)).toEqual(['a']);
      expect((await search(timeline, { q: 'ides', from: '44 BC', to: '44 BC' })).total).toBe(1);
    });

    it('applies a MODIFY that moves an event to another shard, and a REMOVE', async () => {
      const timeline = uniqueTimeline('move');
      const indexer = new SearchIndexer(shards, { maxShardDocs: 4 });
      const inputs = Array.from({ length: 12 }, (_, i) => input(`e${i}`, `${2000 + i}`, `event ${i} harbour`));
      await indexer.handle(streamEvent(await writeAndRecord(timeline, inputs)));
      const manifest = (await shards.getManifest(timeline))!;
      expect(Object.keys(manifest.shards).length).toBeGreaterThan(2);

      const before = await rawEvent(timeline, 'e0');
      await events.put(timeline, input('e0', '2011-05', 'event 0 moved to 2011 harbour'));
      const after = await rawEvent(timeline, 'e0');
      const removedImage = await rawEvent(timeline, 'e5');
      await events.delete(timeline, 'e5');
      const result = await indexer.handle(
        streamEvent([streamRecord('MODIFY', { oldImage: before, newImage: after }), streamRecord('REMOVE', { oldImage: removedImage })]),
      );
      expect(result.batchItemFailures).toEqual([]);

      const all = await search(timeline, { q: 'harbour', sort: 'date', limit: '100' });
      expect(all.total).toBe(11);
      expect(all.hits.map((hit) => hit.id)).not.toContain('e5');
      expect((await search(timeline, { q: 'harbour', from: '2000', to: '2000' })).total).toBe(0);
      expect((await search(timeline, { q: 'moved', from: '2011-05', to: '2011-05' })).hits.map((hit) => hit.id)).toEqual(['e0']);
      const counts = Object.values((await shards.getManifest(timeline))!.shards).reduce((sum, shard) => sum + shard.count, 0);
      expect(counts).toBe(11);
    });

    it('reports a poison record as a batch item failure and applies the rest', async () => {
      const timeline = uniqueTimeline('poison');
      const [good] = await writeAndRecord(timeline, [input('good', '2022', 'fine event')]);
      const poison = streamRecord('INSERT', { newImage: { pk: { S: `TL#${timeline}` }, sk: { S: 'EV#bad' }, title: { N: '42' } } });
      const result = await new SearchIndexer(shards).handle(streamEvent([poison, good!]));
      expect(result.batchItemFailures).toEqual([{ itemIdentifier: poison.dynamodb!.SequenceNumber }]);
      expect((await search(timeline, { q: 'fine' })).total).toBe(1);
    });

    it('ignores records of index items and keeps stale records from undoing newer ones', async () => {
      const timeline = uniqueTimeline('stale');
      const indexer = new SearchIndexer(shards);
      const [first] = await writeAndRecord(timeline, [input('x', '2022', 'first title')]);
      const [second] = await writeAndRecord(timeline, [input('x', '2022', 'second title')]);
      await indexer.handle(streamEvent([second!]));
      const shardRecord = streamRecord('INSERT', { newImage: { pk: { S: `TL#${timeline}` }, sk: { S: 'SHARD#abc#1#0' } } });
      expect(await indexer.handle(streamEvent([first!, shardRecord]))).toEqual({ batchItemFailures: [] });
      expect((await search(timeline, { q: 'second' })).total).toBe(1);
      expect((await search(timeline, { q: 'first' })).total).toBe(0);
    });
  });

  describe('apply', () => {
    it('loses no update when two indexers write the same shard at once', async () => {
      const timeline = uniqueTimeline('race');
      const [a, b] = [new SearchIndexer(shards), new SearchIndexer(shards)];
      const batches = Array.from({ length: 10 }, (_, round) =>
        Array.from({ length: 5 }, (_, i) => input(`r${round}-${i}`, '2022-06-21', `race ${round} ${i}`)),
      );
      const records = await Promise.all(batches.map((batch) => writeAndRecord(timeline, batch)));
      const results = await Promise.all(records.map((batch, round) => (round % 2 ? a : b).handle(streamEvent(batch))));
      expect(results.flatMap((result) => result.batchItemFailures)).toEqual([]);
      const result = await search(timeline, { q: 'race', limit: '100' });
      expect(result.total).toBe(50);
      const manifest = (await shards.getManifest(timeline))!;
      expect(Object.values(manifest.shards)).toHaveLength(1);
      expect(Object.values(manifest.shards)[0]!.count).toBe(50);
    });
  });

  describe('rebuild', () => {
    it('keeps a sparse history in few shards', async () => {
      const timeline = uniqueTimeline('sparse');
      const docs = [
        input('caesar', '-0044', 'one event in 44 BC'),
        ...Array.from({ length: 300 }, (_, i) => input(`c20-${i}`, `${1900 + (i % 100)}`, `twentieth century ${i}`)),
      ];
      await events.putMany(timeline, docs);
      const indexer = new SearchIndexer(shards, { maxShardDocs: 200 });
      const { reindexTimeline } = await import('../../../lib/search/reindex');
      const report = await reindexTimeline(events, indexer, timeline);
      expect(report.events).toBe(301);
      expect(report.shards).toBe(2);
      expect((await search(timeline, { q: 'century', limit: '5' })).total).toBe(300);
    });
  });
});
