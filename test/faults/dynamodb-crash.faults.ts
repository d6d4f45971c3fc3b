// `npm run test:faults`: DynamoDB Local crashed (SIGKILL), restarted on its data folder, and hung (SIGSTOP),
// under a bulk ingest through the API and under the stream indexer. Slow (each restart takes seconds), so not in `npm test`.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../lib/app';
import { loadConfig, type Config } from '../../lib/config';
import { AWS_TIMEOUTS, createDynamoClient } from '../../lib/dynamo-client';
import { EventStore } from '../../lib/event-store';
import { SearchIndexer } from '../../lib/search/indexer';
import { reindexTimeline } from '../../lib/search/reindex';
import { ShardStore } from '../../lib/search/shard-store';
import { formatReport, verifyTimeline } from '../../lib/search/verify';
import { ensureTables } from '../../lib/table';
import { startPersistentDynamoDb, type PersistentDynamoDb } from '../helpers/dynamodb-server';
import { startFaultProxy, type DynamoRequestBody, type FaultProxy } from '../helpers/fault-proxy';
import { call } from '../helpers/http';
import { createIndexerPoller, recordsOf, type IndexerPoller } from './pollers';

const KEY = 'faults-key';
let db: PersistentDynamoDb;
let proxy: FaultProxy;
/** Everything the service runs goes through the proxy, so a rule can crash DynamoDB at an exact request. */
let config: Config;
let direct: DynamoDBClient;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  db = await startPersistentDynamoDb();
  proxy = await startFaultProxy(db.endpoint);
  config = loadConfig({ DYNAMODB_ENDPOINT: proxy.endpoint, TABLE_NAME: 'timeline-search-faults', API_KEYS: KEY, LOG_LEVEL: 'silent' });
  direct = createDynamoClient({ ...config, DYNAMODB_ENDPOINT: db.endpoint });
  await ensureTables(direct, config);
}, 120_000);
afterEach(async () => {
  proxy.clear();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  direct?.destroy();
  await proxy?.close();
  await db?.destroy();
});

