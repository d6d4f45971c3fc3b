import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { Config } from '../../lib/config';
import { BundledFunction } from './bundled-function';

/** Options of {@link ApiFunctions}. */
export interface ApiFunctionsProps {
  /** The event table; the reader may only read it. */
  readonly table: ITable;
  /** The search index table; the reader may only read it, the writer rebuilds indexes in it. */
  readonly indexTable: ITable;
  /** Holds the comma-separated bearer keys; only the writer may read it. */
  readonly apiKeys: ISecret;
  /**
   * Browser origins the app answers CORS for (API Gateway answers preflights itself).
   *
   * @default ['*']
   */
  readonly allowedOrigins?: string[];
  /**
   * The module exporting the Hono Lambda `handler`, relative to the repository root.
   *
   * @default 'functions/api.ts'
   */
  readonly entry?: string;
  /**
   * Memory of each function in MB; search shards are held in memory between requests.
   *
   * @default 1024
   */
  readonly memorySize?: number;
  /**
   * `SEARCH_CACHE_MB`: how much compressed index a warm function keeps loaded. A loaded segment takes
   * about four times its compressed size in heap, so an eighth of the memory leaves half of it for the rest.
   *
   * @default memorySize / 8
   */
  readonly searchCacheMb?: number;
  /**
   * Timeout of each function.
   *
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
  /**
   * `LOG_LEVEL` of the app.
   *
   * @default 'info'
   */
  readonly logLevel?: Config['LOG_LEVEL'];
  /**
   * How long CloudWatch keeps the logs.
   *
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * What happens to the log groups when they leave the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

const DEFAULTS = {
  allowedOrigins: ['*'],
  entry: 'functions/api.ts',
  memorySize: 1024,
  timeout: Duration.seconds(10),
  logLevel: 'info',
  logRetention: RetentionDays.ONE_MONTH,
  logRemovalPolicy: RemovalPolicy.RETAIN,
} satisfies Omit<Required<ApiFunctionsProps>, 'table' | 'indexTable' | 'apiKeys' | 'searchCacheMb'>;

/**
 * The HTTP API's code deployed twice from one bundle: a reader for the GET routes that can only
 * read the table, and a writer for the POST/PUT/DELETE routes that can write it and read the API keys.
 * A bug or injection in a read path then cannot change data or leak the write keys.
 */
export class ApiFunctions extends Construct {
  /** Serves the GET routes: read-only on the table, no access to the keys. */
  readonly reader: NodejsFunction;
  /** Serves the write routes: read/write on the table, reads the API-key secret. */
  readonly writer: NodejsFunction;

  constructor(scope: Construct, id: string, props: ApiFunctionsProps) {
    super(scope, id);
    const { table, indexTable, apiKeys, allowedOrigins, entry, memorySize, timeout, logLevel, logRetention, logRemovalPolicy } = {
      ...DEFAULTS,
      ...props,
    };
    const searchCacheMb = props.searchCacheMb ?? Math.floor(memorySize / 8);
    const shared = { entry, memorySize, timeout, logRetention, logRemovalPolicy };
    const environment = {
      TABLE_NAME: table.tableName,
      INDEX_TABLE_NAME: indexTable.tableName,
      CORS_ORIGINS: allowedOrigins.join(','),
      LOG_LEVEL: logLevel,
      SEARCH_CACHE_MB: String(searchCacheMb),
    };

    this.reader = new BundledFunction(this, 'Reader', {
      ...shared,
      description: 'timeline-search HTTP API: read routes (GET)',
      // No API_KEYS_SECRET_ARN: the reader never authenticates a write, so it gets no key to leak.
      environment,
    }).function;
    table.grantReadData(this.reader);
    indexTable.grantReadData(this.reader);

    this.writer = new BundledFunction(this, 'Writer', {
      ...shared,
      description: 'timeline-search HTTP API: write routes (POST, PUT, DELETE)',
      // The ARN, never the value: the function fetches the keys at cold start.
      environment: { ...environment, API_KEYS_SECRET_ARN: apiKeys.secretArn },
    }).function;
    table.grantReadWriteData(this.writer);
    indexTable.grantReadWriteData(this.writer);
    apiKeys.grantRead(this.writer);
  }
}
