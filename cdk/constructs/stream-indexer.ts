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
import { BundledFunction } from './bundled-function';

/** Options of {@link StreamIndexer}. */
export interface StreamIndexerProps {
  /** The event table; must have a stream. The indexer writes index items back into it. */
  readonly table: ITable;
  /**
   * The module exporting the stream `handler`, relative to the repository root.
   *
   * @default 'functions/indexer.ts'
   */
  readonly entry?: string;
  /**
   * Stream records per invocation.
   *
   * @default 100
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
   * Memory in MB.
   *
   * @default 512
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
  batchSize: 100,
  retryAttempts: 5,
  maxRecordAge: Duration.hours(6),
  memorySize: 512,
  timeout: Duration.seconds(60),
  logLevel: 'info',
  logRetention: RetentionDays.ONE_MONTH,
  logRemovalPolicy: RemovalPolicy.RETAIN,
} satisfies Omit<Required<StreamIndexerProps>, 'table'>;

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
    const { table, entry, batchSize, retryAttempts, maxRecordAge, memorySize, timeout, logLevel, ...logs } = {
      ...DEFAULTS,
      ...props,
    };

    this.function = new BundledFunction(this, 'Indexer', {
      entry,
      description: 'timeline-search: updates the search index from the table stream',
      environment: { TABLE_NAME: table.tableName, LOG_LEVEL: logLevel },
      memorySize,
      timeout,
      ...logs,
    }).function;
    // Read/write: it reads events and writes shards and manifests into the same table.
    table.grantReadWriteData(this.function);

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
        // The indexer's own writes (shards, manifests) land on the same stream; without this filter
        // each of them would invoke it again.
        filters: [FilterCriteria.filter({ dynamodb: { Keys: { sk: { S: FilterRule.beginsWith(EVENT_PREFIX) } } } })],
      }),
    );
  }
}
