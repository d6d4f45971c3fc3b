import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { loadConfig, type Config } from '../config';
import { createDynamoClient } from '../dynamo-client';
import { SearchIndexer, type IndexerOptions } from './indexer';
import { ShardStore } from './shard-store';

/** A DynamoDB Streams handler that keeps the search index in step with the table. */
export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

/** Builds the stream handler that Lambda invokes, and that the local poller invokes the same way. */
export function createStreamHandler(config: Config = loadConfig(), options: IndexerOptions = {}): StreamHandler {
  const indexer = new SearchIndexer(new ShardStore(createDynamoClient(config), config.INDEX_TABLE_NAME), options);
  return (event) => indexer.handle(event);
}
