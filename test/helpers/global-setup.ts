import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../lib/dynamodb-local';
import { loadConfig } from '../../lib/config';
import { createDynamoClient } from '../../lib/dynamo-client';
import { ensureTables } from '../../lib/table';

/** Events table every integration test shares (with its index table); each test file writes to its own timelines. */
export const TEST_TABLE = 'timeline-search-test';

// The lock file pins an SDK that supports Node 20; its notice about future releases is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

let engine: DynamoDbLocal | undefined;

export async function setup(project: TestProject): Promise<void> {
  engine = await startDynamoDbLocal();
  const config = loadConfig({ DYNAMODB_ENDPOINT: engine.endpoint, TABLE_NAME: TEST_TABLE });
  const client = createDynamoClient(config);
  await ensureTables(client, config);
  client.destroy();
  project.provide('dynamodbEndpoint', engine.endpoint);
  project.provide('tableName', TEST_TABLE);
}

export async function teardown(): Promise<void> {
  await engine?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
    tableName: string;
  }
}
