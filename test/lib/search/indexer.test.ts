import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { OutdatedIndexError } from '../../../lib/errors';
import { EventStore } from '../../../lib/event-store';
import { EventInput, spanKeys } from '../../../lib/event-schema';
import { SearchIndexer } from '../../../lib/search/indexer';
import { SEGMENT_FORMAT } from '../../../lib/search/segment-codec';
import { ShardStore } from '../../../lib/search/shard-store';
import { SearchService } from '../../../lib/search/search-service';
import { toIndexedDoc, type IndexedDoc } from '../../../lib/search/shard';
import { SearchQuery } from '../../../lib/search/search-schema';
import { verifyTimeline } from '../../../lib/search/verify';
import { CountingStore } from '../../helpers/counting-store';
import { testClient, testConfig, uniqueTimeline } from '../../helpers/dynamo';
import { rawEvent, streamEvent, streamRecord } from '../../helpers/stream-records';

const client = testClient();
const config = testConfig();
const events = new EventStore(client, config.TABLE_NAME);
const shards = new ShardStore(client, config.INDEX_TABLE_NAME);

const input = (id: string, date: string, title: string, text = '') => EventInput.parse({ id, date, title, text });
const search = (timeline: string, query: Record<string, string>) => new SearchService(shards).search(timeline, SearchQuery.parse(query));

