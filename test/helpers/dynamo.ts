import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { loadConfig, type Config } from '../../lib/config';
import { createDynamoClient } from '../../lib/dynamo-client';

/** Write key the test apps accept. */
export const TEST_KEY = 'test-key';

/** Configuration pointing at the run's shared DynamoDB Local. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'),
    TABLE_NAME: inject('tableName'),
    API_KEYS: TEST_KEY,
    LOG_LEVEL: 'silent',
    // Tests read what they just indexed; the production default (1 s) is tested on its own.
    SEARCH_MANIFEST_TTL_MS: '0',
    ...overrides,
  });
}

/** A client on the shared engine. */
export function testClient() {
  return createDynamoClient(testConfig());
}

/** A timeline name no other test uses, so test files never see each other's events. */
export function uniqueTimeline(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}
