import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { Config } from './config';

/** How long a DynamoDB call may take before it counts as failed, and how often it is tried. */
export interface DynamoTimeouts {
  /** Establishing a connection. */
  readonly connectionMs: number;
  /** Silence on an open connection (a large batch keeps the socket busy, not silent). */
  readonly idleMs: number;
  /** Attempts per call, the first included; throttling, 5xx and timeouts are retried with exponential backoff. */
  readonly maxAttempts: number;
}

/**
 * In AWS, where DynamoDB answers in milliseconds: a hung or unreachable database becomes a 503 with
 * Retry-After after about 9 s at worst (4 × 2 s plus backoff), inside the API function's 10 s timeout.
 */
export const AWS_TIMEOUTS = { connectionMs: 1_000, idleMs: 2_000, maxAttempts: 4 } as const satisfies DynamoTimeouts;

/** DynamoDB Local (`npm start`, tests) can stay silent for seconds when it starts cold with its data on disk. */
export const LOCAL_TIMEOUTS = { connectionMs: 5_000, idleMs: 30_000, maxAttempts: 5 } as const satisfies DynamoTimeouts;

/** A DynamoDB client for AWS, or for a local engine when `DYNAMODB_ENDPOINT` is set. */
export function createDynamoClient(config: ClientConfig, timeouts = defaultTimeouts(config)): DynamoDBClient {
  return new DynamoDBClient(clientOptions(config, timeouts));
}

/**
 * A Streams client with the same endpoint and timeouts: without a socket timeout, a GetRecords that the
 * engine never answers would hold its shard, and the whole index, still forever.
 */
export function createStreamsClient(config: ClientConfig, timeouts = defaultTimeouts(config)): DynamoDBStreamsClient {
  return new DynamoDBStreamsClient(clientOptions(config, timeouts));
}

type ClientConfig = Pick<Config, 'DYNAMODB_ENDPOINT' | 'AWS_REGION'>;

function defaultTimeouts(config: ClientConfig): DynamoTimeouts {
  return config.DYNAMODB_ENDPOINT ? LOCAL_TIMEOUTS : AWS_TIMEOUTS;
}

function clientOptions(config: ClientConfig, timeouts: DynamoTimeouts) {
  return {
    region: config.AWS_REGION,
    maxAttempts: timeouts.maxAttempts,
    requestHandler: { connectionTimeout: timeouts.connectionMs, socketTimeout: timeouts.idleMs },
    ...(config.DYNAMODB_ENDPOINT
      ? {
          endpoint: config.DYNAMODB_ENDPOINT,
          // DynamoDB Local accepts any credentials; real ones must not be required to run locally.
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : {}),
  };
}
