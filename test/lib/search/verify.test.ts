import { BatchWriteItemCommand, DeleteItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { EventInput } from '../../../lib/event-schema';
import { EventStore } from '../../../lib/event-store';
import { SearchIndexer } from '../../../lib/search/indexer';
import { reindexTimeline } from '../../../lib/search/reindex';
import { ShardStore } from '../../../lib/search/shard-store';
import { toIndexedDoc } from '../../../lib/search/shard';
import { spanKeys } from '../../../lib/event-schema';
import { formatReport, verifyTimeline } from '../../../lib/search/verify';
import { testClient, testConfig, uniqueTimeline } from '../../helpers/dynamo';

const client = testClient();
const config = testConfig();
const table = config.TABLE_NAME;
const indexTable = config.INDEX_TABLE_NAME;
const events = new EventStore(client, table);
const shards = new ShardStore(client, indexTable);
const input = (id: string, date: string, title: string) => EventInput.parse({ id, date, title, text: `${title} text` });
const verify = (timeline: string) => verifyTimeline(client, config, timeline);

afterAll(() => client.destroy());

/** A timeline of `count` events, indexed from the table. */
async function indexed(prefix: string, count: number, maxShardDocs = 3000): Promise<{ timeline: string; indexer: SearchIndexer }> {
  const timeline = uniqueTimeline(prefix);
  await events.putMany(timeline, Array.from({ length: count }, (_, i) => input(`e${i}`, `${2000 + i}`, `event ${i}`)));
  const indexer = new SearchIndexer(shards, { maxShardDocs });
  await reindexTimeline(events, indexer, timeline);
  return { timeline, indexer };
}

describe('verifyTimeline', () => {
  it('reports equal when the index holds exactly the table', async () => {
    const { timeline } = await indexed('verify-equal', 30, 12);
    const report = await verify(timeline);
    expect(report).toMatchObject({ timeline, events: 30, indexed: 30, missing: [], extra: [], stale: [], unreadable: [], shardProblems: [], orphanChunks: 0, equal: true });
    expect(report.shards).toBeGreaterThan(1);
    expect(formatReport(report)).toBe(`${timeline}: 30 events in the table, 30 in the index (${report.shards} shards): equal`);
  });

  it('reports an empty timeline as equal', async () => {
    expect(await verify(uniqueTimeline('verify-empty'))).toMatchObject({ events: 0, indexed: 0, shards: 0, equal: true });
  });

  it('reports events the index is missing and indexed events the table no longer holds', async () => {
    const { timeline } = await indexed('verify-missing', 5);
    await events.putMany(timeline, [input('late-1', '2022', 'written after the rebuild'), input('late-2', '2023', 'also late')]);
    await client.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: `TL#${timeline}` }, sk: { S: 'EV#e3' } } }));
    const report = await verify(timeline);
    expect(report).toMatchObject({ events: 6, indexed: 5, missing: ['late-1', 'late-2'], extra: ['e3'], stale: [], equal: false });
  });

  it('reports stale entries: another revision, other date keys, or other content at the same revision', async () => {
    const { timeline, indexer } = await indexed('verify-stale', 4);
    await events.put(timeline, input('e0', '1999-12-31', 'event 0 moved'));
    // Same revision, other content: what an indexer bug would leave.
    const e1 = await events.get(timeline, 'e1');
    await indexer.apply(timeline, [{ kind: 'upsert', doc: toIndexedDoc({ ...e1, title: 'tampered' }, { ...spanKeys(e1.date), rev: 1 }) }]);
    const report = await verify(timeline);
    expect(report.stale).toEqual([
      {
        id: 'e0',
        fields: ['title', 'text', 'start', 'precision', 'display', 'startKey', 'endKey', 'rev'],
        table: { rev: 2, startKey: '11999-12-31T00:00:00', endKey: '11999-12-31T23:59:59' },
        index: { rev: 1, startKey: '12000-01-01T00:00:00', endKey: '12000-12-31T23:59:59' },
      },
      { id: 'e1', fields: ['title'], table: { rev: 1, startKey: '12001-01-01T00:00:00', endKey: '12001-12-31T23:59:59' }, index: { rev: 1, startKey: '12001-01-01T00:00:00', endKey: '12001-12-31T23:59:59' } },
    ]);
    expect(formatReport(report)).toContain('stale (indexed at another revision or content): e0 (rev 2 in the table, 1 in the index; title, text,');
  });

  it('reports table items the indexer cannot read, apart from missing ones', async () => {
    const { timeline } = await indexed('verify-unreadable', 2);
    await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: `TL#${timeline}` }, sk: { S: 'EV#broken' }, id: { S: 'broken' }, title: { N: '7' } } }));
    const report = await verify(timeline);
    expect(report).toMatchObject({ events: 3, indexed: 2, missing: [], equal: false });
    expect(report.unreadable.map((item) => item.id)).toEqual(['broken']);
    expect(report.unreadable[0]!.error).toContain('title');
  });

  it('reports a shard whose chunks are gone, and counts chunks no manifest names', async () => {
    const { timeline } = await indexed('verify-broken', 3);
    const chunks = await shardChunks(timeline);
    await client.send(new DeleteItemCommand({ TableName: indexTable, Key: { pk: { S: `TL#${timeline}` }, sk: { S: chunks[0]! } } }));
    await client.send(
      new BatchWriteItemCommand({ RequestItems: { [indexTable]: [{ PutRequest: { Item: { pk: { S: `TL#${timeline}` }, sk: { S: 'SHARD#deadbeef0000#i0000' }, data: { B: new Uint8Array([1]) } } } }] } }),
    );
    const report = await verify(timeline);
    expect(report.shardProblems).toHaveLength(1);
    expect(report.shardProblems[0]).toMatch(/^shard [\w-]+ v1 cannot be read: segment \w+ has 0 of 1 index chunks$/);
    expect(report).toMatchObject({ indexed: 0, missing: ['e0', 'e1', 'e2'], orphanChunks: 1, equal: false });
    expect(formatReport(report)).toContain(`Rebuild the index from the table with: npm run reindex -- ${timeline}`);
  });

  it('reports a manifest whose shards do not cover every date', async () => {
    const { timeline } = await indexed('verify-gap', 20, 8);
    const manifest = (await shards.getManifest(timeline, true))!;
    const [first, ...rest] = Object.values(manifest.shards).sort((a, b) => a.from.localeCompare(b.from));
    await shards.putManifest({ ...manifest, shards: Object.fromEntries(rest.map((shard) => [shard.id, shard])) });
    const report = await verify(timeline);
    expect(report.shardProblems).toEqual([`shard ${rest[0]!.id} starts at ${rest[0]!.from}, expected 0 (a gap or an overlap)`]);
    expect(report.missing).toHaveLength(first!.count);
  });
});

async function shardChunks(timeline: string): Promise<string[]> {
  const out = await client.send(
    new QueryCommand({
      TableName: indexTable,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :shard)',
      ExpressionAttributeValues: { ':pk': { S: `TL#${timeline}` }, ':shard': { S: 'SHARD#' } },
      ProjectionExpression: 'sk',
    }),
  );
  return (out.Items ?? []).map((item) => item.sk!.S!);
}
