import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** What one kind of DynamoDB call did, summed over calls. */
export interface CommandTally {
  requests: number;
  itemsRead: number;
  /** Item sizes by DynamoDB's rules (attribute names + values), what read capacity is charged on. */
  itemBytesRead: number;
  itemsWritten: number;
  itemBytesWritten: number;
  /** Read capacity units as on-demand billing would count them (eventually consistent = half). */
  rcu: number;
  /** Write capacity units, the table's own (a global secondary index is charged again, see `gsiWcu`). */
  wcu: number;
  /** Extra write units of the `byDate` index, which projects every event item. */
  gsiWcu: number;
  /** Response bytes on the wire (Content-Length). */
  wireBytesIn: number;
}

/** Totals of a meter, by command name. */
export type MeterSnapshot = Record<string, CommandTally>;

const KB = 1024;

/**
 * Counts what a DynamoDB client reads and writes, by adding middleware to its stack: items and
 * their sizes per command, the read and write units on-demand billing would charge for them, and
 * the response bytes on the wire. Deletes are charged the size of the item deleted, which the
 * meter knows when the same process wrote it.
 */
export class DynamoMeter {
  private tallies = new Map<string, CommandTally>();
  private readonly sizes = new Map<string, number>();

  /** Starts counting the client's calls. */
  attach(client: DynamoDBClient): this {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        this.record(context.commandName ?? 'unknown', args.input as Record<string, unknown>, result.output as unknown as Record<string, unknown>);
        return result;
      },
      { step: 'initialize', name: 'benchMeter' },
    );
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        const headers = (result.response as { headers?: Record<string, string | undefined> }).headers;
        this.tally((context.commandName ?? 'unknown').replace(/Command$/, '')).wireBytesIn += Number(headers?.['content-length'] ?? 0);
        return result;
      },
      { step: 'deserialize', name: 'benchWireMeter' },
    );
    return this;
  }

  /** Totals so far, by command. */
  snapshot(): MeterSnapshot {
    return Object.fromEntries([...this.tallies].map(([name, tally]) => [name, { ...tally }]));
  }

  /** Starts the totals again from zero. */
  reset(): void {
    this.tallies = new Map();
  }

  private tally(command: string): CommandTally {
    let tally = this.tallies.get(command);
    if (!tally) {
      tally = { requests: 0, itemsRead: 0, itemBytesRead: 0, itemsWritten: 0, itemBytesWritten: 0, rcu: 0, wcu: 0, gsiWcu: 0, wireBytesIn: 0 };
      this.tallies.set(command, tally);
    }
    return tally;
  }

  private record(command: string, input: Record<string, unknown>, output: Record<string, unknown>): void {
    const tally = this.tally(command.replace(/Command$/, ''));
    tally.requests += 1;
    const consistent = input.ConsistentRead === true;
    const read = (items: Record<string, AttributeValue>[], perItem: boolean) => {
      const sizes = items.map(itemSize);
      tally.itemsRead += items.length;
      const bytes = sizes.reduce((sum, size) => sum + size, 0);
      tally.itemBytesRead += bytes;
      // GetItem and BatchGetItem round each item up to 4 KB; Query and Scan round the page's sum.
      const units = perItem ? sizes.reduce((sum, size) => sum + Math.max(1, Math.ceil(size / (4 * KB))), 0) : Math.max(1, Math.ceil(bytes / (4 * KB)));
      tally.rcu += consistent ? units : units / 2;
    };
    const write = (item: Record<string, AttributeValue>) => {
      const size = itemSize(item);
      tally.itemsWritten += 1;
      tally.itemBytesWritten += size;
      tally.wcu += Math.max(1, Math.ceil(size / KB));
      if (item.gpk && item.gsk) tally.gsiWcu += Math.max(1, Math.ceil(size / KB));
      this.sizes.set(keyOf(item), size);
    };
    const remove = (key: Record<string, AttributeValue>) => {
      const size = this.sizes.get(keyOf(key)) ?? 1;
      this.sizes.delete(keyOf(key));
      tally.itemsWritten += 1;
      tally.wcu += Math.max(1, Math.ceil(size / KB));
    };

    switch (command) {
      case 'GetItemCommand':
        if (output.Item) read([output.Item as Record<string, AttributeValue>], true);
        else tally.rcu += consistent ? 1 : 0.5;
        break;
      case 'QueryCommand':
      case 'ScanCommand':
        read((output.Items as Record<string, AttributeValue>[] | undefined) ?? [], false);
        break;
      case 'BatchGetItemCommand': {
        const tables = (input.RequestItems ?? {}) as Record<string, { ConsistentRead?: boolean }>;
        const strong = Object.values(tables).some((table) => table.ConsistentRead === true);
        const responses = Object.values((output.Responses ?? {}) as Record<string, Record<string, AttributeValue>[]>).flat();
        const sizes = responses.map(itemSize);
        tally.itemsRead += responses.length;
        tally.itemBytesRead += sizes.reduce((sum, size) => sum + size, 0);
        const units = sizes.reduce((sum, size) => sum + Math.max(1, Math.ceil(size / (4 * KB))), 0);
        tally.rcu += strong ? units : units / 2;
        break;
      }
      case 'PutItemCommand':
        write(input.Item as Record<string, AttributeValue>);
        break;
      case 'UpdateItemCommand': {
        // An update is charged on the larger of the item before and after; the meter only sees the key, so it
        // charges the last size it saw read or written under that key, at least one unit.
        const key = input.Key as Record<string, AttributeValue>;
        const size = this.sizes.get(keyOf(key)) ?? 1;
        tally.itemsWritten += 1;
        tally.itemBytesWritten += size;
        tally.wcu += Math.max(1, Math.ceil(size / KB));
        break;
      }
      case 'DeleteItemCommand':
        remove(input.Key as Record<string, AttributeValue>);
        break;
      case 'BatchWriteItemCommand': {
        type Request = { PutRequest?: { Item: Record<string, AttributeValue> }; DeleteRequest?: { Key: Record<string, AttributeValue> } };
        const tables = (input.RequestItems ?? {}) as Record<string, Request[]>;
        // By key: serializing every request to compare them cost the indexer a sixth of its time (segment chunks are binary).
        const keyOfRequest = (request: Request) => keyOf(request.PutRequest?.Item ?? request.DeleteRequest!.Key);
        const unprocessed = new Set(Object.values((output.UnprocessedItems ?? {}) as Record<string, Request[]>).flat().map(keyOfRequest));
        for (const request of Object.values(tables).flat()) {
          if (unprocessed.has(keyOfRequest(request))) continue;
          if (request.PutRequest) write(request.PutRequest.Item);
          else if (request.DeleteRequest) remove(request.DeleteRequest.Key);
        }
        break;
      }
      default:
        break;
    }
    // Reads of a key remember its size, so a later update of it (the manifest) is charged realistically.
    if (command === 'GetItemCommand' && output.Item) this.sizes.set(keyOf(output.Item as Record<string, AttributeValue>), itemSize(output.Item as Record<string, AttributeValue>));
  }
}

