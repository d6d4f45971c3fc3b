import { QueryCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Tables } from '../table';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { EVENT_PREFIX, keys } from '../event-keys';
import { StreamImage } from './indexer';
import { parseShard } from './segment-codec';
import { IndexedDoc, ShardWriter, toIndexedDoc } from './shard';
import { KEY_SPACE, Lane, laneOf, ShardStore, StaleShardError, type Manifest, type ShardMeta } from './shard-store';

/** An indexed event whose indexed form is not what the table says. */
export interface StaleEntry {
  id: string;
  /** The indexed fields that differ (`rev`, `startKey`, `title`, …). */
  fields: string[];
  table: { rev: number; startKey: string; endKey: string };
  index: { rev: number; startKey: string; endKey: string };
}

/** How a timeline's index compares with its events table, the source of truth. */
export interface VerifyReport {
  timeline: string;
  /** Event items in the table. */
  events: number;
  /** Documents in the index. */
  indexed: number;
  shards: number;
  /** In the table, not in the index. */
  missing: string[];
  /** In the index, not in the table. */
  extra: string[];
  /** In both, at another revision or with other content. */
  stale: StaleEntry[];
  /** Event items the indexer cannot read (it sends their stream records to the failure path). */
  unreadable: { id: string; error: string }[];
  /** Broken index structure: unreadable shards, counts or ranges the manifest gets wrong, a document in two shards. */
  shardProblems: string[];
  /** Chunks no manifest entry names, left by an interrupted write; harmless, counted for information only. */
  orphanChunks: number;
  /** True when nothing above (orphan chunks aside) differs. */
  equal: boolean;
  tookMs: number;
}

// Read the index again when an indexer replaced a shard between the manifest read and the chunk read.
const READ_ATTEMPTS = 4;

/**
 * Compares a timeline's index with its events table, event by event: what is missing, extra or stale
 * (revision, date keys or any indexed field), table items the indexer cannot read, and broken shards.
 * Run it when writes have settled; an index still catching up differs for a moment.
 *
 * @example
 * const report = await verifyTimeline(client, loadConfig(), 'world-history');
 * if (!report.equal) console.log(report.missing, report.extra, report.stale);
 */
export async function verifyTimeline(client: DynamoDBClient, tables: Tables, timeline: string): Promise<VerifyReport> {
  const started = performance.now();
  const store = new ShardStore(client, tables.INDEX_TABLE_NAME);
  const table = await readTable(client, tables.TABLE_NAME, timeline);
  const index = await readIndex(store, timeline);
  const orphanChunks = await countOrphanChunks(client, tables.INDEX_TABLE_NAME, timeline, index.manifest);

  const missing: string[] = [];
  const stale: StaleEntry[] = [];
  for (const [id, expected] of table.docs) {
    const found = index.docs.get(id);
    if (!found) {
      missing.push(id);
      continue;
    }
    const fields = differingFields(expected, found);
    if (fields.length) stale.push({ id, fields, table: spanOf(expected), index: spanOf(found) });
  }
  const extra = [...index.docs.keys()].filter((id) => !table.docs.has(id) && !table.unreadable.some((item) => item.id === id));
  const report = {
    timeline,
    events: table.docs.size + table.unreadable.length,
    indexed: index.docs.size,
    shards: Object.keys(index.manifest?.shards ?? {}).length,
    missing: missing.sort(),
    extra: extra.sort(),
    stale: stale.sort((a, b) => a.id.localeCompare(b.id)),
    unreadable: table.unreadable,
    shardProblems: index.problems,
    orphanChunks,
  };
  const equal = !report.missing.length && !report.extra.length && !report.stale.length && !report.unreadable.length && !report.shardProblems.length;
  return { ...report, equal, tookMs: Math.round(performance.now() - started) };
}

/** The report in a few lines a person can act on. */
export function formatReport(report: VerifyReport, { maxIds = 20 }: { maxIds?: number } = {}): string {
  const list = (ids: string[]) => `${ids.slice(0, maxIds).join(', ')}${ids.length > maxIds ? `, … (${ids.length - maxIds} more)` : ''}`;
  const differences = report.missing.length + report.extra.length + report.stale.length + report.unreadable.length + report.shardProblems.length;
  const lines = [
    `${report.timeline}: ${count(report.events, 'event')} in the table, ${report.indexed} in the index (${count(report.shards, 'shard')}): ` +
      (report.equal ? 'equal' : count(differences, 'difference')),
  ];
  if (report.missing.length) lines.push(`  missing (in the table, not indexed): ${list(report.missing)}`);
  if (report.extra.length) lines.push(`  extra (indexed, not in the table): ${list(report.extra)}`);
  if (report.stale.length) {
    const stale = report.stale.map((entry) => `${entry.id} (rev ${entry.table.rev} in the table, ${entry.index.rev} in the index; ${entry.fields.join(', ')})`);
    lines.push(`  stale (indexed at another revision or content): ${list(stale)}`);
  }
  if (report.unreadable.length) lines.push(`  unreadable table items: ${list(report.unreadable.map((item) => `${item.id} (${item.error})`))}`);
  for (const problem of report.shardProblems.slice(0, maxIds)) lines.push(`  index: ${problem}`);
  if (report.orphanChunks) lines.push(`  note: ${report.orphanChunks} unreferenced shard chunks (left by an interrupted write; harmless)`);
  if (!report.equal) lines.push(`Rebuild the index from the table with: npm run reindex -- ${report.timeline}`);
  return lines.join('\n');
}

