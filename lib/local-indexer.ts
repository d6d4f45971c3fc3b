import type { DynamoDBRecord } from 'aws-lambda';
import type { Config } from './config';
import { createStreamsClient } from './dynamo-client';
import { createStreamHandler } from './search/stream-handler';
import { StreamPoller } from './search/stream-poller';
import { isEventRecord, STREAM_BATCH_SIZE, type IndexerOptions } from './search/indexer';

/** Options of the local stand-in for the Lambda event source mapping. */
export interface LocalIndexerOptions extends IndexerOptions {
  /** Narrows which event records this poller indexes (tests keep to their own timelines). */
  readonly only?: (record: DynamoDBRecord) => boolean;
}

/**
 * Runs the indexer Lambda's handler against DynamoDB Local's stream, as the event source mapping
 * does in AWS: same handler, same event shape, same filter on event items.
 */
export function startLocalIndexer(config: Config, options: LocalIndexerOptions = {}): StreamPoller {
  const poller = new StreamPoller({
    client: createStreamsClient(config),
    tableName: config.TABLE_NAME,
    handler: createStreamHandler(config, options),
    batchSize: STREAM_BATCH_SIZE,
    idleDelayMs: 50,
    filter: (record) => isEventRecord(record) && (options.only?.(record) ?? true),
  });
  poller.start();
  return poller;
}
