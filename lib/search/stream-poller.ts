import { DescribeStreamCommand, GetShardIteratorCommand, ListStreamsCommand, type DynamoDBStreamsClient, type Shard } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { getRecordsPage, toLambdaRecord, type WireRecord } from './stream-records';

/** How to read a table's stream and what to hand each batch to; each default is noted. */
export interface StreamPollerOptions {
  /** A Streams client; locally it points at DynamoDB Local like the table client does. */
  readonly client: DynamoDBStreamsClient;
  readonly tableName: string;
  /** @default the table's newest stream, found with ListStreams */
  readonly streamArn?: string;
  readonly handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;
  /** Where shards open at start() begin; shards found later always begin at TRIM_HORIZON. @default 'TRIM_HORIZON' */
  readonly startingPosition?: 'TRIM_HORIZON' | 'LATEST';
  /**
   * Most records per handler call (1-10,000, as Lambda allows). A shard that is behind fills a batch from
   * several GetRecords pages; one that has caught up hands over what the last page held. @default 100
   */
  readonly batchSize?: number;
  /** Pause after a shard returned nothing. @default 100 ms */
  readonly idleDelayMs?: number;
  /** Retries of a failing record before it is isolated and handed to onFailure. @default 5 */
  readonly maxRetries?: number;
  /** First backoff between retries, doubled each time up to 10 s. @default 100 ms */
  readonly retryDelayMs?: number;
  /** How often DescribeStream looks for new shards. @default 1000 ms */
  readonly discoveryIntervalMs?: number;
  /** Local stand-in for the on-failure destination. @default one JSON line on stderr */
  readonly onFailure?: (records: DynamoDBRecord[], error?: unknown) => void | Promise<void>;
  /** Local stand-in for FilterCriteria: records it rejects are checkpointed without calling the handler. */
  readonly filter?: (record: DynamoDBRecord) => boolean;
}

const DEFAULTS = {
  startingPosition: 'TRIM_HORIZON',
  batchSize: 100,
  idleDelayMs: 100,
  maxRetries: 5,
  retryDelayMs: 100,
  discoveryIntervalMs: 1_000,
  onFailure: logFailure,
} as const satisfies Partial<StreamPollerOptions>;

const MAX_BACKOFF_MS = 10_000;
// Lambda's limit for a DynamoDB event source mapping.
const MAX_BATCH_SIZE = 10_000;
// The Streams API refuses a larger GetRecords Limit.
const MAX_PAGE_SIZE = 1_000;

type Resolved = Required<Pick<StreamPollerOptions, keyof typeof DEFAULTS>> & StreamPollerOptions;

interface ShardState {
  readonly streamArn: string;
  readonly id: string;
  readonly parentId?: string;
  readonly from: 'TRIM_HORIZON' | 'LATEST';
  status: 'waiting' | 'running' | 'done';
  /** Sequence number of the last record acknowledged: handled, filtered out or given to onFailure. */
  checkpoint?: string;
  iterator?: string;
  /** Clock reading when the last GetRecords that reached the end of the shard was sent. */
  caughtUpAt: number;
}

/** What one handler call settled: how many leading records succeeded, and why the next one did not. */
interface Outcome {
  readonly done: number;
  readonly error?: unknown;
  /** The handler named the failing record in batchItemFailures, so no bisecting is needed to find it. */
  readonly reported?: boolean;
}

/**
 * Reads a DynamoDB stream the way Lambda's event source mapping does (ReportBatchItemFailures, bisect on error)
 * and hands the same events to the same handler, for local runs and tests where no Lambda exists.
 *
 * @example
 * const events = (record: DynamoDBRecord) => record.dynamodb?.Keys?.sk?.S?.startsWith('EV#') ?? false;
 * const poller = new StreamPoller({ client, tableName, handler, filter: events });
 * poller.start();
 * await poller.drain();
 */
export class StreamPoller {
  private readonly options: Resolved;
  private readonly shards = new Map<string, ShardState>();
  private readonly loops = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  // Aborting in-flight Streams calls is what lets stop() return without waiting for a slow response.
  private readonly http = { abortSignal: this.abort.signal };
  private readonly idle = new Wakeups();
  private readonly backoff = new Wakeups();
  private readonly progress = new Wakeups();
  private started = false;
  private streamArn?: string;
  private clock = 0;
  private discoveredAt = 0;
  private discoveryError?: string;
  /** Clock reading of the newest drain() call; loops that have not caught up since skip their pause. */
  private drainMark = 0;

