import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../lib/app';
import type { Config } from '../../lib/config';
import { AWS_TIMEOUTS, createDynamoClient } from '../../lib/dynamo-client';
import { freePort } from '../../lib/dynamodb-local';
import { EventInput } from '../../lib/event-schema';
import { EventStore } from '../../lib/event-store';
import { SearchIndexer } from '../../lib/search/indexer';
import { ShardStore } from '../../lib/search/shard-store';
import { formatReport, verifyTimeline } from '../../lib/search/verify';
import { testConfig, uniqueTimeline } from '../helpers/dynamo';
import { startFaultProxy, type DynamoRequestBody, type FaultProxy } from '../helpers/fault-proxy';
import { call } from '../helpers/http';
import { rawEvent, streamEvent, streamRecord } from '../helpers/stream-records';
import { recordsOf, startIndexerPoller } from './pollers';

const config = testConfig();
const direct = createDynamoClient(config);
const reader = createApp({ config, client: direct });
let proxy: FaultProxy;
let faulty: { config: Config; client: DynamoDBClient; app: ReturnType<typeof createApp> };

beforeAll(async () => {
  proxy = await startFaultProxy(config.DYNAMODB_ENDPOINT!);
  // The app with the client it has in AWS (timeouts, retries), and a faulty network between it and DynamoDB Local.
  const proxied = { ...config, DYNAMODB_ENDPOINT: proxy.endpoint };
  const client = createDynamoClient(proxied, AWS_TIMEOUTS);
  faulty = { config: proxied, client, app: createApp({ config: proxied, client }) };
});
afterEach(() => proxy.clear());
afterAll(async () => {
  faulty.client.destroy();
  direct.destroy();
  await proxy.close();
});

