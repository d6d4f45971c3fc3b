import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { DATE_INDEX } from '../../lib/table';

/** Options of {@link EventTable}. */
export interface EventTableProps {
  /**
   * What happens to the table (and its data) when it leaves the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

const DEFAULTS = {
  removalPolicy: RemovalPolicy.RETAIN,
} satisfies Required<EventTableProps>;

/**
 * The DynamoDB table holding events and date buckets, with the `byDate` index and the stream the
 * indexer reads; the layout mirrors `eventTableDefinition` in `lib/table.ts`.
 */
export class EventTable extends Construct {
  /** The table; grant access through it rather than by name. */
  readonly table: Table;

  constructor(scope: Construct, id: string, props: EventTableProps = {}) {
    super(scope, id);
    const { removalPolicy } = { ...DEFAULTS, ...props };

    this.table = new Table(this, 'Table', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      // Traffic is spiky and mostly idle, so on-demand costs nothing at rest.
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // The indexer needs the old image to drop a deleted or edited event from the search index.
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      removalPolicy,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: DATE_INDEX,
      partitionKey: { name: 'gpk', type: AttributeType.STRING },
      sortKey: { name: 'gsk', type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });
  }
}
