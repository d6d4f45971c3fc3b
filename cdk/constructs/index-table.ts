import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

/** Options of {@link IndexTable}. */
export interface IndexTableProps {
  /**
   * What happens to the table when it leaves the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

const DEFAULTS = {
  removalPolicy: RemovalPolicy.RETAIN,
} satisfies Required<IndexTableProps>;

/**
 * The search index: one manifest per timeline and the segment chunks it names; the layout mirrors
 * `indexTableDefinition` in `lib/table.ts`. It has no stream, so the indexer's writes (most of the bytes
 * it moves) never reach the events' stream, and no point-in-time recovery: `npm run reindex` rebuilds
 * it from the events table, the source of truth.
 */
export class IndexTable extends Construct {
  /** The table; grant access through it rather than by name. */
  readonly table: Table;

  constructor(scope: Construct, id: string, props: IndexTableProps = {}) {
    super(scope, id);
    const { removalPolicy } = { ...DEFAULTS, ...props };

    this.table = new Table(this, 'Table', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      removalPolicy,
    });
  }
}