  constructor(options: StreamPollerOptions) {
    this.options = {
      ...options,
      startingPosition: options.startingPosition ?? DEFAULTS.startingPosition,
      batchSize: options.batchSize ?? DEFAULTS.batchSize,
      idleDelayMs: options.idleDelayMs ?? DEFAULTS.idleDelayMs,
      maxRetries: options.maxRetries ?? DEFAULTS.maxRetries,
      retryDelayMs: options.retryDelayMs ?? DEFAULTS.retryDelayMs,
      discoveryIntervalMs: options.discoveryIntervalMs ?? DEFAULTS.discoveryIntervalMs,
      onFailure: options.onFailure ?? DEFAULTS.onFailure,
    };
    const { batchSize, maxRetries } = this.options;
    if (!(Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= MAX_BATCH_SIZE)) {
      throw new RangeError(`batchSize must be an integer from 1 to ${MAX_BATCH_SIZE}, got ${batchSize}`);
    }
    if (!(Number.isInteger(maxRetries) && maxRetries >= 0)) {
      throw new RangeError(`maxRetries must be an integer of 0 or more, got ${maxRetries}`);
    }
  }

  /** Starts polling in the background; a poller runs once, so start it again only after building a new one. */
  start(): void {
    if (this.started) throw new Error(`stream poller for table ${this.options.tableName} was already started`);
    this.started = true;
    this.track(this.discover());
  }

  /** Ends every loop promptly and resolves once handler calls already under way have returned. */
  async stop(): Promise<void> {
    this.abort.abort();
    for (const wakeups of [this.idle, this.backoff, this.progress]) wakeups.wakeAll();
    while (this.loops.size > 0) await Promise.allSettled([...this.loops]);
  }