describe('event writes through a faulty DynamoDB', () => {
  it('retries throttled batch writes and writes every event', async () => {
    const timeline = uniqueTimeline('throttled');
    const rule = proxy.inject({ operation: 'BatchWriteItem', match: itemsOf(timeline), fault: { kind: 'throttle' }, times: 2 });
    const batch = events(60);
    const posted = await call(faulty.app, 'POST', `/v1/timelines/${timeline}/events`, batch);
    expect(posted.status).toBe(201);
    expect(posted.body.created).toHaveLength(60);
    expect(rule.hits).toBe(2);
    expect(await written(timeline, batch)).toEqual({ whole: 60, absent: 0 });
  });

  it('re-sends the items DynamoDB left unprocessed until all are written', async () => {
    const timeline = uniqueTimeline('unprocessed');
    const rule = proxy.inject({ operation: 'BatchWriteItem', match: itemsOf(timeline), fault: { kind: 'unprocessed' }, times: 6 });
    const batch = events(100);
    expect((await call(faulty.app, 'POST', `/v1/timelines/${timeline}/events`, batch)).status).toBe(201);
    expect(rule.hits).toBe(6);
    expect(await written(timeline, batch)).toEqual({ whole: 100, absent: 0 });
  });

  it('answers 503 with Retry-After when DynamoDB keeps leaving items unprocessed; what it wrote is whole', async () => {
    const timeline = uniqueTimeline('never-processed');
    const rule = proxy.inject({ operation: 'BatchWriteItem', match: itemsOf(timeline), fault: { kind: 'unprocessed' } });
    const batch = events(25);
    const refused = await call(faulty.app, 'POST', `/v1/timelines/${timeline}/events`, batch);
    expect([refused.status, refused.headers.get('retry-after'), refused.body.detail]).toEqual([503, '2', 'DynamoDB left 1 items unprocessed after 8 attempts']);
    // Each round wrote half of what was left: 12, 6, 3, 2, 1 of the 25, then nothing of the last one.
    expect(rule.hits).toBe(8);
    expect(await written(timeline, batch)).toEqual({ whole: 24, absent: 1 });
  }, 30_000);

  it.each([500, 503] as const)('retries a %i from DynamoDB', async (status) => {
    const timeline = uniqueTimeline(`status-${status}`);
    const rule = proxy.inject({ operation: 'Query', match: versionsOf(timeline), fault: { kind: 'status', status }, times: 2 });
    expect((await call(faulty.app, 'POST', `/v1/timelines/${timeline}/events`, events(3))).status).toBe(201);
    expect(rule.hits).toBe(2);
  });

  it('retries an answer slower than the client timeout', async () => {
    const timeline = uniqueTimeline('slow');
    const rule = proxy.inject({ operation: 'Query', match: versionsOf(timeline), fault: { kind: 'delay', ms: 10_000 }, times: 1 });
    const started = performance.now();
    expect((await call(faulty.app, 'POST', `/v1/timelines/${timeline}/events`, events(3))).status).toBe(201);
    expect(rule.hits).toBe(1);
    // Given up after 2 s of silence and sent again, long before the 10 s the proxy held the request.
    expect(performance.now() - started).toBeLessThan(8_000);
  });

  it('answers 503 with Retry-After when throttling outlasts the retries; each event is whole or absent; re-sending completes the batch', async () => {
    const timeline = uniqueTimeline('overloaded');
    const indexer = await startIndexerPoller(config, { only: recordsOf(timeline) });
    try {
      const batch = events(200);
      // Two of the eight 25-item writes stay throttled whatever the client does.
      const hot = new Set([batch[50]!.id, batch[125]!.id]);
      proxy.inject({ operation: 'BatchWriteItem', match: (body) => putIds(body).some((id) => hot.has(id)), fault: { kind: 'throttle' } });
      const refused = await call(faulty.app, 'POST', `/v1/timelines/${timeline}/events`, batch);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('content-type')).toBe('application/problem+json');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await written(timeline, batch)).toEqual({ whole: 150, absent: 50 });

      proxy.clear();
      const resent = await call(faulty.app, 'POST', `/v1/timelines/${timeline}/events`, batch);
      expect(resent.status).toBe(201);
      expect([resent.body.created.length, resent.body.unchanged.length]).toEqual([50, 150]);
      expect(await written(timeline, batch)).toEqual({ whole: 200, absent: 0 });
      await indexer.drain();
      const report = await verifyTimeline(direct, config, timeline);
      expect(report.equal, formatReport(report)).toBe(true);
      expect(report.indexed).toBe(200);
    } finally {
      await indexer.stop();
    }
  }, 60_000);

  it('answers 503 with Retry-After, not 500, while DynamoDB is unreachable', async () => {
    const down = { ...config, DYNAMODB_ENDPOINT: `http://127.0.0.1:${await freePort()}` };
    const client = createDynamoClient(down, AWS_TIMEOUTS);
    const app = createApp({ config: down, client });
    try {
      for (const [method, path, body] of [
        ['GET', '/v1/timelines/anything/events/x', undefined],
        ['POST', '/v1/timelines/anything/events', events(2)],
        ['GET', '/v1/timelines/anything/search?q=harbour', undefined],
      ] as const) {
        const answer = await call(app, method, path, body);
        expect([answer.status, answer.headers.get('retry-after'), answer.body.title]).toEqual([503, '1', 'Service unavailable']);
      }
    } finally {
      client.destroy();
    }
  });

  it('keeps a PUT whose answer was lost as the write it was, not a 409', async () => {
    const timeline = uniqueTimeline('lost-answer');
    // The first attempt lands and its answer is lost; the SDK's retry then fails its own condition.
    const rule = proxy.inject({ operation: 'PutItem', match: (body) => body.Item?.pk?.S === `TL#${timeline}`, fault: { kind: 'drop-response' }, times: 2 });
    const created = await call(faulty.app, 'PUT', `/v1/timelines/${timeline}/events/ides`, { date: '-0043-03-15', title: 'Caesar assassinated' });
    expect(created.status).toBe(201);
    const replaced = await call(faulty.app, 'PUT', `/v1/timelines/${timeline}/events/ides`, { date: '-0043-03-15', title: 'Caesar is assassinated' });
    expect(replaced.status).toBe(200);
    expect(rule.hits).toBe(2);
    expect((await call(reader, 'GET', `/v1/timelines/${timeline}/events/ides`)).body.title).toBe('Caesar is assassinated');
  });
});