/** Every event item of the timeline as the indexer would index it, read with strong consistency. */
async function readTable(client: DynamoDBClient, tableName: string, timeline: string) {
  const docs = new Map<string, IndexedDoc>();
  const unreadable: { id: string; error: string }[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const out = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :ev)',
        ExpressionAttributeValues: marshall({ ':pk': keys.timeline(timeline), ':ev': EVENT_PREFIX }),
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of out.Items ?? []) {
      const raw = unmarshall(item);
      // The same reading the stream indexer applies to a record's image, so "equal" means what it would build.
      const image = StreamImage.safeParse(raw);
      const id = String(raw.sk).slice(EVENT_PREFIX.length);
      if (image.success) docs.set(id, toIndexedDoc(image.data, image.data));
      else unreadable.push({ id, error: image.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ') });
    }
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return { docs, unreadable };
}

/** Every document of every shard the manifest names, with what is structurally wrong with them. */
async function readIndex(store: ShardStore, timeline: string): Promise<{ manifest?: Manifest; docs: Map<string, IndexedDoc>; problems: string[] }> {
  for (let attempt = 1; ; attempt += 1) {
    const manifest = await store.getManifest(timeline, true);
    const docs = new Map<string, IndexedDoc>();
    const problems = manifest ? rangeProblems(Object.values(manifest.shards)) : [];
    let replaced = false;
    for (const shard of Object.values(manifest?.shards ?? {})) {
      let shardDocs: IndexedDoc[];
      try {
        const segments = await Promise.all(shard.segments.map(async (segment) => parseShard(await store.readSegment(timeline, segment))));
        shardDocs = ShardWriter.from(...segments).documents();
      } catch (error) {
        if (error instanceof StaleShardError && attempt < READ_ATTEMPTS) {
          replaced = true;
          break;
        }
        problems.push(`shard ${shard.id} v${shard.version} cannot be read: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      if (shardDocs.length !== shard.count) problems.push(`shard ${shard.id} v${shard.version} holds ${shardDocs.length} documents, the manifest says ${shard.count}`);
      for (const doc of shardDocs) {
        if (doc.startKey < shard.from || doc.startKey >= shard.to) problems.push(`${doc.id} starts at ${doc.startKey}, outside shard ${shard.id} [${shard.from}, ${shard.to})`);
        if (laneOf(doc) !== shard.lane) problems.push(`${doc.id} belongs in the ${laneOf(doc)} lane, not in shard ${shard.id} of the ${shard.lane} lane`);
        if (docs.has(doc.id)) problems.push(`${doc.id} is indexed in more than one shard`);
        docs.set(doc.id, doc);
      }
    }
    if (!replaced) return { ...(manifest ? { manifest } : {}), docs, problems };
  }
}

/** Each lane's shards must tile the key space: no gap, no overlap. */
function rangeProblems(shards: ShardMeta[]): string[] {
  return Lane.options.flatMap((lane) => laneRangeProblems(shards.filter((shard) => shard.lane === lane)));
}

function laneRangeProblems(shards: ShardMeta[]): string[] {
  const sorted = [...shards].sort((a, b) => a.from.localeCompare(b.from));
  const problems: string[] = [];
  let expected: string = KEY_SPACE.first;
  for (const shard of sorted) {
    if (shard.from !== expected) problems.push(`shard ${shard.id} starts at ${shard.from}, expected ${expected} (a gap or an overlap)`);
    expected = shard.to;
  }
  if (sorted.length && expected !== KEY_SPACE.last) problems.push(`the last shard ends at ${expected}, not at the end of the key space`);
  return problems;
}

/** Chunk items of segments the manifest does not name. */
async function countOrphanChunks(client: DynamoDBClient, tableName: string, timeline: string, manifest?: Manifest): Promise<number> {
  const named = new Set(Object.values(manifest?.shards ?? {}).flatMap((shard) => shard.segments.map((segment) => segment.id)));
  let orphans = 0;
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const out = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :shard)',
        ExpressionAttributeValues: marshall({ ':pk': keys.timeline(timeline), ':shard': 'SHARD#' }),
        ProjectionExpression: 'sk',
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of out.Items ?? []) {
      const [, segmentId] = String(item.sk?.S).split('#');
      if (!named.has(segmentId!)) orphans += 1;
    }
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return orphans;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function differingFields(expected: IndexedDoc, found: IndexedDoc): string[] {
  const fields = Object.keys(IndexedDoc.shape) as (keyof IndexedDoc)[];
  return fields.filter((field) => JSON.stringify(expected[field]) !== JSON.stringify(found[field]));
}

function spanOf(doc: IndexedDoc): { rev: number; startKey: string; endKey: string } {
  return { rev: doc.rev, startKey: doc.startKey, endKey: doc.endKey };
}
