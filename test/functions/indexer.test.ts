import { describe, expect, it } from 'vitest';
import { EventInput } from '../../lib/event-schema';
import { EventStore } from '../../lib/event-store';
import { SearchService } from '../../lib/search/search-service';
import { SearchQuery } from '../../lib/search/search-schema';
import { ShardStore } from '../../lib/search/shard-store';
import { testClient, testConfig, uniqueTimeline } from '../helpers/dynamo';
import { rawEvent, streamEvent, streamRecord } from '../helpers/stream-records';

// The handler builds its indexer from the environment at import, as it does in Lambda.
const config = testConfig();
process.env.DYNAMODB_ENDPOINT = config.DYNAMODB_ENDPOINT;
process.env.TABLE_NAME = config.TABLE_NAME;
const { handler } = await import('../../functions/indexer');

const client = testClient();
const events = new EventStore(client, config.TABLE_NAME);
const search = new SearchService(new ShardStore(client, config.INDEX_TABLE_NAME));

describe('functions/indexer handler', () => {
  it('indexes a DynamoDB Streams batch and reports only the record it could not read', async () => {
    const timeline = uniqueTimeline('fn-indexer');
    await events.putMany(timeline, [EventInput.parse({ id: 'moskva', date: '2022-04-14', title: 'Cruiser Moskva sinks', places: ['Black Sea'] })]);
    const insert = streamRecord('INSERT', { newImage: await rawEvent(timeline, 'moskva') });
    const broken = streamRecord('INSERT', { newImage: { pk: { S: `TL#${timeline}` }, sk: { S: 'EV#broken' }, id: { S: 'broken' } } });

    const result = await handler(streamEvent([insert, broken]));

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: broken.dynamodb!.SequenceNumber }] });
    const found = await search.search(timeline, SearchQuery.parse({ q: 'moskva', place: 'Black Sea' }));
    expect(found.hits.map((hit) => hit.id)).toEqual(['moskva']);
  });
});