describe('DynamoDB Local killed and restarted on its data', () => {
  it('in the middle of a bulk ingest: every acknowledged event is in the table, the client retries the rest, the index converges', async () => {
    const timeline = 'crash-ingest';
    const logs = quietErrors();
    const failed: DynamoDBRecord[] = [];
    const indexer = await startIndexer(timeline, { onFailure: (records) => void failed.push(...records) });
    const crash = crashOn({ operation: 'BatchWriteItem', match: (body) => writesTo(body, timeline), after: 6 });
    const app = createApp({ config });
    const batches = Array.from({ length: 20 }, (_, b) => events(`b${b}`, 50));

    const { acknowledged, statuses } = await ingest(app, timeline, batches, 4);
    await crash.restarted;

    // The crash hit writes in flight: they were answered 503 (never 500) and sent again by the client.
    expect(statuses.filter((status) => status === 503).length).toBeGreaterThan(0);
    expect(statuses.every((status) => [200, 201, 503].includes(status))).toBe(true);
    expect(crash.inFlight).toBeGreaterThan(1);
    const stored = await storedEvents(timeline);
    expect(acknowledged.size).toBe(1000);
    for (const [id, event] of acknowledged) expect(stored.get(id), id).toEqual(event);

    await indexer.drain(120_000);
    const report = await verifyTimeline(direct, config, timeline);
    expect(report.equal, formatReport(report)).toBe(true);
    expect(report.indexed).toBe(1000);
    expect(failed).toEqual([]);
    // The indexer failed while DynamoDB was down (in a handler call or in a stream read, depending on where the
    // crash caught it), and retried from its checkpoint until it was back.
    expect(logs()).toMatch(/index update failed|stream shard read failed/);
  }, 180_000);

  it('in the middle of an indexer batch, just after a shard commit landed: the poller resumes from its checkpoint and the index converges', async () => {
    const timeline = 'crash-indexer';
    quietErrors();
    const app = createApp({ config });
    for (let b = 0; b < 6; b += 1) expect((await call(app, 'POST', `/v1/timelines/${timeline}/events`, events(`b${b}`, 100), { key: KEY })).status).toBe(201);
    const failed: DynamoDBRecord[] = [];
    // DynamoDB applies the indexer's first shard commit and dies before the indexer hears back.
    const crash = crashOn({ operation: 'UpdateItem', match: (body) => body.Key?.pk?.S === 'MANIFEST' && body.Key?.sk?.S === timeline, after: 0 });
    const indexer = createIndexerPoller(config, {
      only: recordsOf(timeline),
      startingPosition: 'TRIM_HORIZON',
      batchSize: 1000,
      maxShardDocs: 200,
      maxRetries: 20,
      retryDelayMs: 100,
      onFailure: (records) => void failed.push(...records),
    });
    cleanups.push(() => indexer.stop());
    indexer.poller.start();
    await crash.restarted;
    // More writes after the restart: the indexer takes them up after the batch it was in.
    expect((await call(app, 'POST', `/v1/timelines/${timeline}/events`, events('after', 100), { key: KEY })).status).toBe(201);
    await indexer.drain(120_000);

    const report = await verifyTimeline(direct, config, timeline);
    expect(report.equal, formatReport(report)).toBe(true);
    expect(report.indexed).toBe(700);
    expect(failed).toEqual([]);
  }, 180_000);

  it('when the indexer gives up during the outage, verify names what is missing and a reindex closes the gap', async () => {
    const timeline = 'crash-give-up';
    quietErrors();
    const app = createApp({ config });
    expect((await call(app, 'POST', `/v1/timelines/${timeline}/events`, events('e', 20), { key: KEY })).status).toBe(201);
    const failed: DynamoDBRecord[] = [];
    // The indexer's first chunk write crashes DynamoDB; with no retries left the batch goes to the failure path (the DLQ in AWS).
    const crash = crashOn({ operation: 'BatchWriteItem', match: (body) => writesTo(body, timeline, 'SHARD#'), after: 0 });
    const indexer = createIndexerPoller(config, {
      only: recordsOf(timeline),
      startingPosition: 'TRIM_HORIZON',
      maxRetries: 0,
      onFailure: (records) => void failed.push(...records),
    });
    cleanups.push(() => indexer.stop());
    indexer.poller.start();
    await crash.restarted;
    await indexer.drain(120_000);

    const gap = await verifyTimeline(direct, config, timeline);
    const given = failed.map((record) => record.dynamodb?.Keys?.sk?.S?.slice('EV#'.length));
    expect(gap.equal).toBe(false);
    expect(gap.missing.length).toBeGreaterThan(0);
    expect(given).toEqual(expect.arrayContaining(gap.missing));
    await reindexTimeline(new EventStore(direct, config.TABLE_NAME), new SearchIndexer(new ShardStore(direct, config.INDEX_TABLE_NAME)), timeline);
    const closed = await verifyTimeline(direct, config, timeline);
    expect(closed.equal, formatReport(closed)).toBe(true);
    expect(closed.indexed).toBe(20);
  }, 180_000);
});

describe('DynamoDB Local hung (SIGSTOP)', () => {
  it('answers 503 with Retry-After within the API function timeout; the client re-sends once it is back and nothing is lost', async () => {
    const timeline = 'hung';
    // The client as the API has it in AWS; against DynamoDB Local it would wait longer (LOCAL_TIMEOUTS).
    const client = createDynamoClient(config, AWS_TIMEOUTS);
    cleanups.push(async () => client.destroy());
    const app = createApp({ config, client });
    const batch = events('h', 50);
    db.pause();
    let resumed = false;
    try {
      const started = performance.now();
      const [write, read] = await Promise.all([
        call(app, 'POST', `/v1/timelines/${timeline}/events`, batch, { key: KEY }),
        call(app, 'GET', `/v1/timelines/${timeline}/search?q=harbour`),
      ]);
      const took = performance.now() - started;
      for (const answer of [write, read]) {
        expect([answer.status, answer.headers.get('retry-after'), answer.headers.get('content-type')]).toEqual([503, '1', 'application/problem+json']);
      }
      // Four attempts of 2 s of silence each plus at most 1.4 s of backoff: 9.4 s at worst, under the API function's
      // 10 s timeout (the bound leaves a second for a busy machine).
      expect(took).toBeGreaterThan(7_000);
      expect(took).toBeLessThan(11_000);
      db.resume();
      resumed = true;
      // Requests the hung engine had accepted may still land now; re-sending is safe either way.
      const resent = await call(app, 'POST', `/v1/timelines/${timeline}/events`, batch, { key: KEY });
      expect([200, 201]).toContain(resent.status);
      expect((await storedEvents(timeline)).size).toBe(50);
    } finally {
      if (!resumed) db.resume();
    }
  }, 60_000);
});

