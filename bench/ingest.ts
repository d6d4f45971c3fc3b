import { fileURLToPath } from 'node:url';
import { BatchWriteItemCommand, type AttributeValue, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { loadConfig } from '../lib/config';
import { createDynamoClient } from '../lib/dynamo-client';
import { inParallel, retryUnprocessed } from '../lib/dynamo-batch';
import type { DynamoDbLocal } from '../lib/dynamodb-local';
import { decadeOfKey, keys } from '../lib/event-keys';
import { EventInput, spanKeys } from '../lib/event-schema';
import { contentHash, toTimelineEvent } from '../lib/events';
import { toIndexedDoc, type IndexedDoc } from '../lib/search/shard';
import { ensureTables } from '../lib/table';
import type { BenchEvent } from './generator';
import { cpuDuring } from './cpu';
import type { ApiReply, ApiRequest, ApiStats } from './api-child';
import { IpcProcess } from './child';
import { DEPLOYMENT, lambdaHeapFlags } from './deployment';
import type { IndexerReply, IndexerRequest, IndexerStats } from './indexer-child';
import { summarize, type Summary } from './latency';

/** The key every benchmark write carries. */
export const BENCH_API_KEY = 'bench-key';

/** Events in the forms the baselines need: the item our store writes, and the document our index holds. */
export interface PreparedEvents {
  /** The exact item `EventStore.putMany` writes, for the raw `BatchWriteItem` baseline and `Scan`. */
  items: Record<string, AttributeValue>[];
  docs: IndexedDoc[];
}

/** Normalizes events once as the API would (dates, keys, hashes), for the baselines. */
export function prepareEvents(timeline: string, events: readonly BenchEvent[], now = new Date().toISOString()): PreparedEvents {
  const items: Record<string, AttributeValue>[] = [];
  const docs: IndexedDoc[] = [];
  for (const raw of events) {
    const input = EventInput.parse(raw);
    const event = toTimelineEvent(timeline, input, now);
    const { startKey, endKey } = spanKeys(event.date);
    items.push(
      marshall(
        {
          ...event,
          pk: keys.timeline(timeline),
          sk: keys.event(event.id),
          gpk: keys.datePartition(timeline, decadeOfKey(startKey)),
          gsk: keys.dateSort(startKey, event.id),
          startKey,
          endKey,
          hash: contentHash(input),
          rev: 1,
        },
        { removeUndefinedValues: true },
      ),
    );
    docs.push(toIndexedDoc(event, { startKey, endKey, rev: 1 }));
  }
  return { items, docs };
}

/** What an ingest run measured. */
export interface IngestResult {
  events: number;
  ms: number;
  eventsPerS: number;
  requests: number;
  /** Duration of each request (a POST of a batch, or a BatchWriteItem), retries included. */
  requestMs: Summary;
  /** POSTs answered 503 (database busy) and sent again. */
  retries?: number;
}

/** Posts events over HTTP to the API process in batches, `inFlight` requests at a time. */
export async function ingestThroughApi(
  api: ApiProcess,
  timeline: string,
  events: readonly BenchEvent[],
  { batchSize = 1000, inFlight = 8, onProgress }: { batchSize?: number; inFlight?: number; onProgress?: (done: number) => void } = {},
): Promise<IngestResult> {
  const batches: BenchEvent[][] = [];
  for (let i = 0; i < events.length; i += batchSize) batches.push(events.slice(i, i + batchSize));
  const durations: number[] = [];
  let done = 0;
  let retries = 0;
  const started = performance.now();
  await inParallel(batches, inFlight, async (batch) => {
    const t0 = performance.now();
    const post = () =>
      api.request(`/v1/timelines/${timeline}/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${BENCH_API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(batch),
      });
    let response = await post();
    // A 503 says the database was busy and that sending the same batch again is safe: a client retries it.
    for (let attempt = 1; response.status === 503 && attempt <= 5; attempt += 1) {
      retries += 1;
      await response.text();
      await new Promise((wake) => setTimeout(wake, 250 * 2 ** attempt));
      response = await post();
    }
    const body = (await response.json()) as { rejected?: unknown[]; detail?: string };
    if (response.status >= 300 || (body.rejected?.length ?? 0) > 0) {
      throw new Error(`POST of ${batch.length} events answered ${response.status}: ${JSON.stringify(body).slice(0, 500)}`);
    }
    durations.push(performance.now() - t0);
    done += batch.length;
    onProgress?.(done);
  });
  const ms = performance.now() - started;
  return { events: events.length, ms, eventsPerS: (events.length / ms) * 1000, requests: batches.length, requestMs: summarize(durations), retries };
}

/** The write path alone, and the CPU time (ms) of its DynamoDB Local and of the API's process. */
export interface ApiAloneResult extends IngestResult {
  cpuMs: { engine?: number; app: number };
}

/**
 * The API's write path with no indexer running, on a DynamoDB Local of its own (given empty): how fast the
 * API takes events when nothing else shares the cores, as in AWS, where the indexer runs on compute of its
 * own and reads the stream without using the table's capacity.
 */
export async function ingestApiAlone(engine: DynamoDbLocal, timeline: string, events: readonly BenchEvent[]): Promise<ApiAloneResult> {
  const env = { DYNAMODB_ENDPOINT: engine.endpoint, TABLE_NAME: 'api-alone', API_KEYS: BENCH_API_KEY };
  const config = loadConfig(env);
  const client = createDynamoClient(config);
  await ensureTables(client, config);
  client.destroy();
  const api = await ApiProcess.start(env);
  try {
    await ingestThroughApi(api, 'warmup', events.slice(0, 2000));
    await api.reset();
    const { result, engineMs } = await cpuDuring(engine.process.pid, () => ingestThroughApi(api, timeline, events));
    return { ...result, cpuMs: { engine: engineMs, app: (await api.stats()).cpuMs } };
  } finally {
    await api.stop();
  }
}

/** Writes items with plain `BatchWriteItem` (25 a request, `inFlight` at a time), unprocessed items retried. */
export async function ingestRaw(
  client: DynamoDBClient,
  tableName: string,
  items: readonly Record<string, AttributeValue>[],
  { inFlight = 8 }: { inFlight?: number } = {},
): Promise<IngestResult> {
  const batches: WriteRequest[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })));
  const durations: number[] = [];
  const started = performance.now();
  await inParallel(batches, inFlight, async (batch) => {
    const t0 = performance.now();
    await retryUnprocessed(batch, async (pending) => {
      const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }));
      return out.UnprocessedItems?.[tableName] ?? [];
    });
    durations.push(performance.now() - t0);
  });
  const ms = performance.now() - started;
  return { events: items.length, ms, eventsPerS: (items.length / ms) * 1000, requests: batches.length, requestMs: summarize(durations) };
}

/** The indexer child process, driven over IPC. */
export class IndexerProcess {
  private constructor(private readonly ipc: IpcProcess<IndexerRequest, IndexerReply>) {}

  /** Starts the indexer against a table and resolves once it polls the stream. */
  static async start(env: { DYNAMODB_ENDPOINT: string; TABLE_NAME: string; INDEXER_STARTING_POSITION?: 'LATEST' }): Promise<IndexerProcess> {
    const script = fileURLToPath(new URL('./indexer-child.ts', import.meta.url));
    const { process: ipc } = await IpcProcess.fork<IndexerRequest, IndexerReply>(script, env, lambdaHeapFlags(DEPLOYMENT.indexerMemoryGb * 1024));
    return new IndexerProcess(ipc);
  }

  /** Resolves when everything written before the call is indexed; the time it took. */
  async drain(timeoutMs = 600_000): Promise<number> {
    const reply = await this.ipc.ask({ type: 'drain', timeoutMs });
    if (reply.type !== 'drained') throw new Error(`indexer: ${reply.type === 'error' ? reply.message : reply.type}`);
    return reply.ms;
  }

  /** What the indexer did since the last reset. */
  async stats(): Promise<IndexerStats> {
    const reply = await this.ipc.ask({ type: 'stats' });
    if (reply.type !== 'stats') throw new Error(`indexer: ${reply.type === 'error' ? reply.message : reply.type}`);
    return reply.stats;
  }

  /** Zeroes the counters. */
  async reset(): Promise<void> {
    await this.ipc.ask({ type: 'reset' });
  }

  /** Stops polling and ends the process. */
  stop(): Promise<void> {
    return this.ipc.stop({ type: 'stop' });
  }
}

/** The API served over HTTP by a process of its own (see api-child.ts). */
export class ApiProcess {
  private constructor(
    private readonly ipc: IpcProcess<ApiRequest, ApiReply>,
    private readonly origin: string,
  ) {}

  /** Starts the API against a table and resolves once it listens. */
  static async start(env: { DYNAMODB_ENDPOINT: string; TABLE_NAME: string; API_KEYS: string }): Promise<ApiProcess> {
    const script = fileURLToPath(new URL('./api-child.ts', import.meta.url));
    const { process: ipc, first } = await IpcProcess.fork<ApiRequest, ApiReply>(script, { ...env, LOG_LEVEL: 'error' }, lambdaHeapFlags(DEPLOYMENT.apiMemoryGb * 1024));
    if (first.type !== 'ready') throw new Error(`API process: expected ready, got ${first.type}`);
    return new ApiProcess(ipc, `http://127.0.0.1:${first.port}`);
  }

  /** Sends a request to the API. */
  request = (path: string, init?: RequestInit): Promise<Response> => fetch(`${this.origin}${path}`, init);

  /** What the API process did since the last reset. */
  async stats(): Promise<ApiStats> {
    const reply = await this.ipc.ask({ type: 'stats' });
    if (reply.type !== 'stats') throw new Error(`API process: expected stats, got ${reply.type}`);
    return reply.stats;
  }

  /** Zeroes its CPU time and DynamoDB counts. */
  async reset(): Promise<void> {
    await this.ipc.ask({ type: 'reset' });
  }

  /** Ends the process. */
  stop(): Promise<void> {
    return this.ipc.stop({ type: 'stop' });
  }
}