function indexedDoc(id: string, date: string, title: string, rev: number): IndexedDoc {
  const event = input(id, date, title);
  return toIndexedDoc({ ...event, id }, { ...spanKeys(event.date), rev });
}

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
    it('loads and writes at most 16 shards at a time, however many shards a batch touches', async () => {
      const store = new CountingStore(client, config.INDEX_TABLE_NAME);
      const timeline = uniqueTimeline('wide');
      const docs = Array.from({ length: 100 }, (_, i) => indexedDoc(`e${i}`, `${1900 + i}`, `Event ${i}`, 1));
      const manifest = await new SearchIndexer(store, { maxShardDocs: 4 }).rebuild(timeline, docs);
      expect(Object.keys(manifest.shards).length).toBeGreaterThan(30);

      const renamed = docs.map((doc, i) => ({ kind: 'upsert' as const, doc: indexedDoc(doc.id, `${1900 + i}`, `Renamed ${i}`, 2) }));
      await new SearchIndexer(store, { maxShardDocs: 4 }).apply(timeline, renamed);

      expect(store.mostInFlight).toBe(16);
      expect((await search(timeline, { q: 'renamed', limit: '100' })).total).toBe(100);
      expect((await search(timeline, { q: 'event', limit: '100' })).total).toBe(0);
    });

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

  describe('segments', () => {
    const segmentsOf = async (timeline: string) => Object.values((await shards.getManifest(timeline))!.shards).map((shard) => shard.segments);
    const upsert = (timeline: string, event: EventInput) => events.put(timeline, event).then(() => rawEvent(timeline, event.id!));

    it('writes a small change to a large shard as a delta, merges deltas, and rewrites the base once they outweigh it', async () => {
      const timeline = uniqueTimeline('delta');
      const indexer = new SearchIndexer(shards, { maxShardDocs: 100, maxSegments: 3 });
      await indexer.handle(streamEvent(await writeAndRecord(timeline, Array.from({ length: 30 }, (_, i) => input(`e${i}`, `${2000 + i}`, `harbour ${i}`)))));
      const [base] = (await segmentsOf(timeline))[0]!;

      const newImage = await upsert(timeline, input('e0', '2000', 'lighthouse renamed'));
      await indexer.handle(streamEvent([streamRecord('MODIFY', { newImage })]));
      let [segments] = await segmentsOf(timeline);
      expect(segments!.map((segment) => segment.id)).toEqual([base!.id, expect.any(String)]);
      expect(segments![1]!.count).toBe(1);
      expect(segments![1]!.bytes).toBeLessThan(base!.bytes / 3);
      expect((await search(timeline, { q: 'lighthouse' })).hits.map((hit) => hit.id)).toEqual(['e0']);
      expect((await search(timeline, { q: 'harbour', limit: '100' })).total).toBe(29);

      const oldImage = await rawEvent(timeline, 'e1');
      await events.delete(timeline, 'e1');
      await indexer.handle(streamEvent([streamRecord('REMOVE', { oldImage })]));
      expect((await segmentsOf(timeline))[0]).toHaveLength(3);
      expect((await search(timeline, { q: 'harbour', limit: '100' })).total).toBe(28);
      // Narrow ranges walk a segment's date index: it must skip the superseded copies too.
      expect((await search(timeline, { q: 'harbour', from: '2000', to: '2001' })).total).toBe(0);
      expect((await search(timeline, { from: '2000', to: '2001' })).hits.map((hit) => hit.id)).toEqual(['e0']);
      expect((await search(timeline, { q: 'lighthouse', from: '2000', to: '2000' })).hits.map((hit) => hit.id)).toEqual(['e0']);

      // A fourth segment would pass maxSegments: the three changes so far become one delta beside the base.
      await indexer.handle(streamEvent([streamRecord('MODIFY', { newImage: await upsert(timeline, input('e2', '2002', 'lighthouse two')) })]));
      [segments] = await segmentsOf(timeline);
      expect(segments!.map((segment) => segment.id)).toEqual([base!.id, expect.any(String)]);
      expect(segments![1]!.count).toBe(2);
      expect((await search(timeline, { q: 'lighthouse' })).total).toBe(2);
      expect((await search(timeline, { q: 'harbour', limit: '100' })).total).toBe(27);
      expect((await verifyTimeline(client, config, timeline)).equal).toBe(true);

      // Once the changes outnumber the base's events, the shard is written again as one base.
      const renamed = await Promise.all(Array.from({ length: 29 }, (_, i) => upsert(timeline, input(`n${i}`, `${2000 + i}`, `new ${i}`))));
      await indexer.handle(streamEvent(renamed.map((image) => streamRecord('INSERT', { newImage: image }))));
      [segments] = await segmentsOf(timeline);
      expect(segments).toHaveLength(1);
      expect(segments![0]!.count).toBe(58);
      expect((await search(timeline, { q: 'harbour lighthouse new', limit: '100' })).total).toBe(0);
      expect((await search(timeline, { q: 'new', limit: '100' })).total).toBe(29);
      const report = await verifyTimeline(client, config, timeline);
      expect(report).toMatchObject({ equal: true, orphanChunks: 0 });
    });

    it('gives events past the last date of a full shard a shard of their own, without rewriting it', async () => {
      const timeline = uniqueTimeline('append');
      const indexer = new SearchIndexer(shards, { maxShardDocs: 20 });
      await indexer.handle(streamEvent(await writeAndRecord(timeline, Array.from({ length: 15 }, (_, i) => input(`a${i}`, `2001-01-${String(i + 1).padStart(2, '0')}`, `early ${i}`)))));
      const [first] = (await segmentsOf(timeline))[0]!;
      await indexer.handle(streamEvent(await writeAndRecord(timeline, Array.from({ length: 10 }, (_, i) => input(`b${i}`, `2001-02-${String(i + 1).padStart(2, '0')}`, `late ${i}`)))));
      const manifest = (await shards.getManifest(timeline))!;
      const sorted = Object.values(manifest.shards).sort((a, b) => a.from.localeCompare(b.from));
      expect(sorted.map((shard) => shard.count)).toEqual([15, 10]);
      expect(sorted[0]!.segments.map((segment) => segment.id)).toEqual([first!.id]);
      expect(sorted[0]!.to).toBe(sorted[1]!.from);
      expect((await search(timeline, { q: 'late', limit: '100' })).total).toBe(10);
      expect((await search(timeline, { q: 'early', from: '2001-01', to: '2001-01', limit: '100' })).total).toBe(15);
      expect(await verifyTimeline(client, config, timeline)).toMatchObject({ equal: true, orphanChunks: 0 });
    });
  });

  describe('lanes', () => {
    it('keeps events spanning more than a year in a lane of their own, and moves an event between lanes', async () => {
      const timeline = uniqueTimeline('lanes');
      const indexer = new SearchIndexer(shards);
      const war = EventInput.parse({ id: 'war', date: { start: '1939-09-01', end: '1945-09-02' }, title: 'Second World War' });
      const months = Array.from({ length: 12 }, (_, i) => input(`m${i}`, `1942-${String(i + 1).padStart(2, '0')}-15`, `month ${i} of the war`));
      await indexer.handle(streamEvent(await writeAndRecord(timeline, [war, ...months])));
      const lanes = Object.values((await shards.getManifest(timeline))!.shards).map(({ lane, count, maxEnd }) => ({ lane, count, maxEnd }));
      expect(lanes.sort((a, b) => a.lane.localeCompare(b.lane))).toEqual([
        { lane: 'long', count: 1, maxEnd: expect.stringMatching(/^11945-09-02/) },
        { lane: 'main', count: 12, maxEnd: expect.stringMatching(/^11942-12-15/) },
      ]);
      expect((await search(timeline, { q: 'war', from: '1942-06', to: '1942-06', sort: 'date' })).hits.map((hit) => hit.id)).toEqual(['war', 'm5']);

      const before = await rawEvent(timeline, 'war');
      await events.put(timeline, EventInput.parse({ id: 'war', date: '1939-09-01', title: 'Second World War begins' }));
      await indexer.handle(streamEvent([streamRecord('MODIFY', { oldImage: before, newImage: await rawEvent(timeline, 'war') })]));
      expect((await search(timeline, { q: 'begins' })).hits.map((hit) => hit.id)).toEqual(['war']);
      expect((await search(timeline, { q: 'war', from: '1942-06', to: '1942-06' })).hits.map((hit) => hit.id)).toEqual(['m5']);
      expect(await verifyTimeline(client, config, timeline)).toMatchObject({ equal: true, indexed: 13 });
    });
  });

  describe('lanes, racing', () => {
    it('gives the long lane one first shard when two indexers add it at once', async () => {
      const timeline = uniqueTimeline('lane-race');
      const [a, b] = [new SearchIndexer(shards), new SearchIndexer(shards)];
      const spans = (prefix: string) => Array.from({ length: 5 }, (_, i) => EventInput.parse({ id: `${prefix}${i}`, date: { start: `${1900 + i}`, end: `${1950 + i}` }, title: `era ${prefix} ${i}` }));
      const [first, second] = await Promise.all([writeAndRecord(timeline, spans('a')), writeAndRecord(timeline, spans('b'))]);
      const results = await Promise.all([a.handle(streamEvent(first!)), b.handle(streamEvent(second!))]);
      expect(results.flatMap((result) => result.batchItemFailures)).toEqual([]);
      const long = Object.values((await shards.getManifest(timeline))!.shards).filter((shard) => shard.lane === 'long');
      expect(long.map((shard) => shard.count)).toEqual([10]);
      expect((await search(timeline, { q: 'era', limit: '100' })).total).toBe(10);
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

    it('replaces an index in an earlier format, which the store names as outdated', async () => {
      const timeline = uniqueTimeline('upgrade');
      await events.putMany(timeline, [input('a', '1999', 'older format')]);
      // The manifest of the previous release: shard versions, no segments, no lanes.
      const old = { id: 'abc', from: '0', to: '~', version: 3, count: 1, bytes: 100, chunks: 1 };
      await client.send(new PutItemCommand({ TableName: config.INDEX_TABLE_NAME, Item: marshall({ pk: 'MANIFEST', sk: timeline, timeline, shards: { abc: old } }) }));
      expect(await shards.outdatedTimelines()).toContain(timeline);
      const { reindexTimeline } = await import('../../../lib/search/reindex');
      await reindexTimeline(events, new SearchIndexer(shards), timeline);
      expect(await shards.outdatedTimelines()).not.toContain(timeline);
      expect((await search(timeline, { q: 'format' })).total).toBe(1);
    });

    it('names as outdated an index whose segments are stored as JSON, from before the binary segment format', async () => {
      const timeline = uniqueTimeline('json-segments');
      await events.putMany(timeline, [input('a', '1999', 'segments of JSON')]);
      const indexer = new SearchIndexer(shards);
      const { reindexTimeline } = await import('../../../lib/search/reindex');
      await reindexTimeline(events, indexer, timeline);
      const { format, ...unversioned } = (await shards.getManifest(timeline, true))!;
      expect(format).toBe(SEGMENT_FORMAT);
      await client.send(new PutItemCommand({ TableName: config.INDEX_TABLE_NAME, Item: marshall({ pk: 'MANIFEST', sk: timeline, ...unversioned }, { removeUndefinedValues: true }) }));
      expect(await shards.outdatedTimelines()).toContain(timeline);
      await reindexTimeline(events, indexer, timeline);
      expect(await shards.outdatedTimelines()).not.toContain(timeline);
      expect((await search(timeline, { q: 'json' })).total).toBe(1);
    });

    it('names as outdated an index of the format before, whose segments held their texts', async () => {
      const timeline = uniqueTimeline('texts-within');
      await events.putMany(timeline, [input('a', '1999', 'texts within segments')]);
      const indexer = new SearchIndexer(shards);
      const { reindexTimeline } = await import('../../../lib/search/reindex');
      await reindexTimeline(events, indexer, timeline);
      const manifest = (await shards.getManifest(timeline, true))!;
      await client.send(new PutItemCommand({ TableName: config.INDEX_TABLE_NAME, Item: marshall({ pk: 'MANIFEST', sk: timeline, ...manifest, format: SEGMENT_FORMAT - 1 }, { removeUndefinedValues: true }) }));
      expect(await shards.outdatedTimelines()).toContain(timeline);
      const error = await shards.getManifest(timeline).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OutdatedIndexError);
      expect((error as Error).message).toContain(`is in segment format ${SEGMENT_FORMAT - 1}, and this release reads format ${SEGMENT_FORMAT}`);
      await reindexTimeline(events, indexer, timeline);
      expect(await shards.outdatedTimelines()).not.toContain(timeline);
      expect((await search(timeline, { q: 'within' })).total).toBe(1);
    });
  });
});
