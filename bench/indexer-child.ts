// The stream indexer in its own process, as the indexer Lambda runs apart from the API's: the same
// poller and handler as lib/local-indexer.ts, composed here so that a meter can count the shard bytes
// it writes. The parent talks to it over IPC (see IndexerProcess in ingest.ts).
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { loadConfig } from '../lib/config';
import { createDynamoClient, createStreamsClient } from '../lib/dynamo-client';
import { isEventRecord, SearchIndexer, STREAM_BATCH_SIZE } from '../lib/search/indexer';
import { ShardStore } from '../lib/search/shard-store';
import { StreamPoller } from '../lib/search/stream-poller';
import { ownCpuMs } from './cpu';
import { DynamoMeter } from './meter';

/** Messages the parent sends. */
export type IndexerRequest = { type: 'drain'; timeoutMs: number } | { type: 'stats' } | { type: 'reset' } | { type: 'stop' };

/** What the indexer did since the last reset. */
export interface IndexerStats {
  invocations: number;
  records: number;
  /** Time spent inside the handler (load, apply, serialize, write, commit). */
  busyMs: number;
  /** CPU time of the whole process: the handler, and reading and converting the stream. */
  cpuMs: number;
  /** The process's peak resident memory since it started, the figure a Lambda's memory size must hold. */
  peakRssBytes: number;
  meter: ReturnType<DynamoMeter['snapshot']>;
}

/** Messages the child sends. */
export type IndexerReply = { type: 'ready' } | { type: 'drained'; ms: number } | { type: 'stats'; stats: IndexerStats } | { type: 'error'; message: string };

const config = loadConfig();
const client = createDynamoClient(config);
const meter = new DynamoMeter().attach(client);
const indexer = new SearchIndexer(new ShardStore(client, config.INDEX_TABLE_NAME));
let stats = { invocations: 0, records: 0, busyMs: 0 };
let cpuAtReset = ownCpuMs();

const poller = new StreamPoller({
  client: createStreamsClient(config),
  tableName: config.TABLE_NAME,
  // Same settings as startLocalIndexer.
  batchSize: STREAM_BATCH_SIZE,
  startingPosition: process.env.INDEXER_STARTING_POSITION === 'LATEST' ? 'LATEST' : 'TRIM_HORIZON',
  idleDelayMs: 50,
  filter: isEventRecord,
  handler: async (event: DynamoDBStreamEvent) => {
    const started = performance.now();
    try {
      return await indexer.handle(event);
    } finally {
      stats.invocations += 1;
      stats.records += event.Records.length;
      stats.busyMs += performance.now() - started;
    }
  },
});
poller.start();

const reply = (message: IndexerReply) => process.send?.(message);

process.on('message', (message: IndexerRequest) => {
  void (async () => {
    try {
      switch (message.type) {
        case 'drain': {
          const started = performance.now();
          await poller.drain(message.timeoutMs);
          reply({ type: 'drained', ms: performance.now() - started });
          break;
        }
        case 'stats':
          reply({ type: 'stats', stats: { ...stats, cpuMs: ownCpuMs() - cpuAtReset, peakRssBytes: peakRssBytes(), meter: meter.snapshot() } });
          break;
        case 'reset':
          stats = { invocations: 0, records: 0, busyMs: 0 };
          cpuAtReset = ownCpuMs();
          meter.reset();
          reply({ type: 'stats', stats: { ...stats, cpuMs: 0, peakRssBytes: peakRssBytes(), meter: meter.snapshot() } });
          break;
        case 'stop':
          await poller.stop();
          process.exit(0);
      }
    } catch (error) {
      reply({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  })();
});
reply({ type: 'ready' });

function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}
