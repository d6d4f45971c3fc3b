import { BatchWriteItemCommand, DeleteItemCommand, PutItemCommand, UpdateItemCommand, type AttributeValue, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { inParallel, retryUnprocessed } from '../../../lib/dynamo-batch';
import { StreamPoller, type StreamPollerOptions } from '../../../lib/search/stream-poller';
import { testClient, testConfig, uniqueTimeline } from '../../helpers/dynamo';

const { TABLE_NAME, AWS_REGION } = testConfig();
const dynamo = testClient();
const streams = streamsClient(inject('dynamodbEndpoint'));
const cleanups: (() => Promise<void>)[] = [];
const gates: (() => void)[] = [];

afterEach(async () => {
  // A failed assertion can leave a handler held, and stop() waits for handler calls under way.
  for (const open of gates.splice(0)) open();
  // Newest first: a poller stops before the proxy it reads through closes.
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(() => {
  dynamo.destroy();
  streams.destroy();
});

describe('StreamPoller', () => {
  describe('event shape', () => {
    it('delivers INSERT, MODIFY and REMOVE in order, shaped as Lambda delivers them', async () => {
      const pk = ownPk();
      const seen = recorder(pk);
      const poller = await startPoller({ handler: seen.handler });
      const bytes = new Uint8Array([0, 1, 255]);
      await put(pk, 'EV#1', {
        title: { S: 'first' },
        count: { N: '42' },
        bytes: { B: bytes },
        nested: { L: [{ M: { share: { N: '1.5' }, raw: { BS: [bytes] } } }, { BOOL: true }, { NULL: true }] },
        tags: { SS: ['war'] },
      });
      await dynamo.send(
        new UpdateItemCommand({
          TableName: TABLE_NAME,
          Key: itemKey(pk, 'EV#1'),
          UpdateExpression: 'SET title = :title REMOVE nested, tags',
          ExpressionAttributeValues: { ':title': { S: 'second' } },
        }),
      );
      await dynamo.send(new DeleteItemCommand({ TableName: TABLE_NAME, Key: itemKey(pk, 'EV#1') }));
      await poller.drain();

      const keys = { pk: { S: pk }, sk: { S: 'EV#1' } };
      const inserted = {
        ...keys,
        title: { S: 'first' },
        count: { N: '42' },
        bytes: { B: 'AAH/' },
        nested: { L: [{ M: { share: { N: '1.5' }, raw: { BS: ['AAH/'] } } }, { BOOL: true }, { NULL: true }] },
        tags: { SS: ['war'] },
      };
      const modified = { ...keys, title: { S: 'second' }, count: { N: '42' }, bytes: { B: 'AAH/' } };
      const records = seen.batches.flat();
      expect(records).toStrictEqual([
        lambdaRecord('INSERT', { Keys: keys, NewImage: inserted }),
        lambdaRecord('MODIFY', { Keys: keys, NewImage: modified, OldImage: inserted }),
        lambdaRecord('REMOVE', { Keys: keys, OldImage: modified }),
      ]);
      const sequence = records.map((record) => BigInt(record.dynamodb?.SequenceNumber ?? 0));
      expect(sequence).toEqual([...sequence].sort((a, b) => (a < b ? -1 : 1)));
      // DynamoDB Local rounds the creation time down to the minute.
      const created = records[0].dynamodb?.ApproximateCreationDateTime ?? 0;
      expect(Math.abs(created - Date.now() / 1000)).toBeLessThan(120);
    });
  });

  describe('start', () => {
    it('reads from TRIM_HORIZON by default and skips earlier records when started at LATEST', async () => {
      const pk = ownPk();
      await put(pk, 'EV#before');
      const fromStart = recorder(pk);
      const fromNow = recorder(pk);
      // undefined selects the default; the whole run's history is read, hence the large pages.
      const first = await startPoller({ handler: fromStart.handler, startingPosition: undefined, batchSize: 1000 });
      const latest = await startPoller({ handler: fromNow.handler });
      await put(pk, 'EV#after');
      await Promise.all([first.drain(), latest.drain()]);
      expect(fromStart.sortKeys().flat()).toEqual(['EV#before', 'EV#after']);
      expect(fromNow.sortKeys()).toEqual([['EV#after']]);
    });
  });

  describe('batches', () => {
    it('fills a batch from several pages while the shard is behind, as Lambda does up to its batch size', async () => {
      const pk = ownPk();
      const gate = latch();
      const seen = recorder(pk, async (records) => {
        if (sortKey(records[0]) === 'EV#0') await gate.hold();
      });
      const poller = await startPoller({ handler: seen.handler, filter: eventsOf(pk), batchSize: 10_000 });
      await put(pk, 'EV#0');
      await gate.reached;
      const written = Array.from({ length: 2_400 }, (_, n) => `EV#${n + 1}`);
      await putMany(pk, written);
      gate.release();
      await poller.drain();
      const [first, behind, ...rest] = seen.batches;
      expect(first?.map(sortKey)).toEqual(['EV#0']);
      // Three GetRecords pages at most 1,000 long went to one handler call.
      expect(behind?.length).toBe(written.length);
      expect(new Set(behind?.map(sortKey))).toEqual(new Set(written));
      const sequence = behind!.map((record) => BigInt(record.dynamodb?.SequenceNumber ?? 0));
      expect(sequence).toEqual([...sequence].sort((a, b) => (a < b ? -1 : 1)));
      expect(rest).toEqual([]);
    });

    it('accepts batch sizes from 1 to 10,000', () => {
      const options = { client: streams, tableName: TABLE_NAME, handler: async () => undefined };
      expect(() => new StreamPoller({ ...options, batchSize: 10_000 })).not.toThrow();
      for (const batchSize of [0, 10_001, 1.5]) {
        expect(() => new StreamPoller({ ...options, batchSize })).toThrow(`batchSize must be an integer from 1 to 10000, got ${batchSize}`);
      }
    });
  });

  describe('filter', () => {
    it('skips records it rejects without calling the handler', async () => {
      const pk = ownPk();
      const seen = recorder(pk);
      const poller = await startPoller({ handler: seen.handler, filter: eventsOf(pk) });
      for (const sk of ['EV#1', 'BUCKET#1', 'EV#2', 'SHARD#a#1#0']) await put(pk, sk);
      await poller.drain();
      expect(seen.sortKeys().flat()).toEqual(['EV#1', 'EV#2']);
    });
  });

  describe('batch item failures', () => {
    it('re-delivers from the first reported failure and not the records before it', async () => {
      const pk = ownPk();
      const gate = latch();
      let reported = false;
      const seen = recorder(pk, async (records) => {
        if (sortKey(records[0]) === 'EV#0') await gate.hold();
        const second = records.find((record) => sortKey(record) === 'EV#2');
        if (reported || !second) return undefined;
        reported = true;
        return { batchItemFailures: [{ itemIdentifier: second.dynamodb?.SequenceNumber ?? '' }] };
      });
      const poller = await startPoller({ handler: seen.handler, filter: eventsOf(pk) });
      await holdThenWrite(pk, gate, ['EV#1', 'EV#2', 'EV#3', 'EV#4']);
      await poller.drain();
      expect(seen.sortKeys()).toEqual([['EV#0'], ['EV#1', 'EV#2', 'EV#3', 'EV#4'], ['EV#2', 'EV#3', 'EV#4']]);
    });

    it('retries the whole batch when a reported identifier matches no record', async () => {
      const pk = ownPk();
      const gate = latch();
      let calls = 0;
      const seen = recorder(pk, async (records) => {
        if (sortKey(records[0]) === 'EV#0') await gate.hold();
        return ++calls === 2 ? { batchItemFailures: [{ itemIdentifier: 'no-such-record' }] } : undefined;
      });
      const poller = await startPoller({ handler: seen.handler, filter: eventsOf(pk) });
      await holdThenWrite(pk, gate, ['EV#1', 'EV#2']);
      await poller.drain();
      expect(seen.sortKeys()).toEqual([['EV#0'], ['EV#1', 'EV#2'], ['EV#1', 'EV#2']]);
    });
  });

  describe('poison records', () => {
    it('bisects a batch that keeps throwing and hands the culprit to onFailure after maxRetries', async () => {
      const pk = ownPk();
      const gate = latch();
      const failed = failures();
      const seen = recorder(pk, async (records) => {
        if (sortKey(records[0]) === 'EV#0') await gate.hold();
        if (records.some((record) => sortKey(record) === 'EV#2')) throw new Error('cannot index EV#2');
      });
      const poller = await startPoller({ handler: seen.handler, filter: eventsOf(pk), maxRetries: 2, onFailure: failed.onFailure });
      await holdThenWrite(pk, gate, ['EV#1', 'EV#2', 'EV#3']);
      await poller.drain();
      const all = ['EV#1', 'EV#2', 'EV#3'];
      expect(seen.sortKeys()).toEqual([['EV#0'], all, all, all, ['EV#1', 'EV#2'], ['EV#1'], ['EV#2'], ['EV#3']]);
      expect(failed.calls).toEqual([{ sortKeys: ['EV#2'], error: 'cannot index EV#2' }]);
    });

    it('hands a record the handler keeps reporting to onFailure after maxRetries without bisecting', async () => {
      const pk = ownPk();
      const gate = latch();
      const failed = failures();
      const seen = recorder(pk, async (records) => {
        if (sortKey(records[0]) === 'EV#0') await gate.hold();
        const poison = records.find((record) => sortKey(record) === 'EV#2');
        return poison && { batchItemFailures: [{ itemIdentifier: poison.dynamodb?.SequenceNumber ?? '' }] };
      });
      const poller = await startPoller({ handler: seen.handler, filter: eventsOf(pk), maxRetries: 2, onFailure: failed.onFailure });
      await holdThenWrite(pk, gate, ['EV#1', 'EV#2', 'EV#3']);
      await poller.drain();
      const rest = ['EV#2', 'EV#3'];
      expect(seen.sortKeys()).toEqual([['EV#0'], ['EV#1', ...rest], rest, rest, ['EV#3']]);
      expect(failed.calls).toEqual([{ sortKeys: ['EV#2'], error: undefined }]);
    });
  });

  describe('drain', () => {
    it('resolves only after every record written before it was acknowledged', async () => {
      const pk = ownPk();
      const acknowledged: string[] = [];
      const poller = await startPoller({
        batchSize: 2,
        handler: async ({ Records }) => {
          await new Promise((wake) => setTimeout(wake, 100));
          acknowledged.push(...Records.filter((record) => record.dynamodb?.Keys?.pk?.S === pk).map(sortKey));
        },
      });
      const written = ['EV#1', 'EV#2', 'EV#3', 'EV#4', 'EV#5'];
      for (const sk of written) await put(pk, sk);
      await poller.drain();
      expect(acknowledged).toEqual(written);
    });

    it('resolves while other writers never let the stream go quiet', async () => {
      const pk = ownPk();
      const seen = recorder(pk);
      const poller = await startPoller({ handler: seen.handler, filter: eventsOf(pk), idleDelayMs: 0 });
      const noise = ownPk();
      let writing = true;
      // Enough concurrent writers that hardly any GetRecords comes back empty.
      const writers = Array.from({ length: 16 }, async (_, writer) => {
        for (let n = 0; writing; n++) await put(noise, `EV#${writer}-${n}`);
      });
      try {
        await new Promise((wake) => setTimeout(wake, 100));
        await put(pk, 'EV#1');
        await poller.drain(3_000);
        expect(seen.sortKeys()).toEqual([['EV#1']]);
      } finally {
        writing = false;
        await Promise.all(writers);
      }
    });

    it('rejects when a handler call outlasts the timeout', async () => {
      const pk = ownPk();
      const gate = latch();
      const poller = await startPoller({ handler: recorder(pk, () => gate.hold()).handler, filter: eventsOf(pk) });
      await put(pk, 'EV#1');
      await gate.reached;
      await expect(poller.drain(100)).rejects.toThrow(`stream poller for table ${TABLE_NAME} did not drain within 100 ms`);
      gate.release();
      await poller.drain();
    });
  });

  describe('stop', () => {
    it('waits for the handler call under way, then delivers nothing more', async () => {
      const pk = ownPk();
      const gate = latch();
      const seen = recorder(pk, () => gate.hold());
      const poller = await startPoller({ handler: seen.handler, filter: eventsOf(pk) });
      await put(pk, 'EV#1');
      await gate.reached;
      let stopped = false;
      const stopping = poller.stop().then(() => (stopped = true));
      await new Promise((wake) => setTimeout(wake, 50));
      expect(stopped).toBe(false);
      gate.release();
      await stopping;
      await put(pk, 'EV#2');
      await new Promise((wake) => setTimeout(wake, 200));
      expect(seen.sortKeys()).toEqual([['EV#1']]);
    });

    it('cuts idle waits short', async () => {
      const poller = await startPoller({ handler: async () => undefined, idleDelayMs: 60_000, discoveryIntervalMs: 60_000 });
      const started = performance.now();
      await poller.stop();
      expect(performance.now() - started).toBeLessThan(1_000);
    });
  });

  describe('iterator errors', () => {
    it.each(['ExpiredIteratorException', 'TrimmedDataAccessException'])(
      'resumes after the checkpoint on %s without losing or repeating records',
      async (errorType) => {
        const proxy = await startFaultProxy(inject('dynamodbEndpoint'));
        const pk = ownPk();
        const gate = latch();
        const seen = recorder(pk, async (records) => {
          if (sortKey(records[0]) === 'EV#1') await gate.hold();
        });
        const poller = await startPoller({ client: proxy.client, handler: seen.handler, filter: eventsOf(pk) });
        await put(pk, 'EV#1');
        // While the handler holds the shard no GetRecords is in flight, so the failure hits the read after EV#1,
        // and only a resume from the checkpoint (not LATEST, not TRIM_HORIZON) yields EV#2 and EV#3 exactly once.
        await gate.reached;
        proxy.failNextGetRecords(errorType);
        await put(pk, 'EV#2');
        await put(pk, 'EV#3');
        gate.release();
        await poller.drain();
        expect(proxy.injected).toBe(1);
        expect(seen.sortKeys().flat()).toEqual(['EV#1', 'EV#2', 'EV#3']);
      },
    );
  });
});

function streamsClient(endpoint: string): DynamoDBStreamsClient {
  return new DynamoDBStreamsClient({ region: AWS_REGION, endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}

/** Starts a poller at LATEST with short pauses and waits until it holds an iterator on every shard. */
async function startPoller(options: Partial<StreamPollerOptions> & Pick<StreamPollerOptions, 'handler'>): Promise<StreamPoller> {
  const poller = new StreamPoller({
    client: streams,
    tableName: TABLE_NAME,
    startingPosition: 'LATEST',
    idleDelayMs: 20,
    retryDelayMs: 10,
    ...options,
  });
  cleanups.push(() => poller.stop());
  poller.start();
  await poller.drain();
  return poller;
}

function ownPk(): string {
  return `TL#${uniqueTimeline('stream')}`;
}

function itemKey(pk: string, sk: string): Record<string, AttributeValue> {
  return { pk: { S: pk }, sk: { S: sk } };
}

async function put(pk: string, sk: string, attributes: Record<string, AttributeValue> = {}): Promise<void> {
  await dynamo.send(new PutItemCommand({ TableName: TABLE_NAME, Item: { ...itemKey(pk, sk), ...attributes } }));
}

async function putMany(pk: string, sortKeys: string[]): Promise<void> {
  const requests: WriteRequest[] = sortKeys.map((sk) => ({ PutRequest: { Item: itemKey(pk, sk) } }));
  const batches = Array.from({ length: Math.ceil(requests.length / 25) }, (_, i) => requests.slice(i * 25, i * 25 + 25));
  await inParallel(batches, 8, (batch) =>
    retryUnprocessed(batch, async (pending) => {
      const out = await dynamo.send(new BatchWriteItemCommand({ RequestItems: { [TABLE_NAME]: pending } }));
      return out.UnprocessedItems?.[TABLE_NAME] ?? [];
    }),
  );
}

function sortKey(record: DynamoDBRecord): string {
  return record.dynamodb?.Keys?.sk?.S ?? '';
}

/** The lead's filter (event items only), narrowed to this test's partition because the table is shared. */
function eventsOf(pk: string): (record: DynamoDBRecord) => boolean {
  return (record) => record.dynamodb?.Keys?.pk?.S === pk && sortKey(record).startsWith('EV#');
}

/** A handler that keeps each batch's records of one partition, ignoring other test files' writes. */
function recorder(pk: string, respond?: (records: DynamoDBRecord[]) => Promise<DynamoDBBatchResponse | void>) {
  const batches: DynamoDBRecord[][] = [];
  const handler = async (event: DynamoDBStreamEvent) => {
    const own = event.Records.filter((record) => record.dynamodb?.Keys?.pk?.S === pk);
    if (own.length > 0) batches.push(own);
    return respond?.(own);
  };
  return { batches, handler, sortKeys: () => batches.map((batch) => batch.map(sortKey)) };
}

function failures() {
  const calls: { sortKeys: string[]; error: unknown }[] = [];
  const onFailure = (records: DynamoDBRecord[], error?: unknown) => {
    calls.push({ sortKeys: records.map(sortKey), error: error instanceof Error ? error.message : error });
  };
  return { calls, onFailure };
}

/** Holds a handler call until released, so that writes made meanwhile reach the handler as one page. */
function latch() {
  let arrive = () => {};
  let release = () => {};
  const reached = new Promise<void>((resolve) => (arrive = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  gates.push(() => release());
  return {
    reached,
    release: () => release(),
    hold: () => {
      arrive();
      return released;
    },
  };
}

/** Writes EV#0, whose handler call holds the shard, then the given items, then lets the shard go on. */
async function holdThenWrite(pk: string, gate: ReturnType<typeof latch>, sortKeys: string[]): Promise<void> {
  await put(pk, 'EV#0');
  await gate.reached;
  for (const sk of sortKeys) await put(pk, sk);
  gate.release();
}

function lambdaRecord(eventName: 'INSERT' | 'MODIFY' | 'REMOVE', change: Record<string, unknown>): unknown {
  return {
    eventID: expect.any(String),
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: expect.any(String),
    eventSourceARN: expect.stringContaining(`:table/${TABLE_NAME}/stream/`),
    dynamodb: {
      ApproximateCreationDateTime: expect.any(Number),
      ...change,
      SequenceNumber: expect.stringMatching(/^\d+$/),
      SizeBytes: expect.any(Number),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

/** An HTTP proxy in front of DynamoDB Local that can answer one GetRecords with a Streams error. */
async function startFaultProxy(target: string) {
  let armed: string | undefined;
  const state = { injected: 0 };
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(Buffer.from(chunk));
    if (armed && String(request.headers['x-amz-target']).endsWith('.GetRecords')) {
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${armed}`, message: 'injected by the test proxy' }));
      armed = undefined;
      state.injected += 1;
      return;
    }
    const upstream = await fetch(new URL(request.url ?? '/', target), {
      method: request.method,
      headers: forwardable(request.headers),
      body: Buffer.concat(chunks),
    });
    response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
    response.end(Buffer.from(await upstream.arrayBuffer()));
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const client = streamsClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  cleanups.push(async () => {
    client.destroy();
    server.closeAllConnections();
    await new Promise((closed) => server.close(closed));
  });
  return {
    client,
    failNextGetRecords: (errorType: string) => (armed = errorType),
    get injected() {
      return state.injected;
    },
  };
}

function forwardable(headers: IncomingHttpHeaders): Record<string, string> {
  const hopByHop = new Set(['host', 'connection', 'content-length', 'transfer-encoding']);
  return Object.fromEntries(
    Object.entries(headers).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && !hopByHop.has(entry[0])),
  );
}
