import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Options of {@link ServiceAlarms}. */
export interface ServiceAlarmsProps {
  /** Functions whose errors and throttles raise an alarm, by a short name used in the alarm's id. */
  readonly functions: Record<string, IFunction>;
  /** The stream consumer whose falling behind raises an alarm. */
  readonly streamConsumer: IFunction;
  /** Any message here is a batch the indexer gave up on. */
  readonly deadLetterQueue: IQueue;
  /**
   * How far behind the stream the indexer may fall before the alarm.
   *
   * @default Duration.minutes(1)
   */
  readonly maxIteratorAge?: Duration;
  /**
   * An address subscribed to every alarm (it must confirm the subscription by email).
   *
   * @default - no notification; alarms only show in the CloudWatch console
   */
  readonly email?: string;
}

const DEFAULTS = {
  maxIteratorAge: Duration.minutes(1),
} satisfies Partial<ServiceAlarmsProps>;

/**
 * CloudWatch alarms for what would otherwise fail silently: function errors and throttles, a stream
 * consumer falling behind, and records dropped to the dead-letter queue.
 */
export class ServiceAlarms extends Construct {
  /** Every alarm created, for dashboards or extra actions. */
  readonly alarms: Alarm[] = [];
  /** Receives every alarm's state change when an email is configured. */
  readonly topic?: Topic;

  constructor(scope: Construct, id: string, props: ServiceAlarmsProps) {
    super(scope, id);
    const { functions, streamConsumer, deadLetterQueue, maxIteratorAge, email } = { ...DEFAULTS, ...props };
    const period = Duration.minutes(5);

    for (const [name, fn] of Object.entries(functions)) {
      this.add(`${name}Errors`, fn.metricErrors({ period }), 0, `${name}: the function threw or timed out`);
      this.add(`${name}Throttles`, fn.metricThrottles({ period }), 0, `${name}: invocations were throttled`);
    }
    this.add(
      'IndexerIteratorAge',
      streamConsumer.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(1) }),
      maxIteratorAge.toMilliseconds(),
      `the indexer is more than ${maxIteratorAge.toHumanString()} behind the table stream`,
    );
    this.add(
      'DeadLetters',
      deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period }),
      0,
      'stream records reached the dead-letter queue: the search index is missing changes (reindex the timeline)',
    );

    if (email) {
      this.topic = new Topic(this, 'Topic', { displayName: 'timeline-search alarms' });
      this.topic.addSubscription(new EmailSubscription(email));
      const action = new SnsAction(this.topic);
      for (const alarm of this.alarms) {
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
      }
    }
  }

  /** Adds an alarm that fires when the metric goes above the threshold. */
  private add(id: string, metric: IMetric, threshold: number, description: string): void {
    this.alarms.push(
      new Alarm(this, id, {
        metric,
        threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        alarmDescription: description,
        // No traffic means no datapoints, which is healthy, not unknown.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}