/** Arms a rule that lets the matching request after `after` others land, kills DynamoDB before it answers, and restarts it. */
function crashOn({ operation, match, after }: { operation: string; match: (body: DynamoRequestBody) => boolean; after: number }) {
  let seen = 0;
  let inFlight = 0;
  let restart: () => void = () => {};
  const restarted = new Promise<void>((resolve) => (restart = resolve)).then(() => db.restart());
  const state = {
    restarted,
    get inFlight() {
      return inFlight;
    },
  };
  proxy.inject({
    operation,
    match: (body) => match(body) && seen++ === after,
    times: 1,
    fault: {
      kind: 'drop-response',
      after: async () => {
        inFlight = pendingRequests;
        await db.kill();
        restart();
      },
    },
  });
  return state;
}

let pendingRequests = 0;

/** Clients posting batches in `lanes` parallel lanes, re-sending a batch after a 503 as Retry-After asks. */
async function ingest(app: ReturnType<typeof createApp>, timeline: string, batches: ReturnType<typeof events>[], lanes: number) {
  const acknowledged = new Map<string, ReturnType<typeof events>[number]>();
  const statuses: number[] = [];
  const deadline = Date.now() + 120_000;
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        for (;;) {
          pendingRequests += 1;
          const answer = await call(app, 'POST', `/v1/timelines/${timeline}/events`, batch, { key: KEY }).finally(() => (pendingRequests -= 1));
          statuses.push(answer.status);
          if (answer.status === 200 || answer.status === 201) break;
          if (answer.status !== 503 || Date.now() > deadline) throw new Error(`POST answered ${answer.status}: ${JSON.stringify(answer.body)}`);
          await new Promise((wake) => setTimeout(wake, Number(answer.headers.get('retry-after')) * 1000));
        }
        for (const event of batch) acknowledged.set(event.id, event);
      }
    }),
  );
  return { acknowledged, statuses };
}

function events(prefix: string, count: number) {
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}-${i}`,
    date: `${1800 + ((i * 7) % 220)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
    title: `harbour ${prefix} ${i}`,
    text: `convoy ${i} of batch ${prefix}`,
  }));
}

/** The timeline's events as stored, in the shape they were posted. */
async function storedEvents(timeline: string): Promise<Map<string, ReturnType<typeof events>[number]>> {
  const stored = new Map<string, ReturnType<typeof events>[number]>();
  for await (const page of new EventStore(direct, config.TABLE_NAME).allEvents(timeline)) {
    for (const { event } of page) stored.set(event.id, { id: event.id, date: event.date.start, title: event.title, text: event.text });
  }
  return stored;
}

async function startIndexer(timeline: string, options: { onFailure: (records: DynamoDBRecord[]) => void }): Promise<IndexerPoller> {
  // Retries that outlast a restart of DynamoDB Local (about 10 s here), as the Lambda event source mapping's would.
  const indexer = createIndexerPoller(config, { only: recordsOf(timeline), maxRetries: 20, retryDelayMs: 100, ...options });
  cleanups.push(() => indexer.stop());
  indexer.poller.start();
  await indexer.drain();
  return indexer;
}

function writesTo(body: DynamoRequestBody, timeline: string, prefix = 'EV#'): boolean {
  const requests = (Object.values(body.RequestItems ?? {})[0] ?? []) as { PutRequest?: { Item: Record<string, { S?: string }> } }[];
  return requests.some((request) => request.PutRequest?.Item.pk?.S === `TL#${timeline}` && request.PutRequest.Item.sk?.S?.startsWith(prefix));
}

/** Silences the pollers' and the app's error lines (a dead DynamoDB makes many) and returns what they said. */
function quietErrors(): () => string {
  const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  const said: string[] = [];
  spy.mockImplementation((...args: unknown[]) => void said.push(args.map(String).join(' ')));
  cleanups.push(async () => spy.mockRestore());
  return () => said.join('\n');
}
