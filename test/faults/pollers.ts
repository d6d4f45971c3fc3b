import { createStreamsClient } from '../../lib/dynamo-client';
import type { DynamoDBRecord } from 'aws-lambda';
import type { Config } from '../../lib/config';
import { isEventRecord } from '../../lib/search/indexer';
import { createStreamHandler } from '../../lib/search/stream-handler';
import { StreamPoller, type StreamPollerOptions } from '../../lib/search/stream-poller';

/** How a test's indexer reads the stream. */
export interface IndexerPollerOptions extends Partial<Pick<StreamPollerOptions, 'startingPosition' | 'maxRetries' | 'retryDelayMs' | 'onFailure' | 'batchSize'>> {
  /** The records of this test (the table is shared with other test files). */
  readonly only: (record: DynamoDBRecord) => boolean;
  readonly maxShardDocs?: number;
  /** Called as each handler call starts, with the records it is given. */
  readonly onBatch?: (records: DynamoDBRecord[]) => void;
}

/**
 * The indexer Lambda's handler behind a stream poller, as `startLocalIndexer` wires it, with the knobs fault tests
 * need: LATEST by default (other files' history is not re-read), retries and the failure path. Resolves once the
 * poller holds an iterator on every shard, so every later write reaches it.
 */
export async function startIndexerPoller(config: Config, options: IndexerPollerOptions): Promise<IndexerPoller> {
  const indexer = createIndexerPoller(config, options);
  indexer.poller.start();
  await indexer.drain();
  return indexer;
}

/** The same poller, not started yet. */
export function createIndexerPoller(config: Config, options: IndexerPollerOptions): IndexerPoller {
  const handler = createStreamHandler(config, options.maxShardDocs ? { maxShardDocs: options.maxShardDocs } : {});
  const streams = createStreamsClient(config);
  const poller = new StreamPoller({
    client: streams,
    tableName: config.TABLE_NAME,
    handler: (event) => {
      options.onBatch?.(event.Records);
      return handler(event);
    },
    startingPosition: options.startingPosition ?? 'LATEST',
    batchSize: options.batchSize ?? 100,
    idleDelayMs: 20,
    retryDelayMs: options.retryDelayMs ?? 50,
    ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
    ...(options.onFailure ? { onFailure: options.onFailure } : {}),
    filter: (record) => isEventRecord(record) && options.only(record),
  });
  return {
    poller,
    drain: (timeoutMs = 60_000) => poller.drain(timeoutMs),
    stop: async () => {
      await poller.stop();
      streams.destroy();
    },
  };
}

/** A running poller and how to wait for it and end it. */
export interface IndexerPoller {
  readonly poller: StreamPoller;
  drain(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** A filter for the records of one timeline. */
export function recordsOf(timeline: string): (record: DynamoDBRecord) => boolean {
  return (record) => record.dynamodb?.Keys?.pk?.S === `TL#${timeline}`;
}