  /** Resolves when every record written before the call has been handed to the handler and acknowledged. */
  async drain(timeoutMs = 10_000): Promise<void> {
    if (!this.started || this.stopped) throw new Error(`stream poller for table ${this.options.tableName} is not running`);
    // DynamoDB Local shows a record to GetRecords as soon as its write returns, so a page asked for after this mark
    // that is not full, once handled, proves the shard holds nothing older that is unacknowledged.
    const mark = this.tick();
    this.drainMark = mark;
    const deadline = Date.now() + timeoutMs;
    this.idle.wakeAll();
    while (!this.caughtUpSince(mark)) {
      if (this.stopped) throw new Error(`stream poller for table ${this.options.tableName} stopped before it drained`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`stream poller for table ${this.options.tableName} did not drain within ${timeoutMs} ms`);
      await this.progress.wait(left);
    }
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private tick(): number {
    return ++this.clock;
  }

  private caughtUpSince(mark: number): boolean {
    if (this.discoveredAt <= mark) return false;
    return [...this.shards.values()].every((shard) => shard.status === 'done' || shard.caughtUpAt > mark);
  }

  private track(loop: Promise<void>): void {
    const tracked = loop
      .catch((error: unknown) => log('stream poller loop ended unexpectedly', { error: describe(error) }))
      .finally(() => this.loops.delete(tracked));
    this.loops.add(tracked);
  }

  private async discover(): Promise<void> {
    while (!this.stopped) {
      const started = this.tick();
      try {
        this.streamArn ??= await this.findStreamArn();
        this.adopt(this.streamArn, await this.listShards(this.streamArn), this.discoveredAt === 0);
        this.discoveredAt = started;
        this.discoveryError = undefined;
      } catch (error) {
        // A missing table or stream is retried each interval; saying so once keeps the log readable.
        if (!this.stopped && describe(error) !== this.discoveryError) log('stream discovery failed', { error: describe(error) });
        this.discoveryError = describe(error);
      }
      this.progress.wakeAll();
      if (this.discoveredAt > this.drainMark || this.discoveryError) await this.idle.wait(this.options.discoveryIntervalMs);
    }
  }

  private async findStreamArn(): Promise<string> {
    if (this.options.streamArn) return this.options.streamArn;
    const { tableName } = this.options;
    const { Streams = [] } = await this.options.client.send(new ListStreamsCommand({ TableName: tableName }), this.http);
    // A recreated table still lists its older streams; labels are creation times, so the greatest is current.
    const newest = Streams.toSorted((a, b) => (a.StreamLabel ?? '').localeCompare(b.StreamLabel ?? '')).at(-1);
    if (!newest?.StreamArn) throw new Error(`table ${tableName} has no stream: enable its StreamSpecification`);
    return newest.StreamArn;
  }

  private async listShards(streamArn: string): Promise<Shard[]> {
    const shards: Shard[] = [];
    let after: string | undefined;
    do {
      const { StreamDescription: page } = await this.options.client.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: after }),
        this.http,
      );
      shards.push(...(page?.Shards ?? []));
      after = page?.LastEvaluatedShardId;
    } while (after);
    return shards;
  }

  private adopt(streamArn: string, shards: Shard[], initial: boolean): void {
    const latest = initial && this.options.startingPosition === 'LATEST';
    for (const { ShardId: id, ParentShardId: parentId, SequenceNumberRange: range } of shards) {
      if (!id || this.shards.has(id)) continue;
      // LATEST skips history, so a shard already closed at start holds nothing to read.
      const status = latest && range?.EndingSequenceNumber ? 'done' : 'waiting';
      this.shards.set(id, { streamArn, id, parentId, from: latest ? 'LATEST' : 'TRIM_HORIZON', status, caughtUpAt: 0 });
    }
    this.startReadyShards();
  }

  private startReadyShards(): void {
    for (const shard of this.shards.values()) {
      const parent = shard.parentId ? this.shards.get(shard.parentId) : undefined;
      // A child is read only after its parent, as Lambda does, so one item's changes stay in order across a rollover.
      if (this.stopped || shard.status !== 'waiting' || (parent && parent.status !== 'done')) continue;
      shard.status = 'running';
      this.track(this.poll(shard));
    }
  }

  private async poll(shard: ShardState): Promise<void> {
    while (!this.stopped && shard.status !== 'done') {
      try {
        const idle = await this.pollOnce(shard);
        if (idle && shard.caughtUpAt > this.drainMark) await this.idle.wait(this.options.idleDelayMs);
      } catch (error) {
        // Whatever failed, reading again from the checkpoint is safe; it is also the cure for an iterator
        // that expired (ExpiredIteratorException) or points at trimmed data (TrimmedDataAccessException).
        shard.iterator = undefined;
        if (this.stopped) break;
        // A shard that aged out of the stream has nothing left to read.
        if (errorName(error) === 'ResourceNotFoundException') shard.status = 'done';
        else if (!RECOVERABLE.has(errorName(error))) log('stream shard read failed', { shardId: shard.id, error: describe(error) });
        await this.backoff.wait(this.options.retryDelayMs);
      }
    }
    this.progress.wakeAll();
    this.startReadyShards();
  }

  /** Reads and delivers one batch; true when the shard had nothing new. */
  private async pollOnce(shard: ShardState): Promise<boolean> {
    shard.iterator ??= await this.iteratorFor(shard);
    const { records, iterator, caughtUpSince } = await this.readBatch(shard.iterator);
    if (records.length > 0) {
      const events = records.map((record) => toLambdaRecord(record, shard.streamArn));
      if (!(await this.deliver(events.filter((event) => this.options.filter?.(event) ?? true)))) return false;
      shard.checkpoint = records.at(-1)?.dynamodb?.SequenceNumber ?? shard.checkpoint;
    }
    if (caughtUpSince !== undefined) shard.caughtUpAt = caughtUpSince;
    shard.iterator = iterator;
    // No next iterator means the shard is closed and read to its end.
    if (!shard.iterator) shard.status = 'done';
    this.progress.wakeAll();
    return records.length === 0;
  }

  /**
   * Reads pages until the batch is full or a page comes back short. DynamoDB Local fills a page up to the Limit when
   * it can, so a short page reached the end of the shard: `caughtUpSince` is the clock reading before it was asked
   * for. Counting short pages, not only empty ones, keeps drain() from chasing a table other writers never let go quiet.
   */
  private async readBatch(from: string | undefined): Promise<{ records: WireRecord[]; iterator?: string; caughtUpSince?: number }> {
    const records: WireRecord[] = [];
    let iterator = from;
    while (iterator) {
      const started = this.tick();
      const limit = Math.min(MAX_PAGE_SIZE, this.options.batchSize - records.length);
      const page = await getRecordsPage(this.options.client, { ShardIterator: iterator, Limit: limit }, this.http);
      records.push(...page.records);
      iterator = page.nextIterator;
      if (page.records.length < limit) return { records, iterator, caughtUpSince: started };
      if (records.length >= this.options.batchSize) return { records, iterator };
    }
    return { records, iterator, caughtUpSince: this.tick() };
  }

  private async iteratorFor(shard: ShardState): Promise<string | undefined> {
    const position = shard.checkpoint
      ? ({ ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: shard.checkpoint } as const)
      : { ShardIteratorType: shard.from };
    const request = { StreamArn: shard.streamArn, ShardId: shard.id };
    try {
      return (await this.options.client.send(new GetShardIteratorCommand({ ...request, ...position }), this.http)).ShardIterator;
    } catch (error) {
      if (errorName(error) !== 'TrimmedDataAccessException') throw error;
      log('stream records expired before they were read', { shardId: shard.id, after: shard.checkpoint });
      const trimHorizon = new GetShardIteratorCommand({ ...request, ShardIteratorType: 'TRIM_HORIZON' });
      return (await this.options.client.send(trimHorizon, this.http)).ShardIterator;
    }
  }

  /**
   * Hands records to the handler in order, retrying from the first failure; a batch that used up its retries is
   * halved until the failing record stands alone, and that record goes to onFailure. False when stopped first.
   */
  private async deliver(records: DynamoDBRecord[]): Promise<boolean> {
    const { batchSize, maxRetries, retryDelayMs } = this.options;
    let next = 0;
    let size = batchSize;
    let attempts = 0;
    let bisectEnd = 0;
    while (next < records.length) {
      if (this.stopped) return false;
      const batch = records.slice(next, next + size);
      const outcome = await this.invoke(batch);
      next += outcome.done;
      if (outcome.done === batch.length) {
        attempts = 0;
        if (next >= bisectEnd) size = batchSize;
        continue;
      }
      attempts = outcome.done > 0 ? 1 : attempts + 1;
      const bisecting = next < bisectEnd;
      if (!bisecting && attempts <= maxRetries) {
        await this.backoff.wait(Math.min(retryDelayMs * 2 ** (attempts - 1), MAX_BACKOFF_MS));
        continue;
      }
      const failing = batch.length - outcome.done;
      if (outcome.reported || failing === 1) {
        await this.giveUp(records[next], outcome.error);
        next += 1;
        attempts = 0;
        continue;
      }
      if (!bisecting) bisectEnd = next + failing;
      size = Math.ceil(failing / 2);
    }
    return true;
  }

  private async invoke(batch: DynamoDBRecord[]): Promise<Outcome> {
    try {
      const failures = (await this.options.handler({ Records: batch }))?.batchItemFailures ?? [];
      if (failures.length === 0) return { done: batch.length };
      const ids = failures.map((failure) => failure.itemIdentifier);
      const positions = ids.map((id) => batch.findIndex((record) => record.dynamodb?.SequenceNumber === id));
      // Lambda fails the whole batch when an identifier matches no record.
      if (positions.includes(-1)) {
        return { done: 0, error: new Error(`batchItemFailures names records not in the batch: ${ids.join(', ')}`) };
      }
      return { done: Math.min(...positions), reported: true };
    } catch (error) {
      return { done: 0, error };
    }
  }

  private async giveUp(record: DynamoDBRecord, error: unknown): Promise<void> {
    try {
      await this.options.onFailure([record], error);
    } catch (failure) {
      const sequenceNumber = record.dynamodb?.SequenceNumber;
      log('onFailure threw; the record is skipped anyway', { sequenceNumber, error: describe(failure) });
    }
  }
}

/** Timers that can be cut short all at once: by stop(), or by drain() to skip an idle pause. */
class Wakeups {
  private readonly pending = new Set<() => void>();

  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.pending.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.pending.add(wake);
    });
  }

  wakeAll(): void {
    for (const wake of [...this.pending]) wake();
  }
}

const RECOVERABLE = new Set(['ExpiredIteratorException', 'TrimmedDataAccessException']);

function logFailure(records: DynamoDBRecord[], error?: unknown): void {
  log('stream records given up after retries', {
    eventSourceARN: records[0]?.eventSourceARN,
    sequenceNumbers: records.map((record) => record.dynamodb?.SequenceNumber),
    error: error === undefined ? 'reported in batchItemFailures' : describe(error),
  });
}

function log(message: string, fields: Record<string, unknown>): void {
  console.error(JSON.stringify({ level: 'error', message, ...fields }));
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
