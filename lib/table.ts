import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  waitUntilTableExists,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { Config } from './config';

/** The events table and the index table built from it. */
export type Tables = Pick<Config, 'TABLE_NAME' | 'INDEX_TABLE_NAME'>;

/** Name of the date-ordered global secondary index; the CDK stack declares the same. */
export const DATE_INDEX = 'byDate';

/** The events table's layout: events and date buckets, streamed to the indexer. */
export function eventTableDefinition(tableName: string): CreateTableCommandInput {
  const keyed = keyedOnPkSk(tableName);
  return {
    ...keyed,
    AttributeDefinitions: [...(keyed.AttributeDefinitions ?? []), { AttributeName: 'gpk', AttributeType: 'S' }, { AttributeName: 'gsk', AttributeType: 'S' }],
    GlobalSecondaryIndexes: [
      {
        IndexName: DATE_INDEX,
        KeySchema: [
          { AttributeName: 'gpk', KeyType: 'HASH' },
          { AttributeName: 'gsk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
    // The search index is built from this stream.
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  };
}

/**
 * The index table's layout: manifests and segment chunks. No stream: segments are most of the bytes the
 * indexer writes, and on the events' stream every reader of it would have to skip them.
 */
export function indexTableDefinition(tableName: string): CreateTableCommandInput {
  return keyedOnPkSk(tableName);
}

/** What both tables share: on-demand, keyed on the strings `pk` and `sk`. */
function keyedOnPkSk(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
  };
}

/** Creates both tables when missing (local runs and tests; in AWS the CDK stack owns them). */
export async function ensureTables(client: DynamoDBClient, tables: Tables): Promise<void> {
  await ensureTable(client, eventTableDefinition(tables.TABLE_NAME));
  await ensureTable(client, indexTableDefinition(tables.INDEX_TABLE_NAME));
}

/** Creates one table when it is missing. */
export async function ensureTable(client: DynamoDBClient, definition: CreateTableCommandInput): Promise<void> {
  const TableName = definition.TableName;
  try {
    await client.send(new DescribeTableCommand({ TableName }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await client.send(new CreateTableCommand(definition));
  await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName });
}