describe('indexing through a faulty DynamoDB', () => {
  it('keeps a shard commit whose answer was lost instead of deleting what it committed', async () => {
    const timeline = uniqueTimeline('lost-commit');
    const records = await writeAndRecord(timeline, 20);
    const rule = proxy.inject({ operation: 'UpdateItem', match: manifestOf(timeline), fault: { kind: 'drop-response' }, times: 1 });
    const indexer = new SearchIndexer(new ShardStore(faulty.client, config.INDEX_TABLE_NAME));
    expect(await indexer.handle(streamEvent(records))).toEqual({ batchItemFailures: [] });
    expect(rule.hits).toBe(1);
    const report = await verifyTimeline(direct, config, timeline);
    expect(report.equal, formatReport(report)).toBe(true);
    expect((await call(reader, 'GET', `/v1/timelines/${timeline}/search?q=harbour`)).body.total).toBe(20);
  });

  it('indexes everything through throttled chunk writes, lost batch answers and failing commits', async () => {
    const timeline = uniqueTimeline('faulty-index');
    const records = await writeAndRecord(timeline, 40);
    const chunks = (body: DynamoRequestBody) => putKeys(body).some((item) => item.pk === `TL#${timeline}` && item.sk.startsWith('SHARD#'));
    const rules = [
      proxy.inject({ operation: 'BatchWriteItem', match: chunks, fault: { kind: 'throttle' }, times: 2 }),
      proxy.inject({ operation: 'BatchWriteItem', match: chunks, fault: { kind: 'drop-response' }, times: 1 }),
      proxy.inject({ operation: 'UpdateItem', match: manifestOf(timeline), fault: { kind: 'status', status: 500 }, times: 2 }),
    ];
    const indexer = new SearchIndexer(new ShardStore(faulty.client, config.INDEX_TABLE_NAME), { maxShardDocs: 15 });
    expect(await indexer.handle(streamEvent(records))).toEqual({ batchItemFailures: [] });
    expect(rules.map((rule) => rule.hits)).toEqual([2, 1, 2]);
    const report = await verifyTimeline(direct, config, timeline);
    expect(report.equal, formatReport(report)).toBe(true);
    expect(report.shards).toBeGreaterThan(1);
  });
});

function events(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    id: `e${String(i).padStart(4, '0')}`,
    date: `${1900 + (i % 120)}-${String(1 + (i % 12)).padStart(2, '0')}`,
    title: `harbour report ${i}`,
    text: `convoy ${i} reached the harbour`,
    tags: [`t${i % 5}`],
  }));
}

/** How many of the posted events are stored exactly as posted, and how many are absent; anything else fails. */
async function written(timeline: string, batch: ReturnType<typeof events>): Promise<{ whole: number; absent: number }> {
  const counts = { whole: 0, absent: 0 };
  for (const input of batch) {
    const { status, body } = await call(reader, 'GET', `/v1/timelines/${timeline}/events/${input.id}`);
    if (status === 404) counts.absent += 1;
    else {
      expect({ status, title: body.title, text: body.text, start: body.date.start, tags: body.tags }).toEqual({
        status: 200,
        title: input.title,
        text: input.text,
        start: input.date,
        tags: input.tags,
      });
      counts.whole += 1;
    }
  }
  return counts;
}

async function writeAndRecord(timeline: string, count: number) {
  const inputs = events(count).map((event) => EventInput.parse(event));
  await new EventStore(direct, config.TABLE_NAME).putMany(timeline, inputs);
  return Promise.all(inputs.map(async (input) => streamRecord('INSERT', { newImage: await rawEvent(timeline, input.id!) })));
}

function putKeys(body: DynamoRequestBody): { pk: string; sk: string }[] {
  const requests = Object.values(body.RequestItems ?? {})[0] as { PutRequest?: { Item: Record<string, { S?: string }> } }[] | undefined;
  return (requests ?? []).flatMap((request) => (request.PutRequest ? [{ pk: request.PutRequest.Item.pk?.S ?? '', sk: request.PutRequest.Item.sk?.S ?? '' }] : []));
}

function putIds(body: DynamoRequestBody): string[] {
  return putKeys(body).map((key) => key.sk.replace(/^EV#/, ''));
}

function itemsOf(timeline: string): (body: DynamoRequestBody) => boolean {
  return (body) => putKeys(body).some((key) => key.pk === `TL#${timeline}`);
}

/** The read of current versions a batch write starts with: a Query of the timeline's events. */
function versionsOf(timeline: string): (body: DynamoRequestBody) => boolean {
  return (body) => body.ExpressionAttributeValues?.[':pk']?.S === `TL#${timeline}`;
}

function manifestOf(timeline: string): (body: DynamoRequestBody) => boolean {
  return (body) => body.Key?.pk?.S === 'MANIFEST' && body.Key?.sk?.S === timeline;
}
