import { DeleteTableCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventInput } from '../../../lib/event-schema';
import { EventStore } from '../../../lib/event-store';
import { SearchIndexer } from '../../../lib/search/indexer';
import { reindexTimeline } from '../../../lib/search/reindex';
import { SearchQuery } from '../../../lib/search/search-schema';
import { SearchService } from '../../../lib/search/search-service';
import { ShardStore } from '../../../lib/search/shard-store';
import { upgradeIndexes } from '../../../lib/search/upgrade';
import { verifyTimeline } from '../../../lib/search/verify';
import { ensureTable, eventTableDefinition, indexTableDefinition, type Tables } from '../../../lib/table';
import { testClient } from '../../helpers/dynamo';

// Tables of its own: an upgrade rebuilds every outdated index it finds, and other files leave some in the shared ones.
const name = `upgrade-${randomUUID().slice(0, 8)}`;
const tables: Tables = { TABLE_NAME: name, INDEX_TABLE_NAME: `${name}-index` };
const client = testClient();
const events = new EventStore(client, tables.TABLE_NAME);
const index = new ShardStore(client, tables.INDEX_TABLE_NAME);
// Where an index lived before it had a table of its own.
const legacy = new ShardStore(client, tables.TABLE_NAME);

const input = (id: string, date: string, title: string) => EventInput.parse({ id, date, title, text: `${title}, as reported` });
const search = (timeline: string, q: string) => new SearchService(index).search(timeline, SearchQuery.parse({ q }));

beforeAll(async () => {
  // No stream: nothing reads it here, and DynamoDB Local slows down with each stream-enabled table.
  const { StreamSpecification: _, ...events } = eventTableDefinition(tables.TABLE_NAME);
  await ensureTable(client, events);
  await ensureTable(client, indexTableDefinition(tables.INDEX_TABLE_NAME));
});

afterAll(async () => {
  for (const TableName of [tables.TABLE_NAME, tables.INDEX_TABLE_NAME]) await client.send(new DeleteTableCommand({ TableName }));
  client.destroy();
});

describe('upgradeIndexes', () => {
  it('moves an index kept in the events table into the index table, and rebuilds one of an earlier format', async () => {
    await events.putMany('moved', Array.from({ length: 12 }, (_, i) => input(`m${i}`, `2020-0${1 + (i % 9)}-01`, `Harbour strike ${i}`)));
    await reindexTimeline(events, new SearchIndexer(legacy), 'moved');
    await events.putMany('outdated', [input('o1', '1999', 'Older format')]);
    const old = { id: 'abc', from: '0', to: '~', version: 3, count: 1, bytes: 100, chunks: 1 };
    await client.send(new PutItemCommand({ TableName: tables.INDEX_TABLE_NAME, Item: marshall({ pk: 'MANIFEST', sk: 'outdated', timeline: 'outdated', shards: { abc: old } }) }));
    expect((await search('moved', 'harbour')).total).toBe(0);

    const upgraded = await upgradeIndexes(client, tables, events);

    expect(upgraded).toEqual([
      { timeline: 'moved', reason: 'moved', events: 12, shards: expect.any(Number) },
      { timeline: 'outdated', reason: 'outdated', events: 1, shards: 1 },
    ]);
    expect((await search('moved', 'harbour')).total).toBe(12);
    expect((await search('outdated', 'format')).total).toBe(1);
    expect(await verifyTimeline(client, tables, 'moved')).toMatchObject({ equal: true, orphanChunks: 0 });
  });

  it('leaves no index item behind in the events table, and keeps every event', async () => {
    expect(await legacy.timelines()).toEqual([]);
    const items = await client.send(
      new QueryCommand({ TableName: tables.TABLE_NAME, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: marshall({ ':pk': 'TL#moved' }), ProjectionExpression: 'sk' }),
    );
    const sortKeys = (items.Items ?? []).map((item) => item.sk?.S ?? '');
    expect(sortKeys.filter((sk) => sk.startsWith('SHARD#'))).toEqual([]);
    expect(sortKeys.filter((sk) => sk.startsWith('EV#'))).toHaveLength(12);
  });

  it('does nothing on a second run', async () => {
    expect(await upgradeIndexes(client, tables, events)).toEqual([]);
  });
});
