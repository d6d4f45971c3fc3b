import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Config } from '../../lib/config';
import { EVENT_PREFIX } from '../../lib/event-keys';
import { STREAM_BATCH_SIZE } from '../../lib/search/indexer';
import { BundledFunction } from './bundled-function';

/** Options of {@link StreamIndexer}. */
export interface StreamIndexerProps {
  /** The event table; must have a stream. */
  readonly table: ITable;
  /** Where the indexer writes manifests and segments. */
  readonly indexTable: ITable;
  /**
   * The module exporting the stream `handler`, relative to the repository root.
   *
   * @default 'functions/indexer.ts'
   */
  readonly entry?: string;
  /**
   * Most stream records per invocation. Each invocation writes a segment for every shard it touches and
   * commits it, so small batches multiply segments and merges on a bulk import; a stream that has caught
   * up sends smaller batches at once. The local poller uses the same size, and Lambda cuts a batch at
   * 6 MB of payload whatever the size.
   *
   * @default 5000
   */
  readonly batchSize?: number;
  /**
   * Retries of a failing batch before its records are reported to the dead-letter queue.
   *
   * @default 5
   */
  readonly retryAttempts?: number;
  /**
   * Records older than this go to the dead-letter queue instead of being retried.
   *
   * @default Duration.hours(6)
   */
  readonly maxRecordAge?: Duration;
  /**
   * Memory in MB: a batch holds its records and the shards it rewrites (up to 32 kept for the next batch).
   *
   * @default 1024
   */
  readonly memorySize?: number;
  /**
   * Timeout of one batch.
   *
   * @default Duration.seconds(60)
   */
  readonly timeout?: Duration;
  /**
   * `LOG_LEVEL` of the indexer.
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
   * What happens to the log group when it leaves the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

const DEFAULTS = {
  entry: 'functions/indexer.ts',
  batchSize: STREAM_BATCH_SIZE,
  retryAttempts: 5,
  maxRecordAge: Duration.hours(6),
  memorySize: 1024,
  timeout: Duration.seconds(60),
  logLevel: 'info',
  logRetention: RetentionDays.ONE_MONTH,
  logRemovalPolicy: RemovalPolicy.RETAIN,
} satisfies Omit<Required<StreamIndexerProps>, 'table' | 'indexTable'>;

/**
 * The function that keeps the search index in step with the table, fed by the table's stream with
 * event items only; batches that keep failing land in an SQS queue instead of being dropped.
 */
export class StreamIndexer extends Construct {
  /** The stream consumer. */
  readonly function: NodejsFunction;
  /** Receives a pointer to every batch the indexer gave up on (reindexing the timeline recovers it). */
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: StreamIndexerProps) {
    super(scope, id);
    const { table, indexTable, entry, batchSize, retryAttempts, maxRecordAge, memorySize, timeout, logLevel, ...logs } = {
      ...DEFAULTS,
      ...props,
    };

    this.function = new BundledFunction(this, 'Indexer', {
      entry,
      description: 'timeline-search: updates the search index from the table stream',
      environment: { TABLE_NAME: table.tableName, INDEX_TABLE_NAME: indexTable.tableName, LOG_LEVEL: logLevel },
      memorySize,
      timeout,
      ...logs,
    }).function;
    // It reads events from the stream only (the event source grants that) and keeps the index table.
    indexTable.grantReadWriteData(this.function);

    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The longest SQS allows. A message only points at stream records (kept 24 h), so the fix is a
      // reindex; two weeks leaves time to notice the alarm and find the timelines from the logs.
      retentionPeriod: Duration.days(14),
    });

    this.function.addEventSource(
      new DynamoEventSource(table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts,
        maxRecordAge,
        // One batch per shard at a time keeps the changes of one key in order.
        parallelizationFactor: 1,
        onFailure: new SqsDlq(this.deadLetterQueue),
        // Date buckets share the stream with events; only events feed the index.
        filters: [FilterCriteria.filter({ dynamodb: { Keys: { sk: { S: FilterRule.beginsWith(EVENT_PREFIX) } } } })],
      }),
    );
  }
}
