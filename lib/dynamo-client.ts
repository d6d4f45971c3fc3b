import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Config } from './config';

/** A DynamoDB client for AWS, or for a local engine when `DYNAMODB_ENDPOINT` is set. */
export function createDynamoClient(config: Pick<Config, 'DYNAMODB_ENDPOINT' | 'AWS_REGION'>): DynamoDBClient {
  return new DynamoDBClient({
    region: config.AWS_REGION,
    // Throttling and 5xx are retried with exponential backoff by the SDK's standard mode.
    maxAttempts: 5,
    ...(config.DYNAMODB_ENDPOINT
      ? {
          endpoint: config.DYNAMODB_ENDPOINT,
          // DynamoDB Local accepts any credentials; real ones must not be required to run locally.
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : {}),
  });
}