/** Sums tallies of several snapshots (or of every command of one). */
export function totalOf(...snapshots: MeterSnapshot[]): CommandTally {
  const total: CommandTally = { requests: 0, itemsRead: 0, itemBytesRead: 0, itemsWritten: 0, itemBytesWritten: 0, rcu: 0, wcu: 0, gsiWcu: 0, wireBytesIn: 0 };
  for (const snapshot of snapshots) {
    for (const tally of Object.values(snapshot)) {
      for (const key of Object.keys(total) as (keyof CommandTally)[]) total[key] += tally[key];
    }
  }
  return total;
}

/** Difference of two snapshots of one meter (after - before). */
export function diff(after: MeterSnapshot, before: MeterSnapshot): MeterSnapshot {
  const result: MeterSnapshot = {};
  for (const [command, tally] of Object.entries(after)) {
    const earlier = before[command];
    const delta = { ...tally };
    if (earlier) for (const key of Object.keys(delta) as (keyof CommandTally)[]) delta[key] -= earlier[key];
    if (delta.requests > 0) result[command] = delta;
  }
  return result;
}

/** An item's size as DynamoDB counts it: UTF-8 attribute names plus their values. */
export function itemSize(item: Record<string, AttributeValue>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += Buffer.byteLength(name) + valueSize(value);
  return size;
}

function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return Math.ceil(value.N.replace(/^-|\.|^0+/g, '').length / 2) + 1;
  if (value.B !== undefined) return value.B.length;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((sum, s) => sum + Buffer.byteLength(s), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, n) => sum + Math.ceil(n.length / 2) + 1, 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, b) => sum + b.length, 0);
  if (value.L !== undefined) return 3 + value.L.reduce((sum, element) => sum + 1 + valueSize(element), 0);
  if (value.M !== undefined) return 3 + Object.entries(value.M).reduce((sum, [name, element]) => sum + 1 + Buffer.byteLength(name) + valueSize(element), 0);
  return 0;
}

function keyOf(item: Record<string, AttributeValue>): string {
  return `${item.pk?.S ?? ''}\u0000${item.sk?.S ?? ''}`;
}
