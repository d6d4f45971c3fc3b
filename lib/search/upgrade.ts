import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventStore } from '../event-store';
import type { Tables } from '../table';
import { SearchIndexer } from './indexer';
import { reindexTimeline } from './reindex';
import { ShardStore } from './shard-store';

/** One index brought up to date, and why it had to be. */
export interface UpgradedIndex {
  timeline: string;
  /** `moved`: it lived in the events table, as before the index had a table of its own; `outdated`: a format this version does not read. */
  reason: 'moved' | 'outdated';
  events: number;
  shards: number;
}

/**
 * Brings the indexes a local store kept from an earlier version up to this one, by rebuilding them from
 * the events: those still in the events table are rebuilt in the index table and then removed from the
 * events table; those in an earlier format are rebuilt in place.
 */
export async function upgradeIndexes(client: DynamoDBClient, tables: Tables, events: EventStore): Promise<UpgradedIndex[]> {
  const index = new ShardStore(client, tables.INDEX_TABLE_NAME);
  const indexer = new SearchIndexer(index);
  const upgraded: UpgradedIndex[] = [];
  const legacy = new ShardStore(client, tables.TABLE_NAME);
  for (const timeline of await legacy.timelines()) {
    const report = await reindexTimeline(events, indexer, timeline);
    await legacy.dropIndex(timeline);
    upgraded.push({ timeline, reason: 'moved', events: report.events, shards: report.shards });
  }
  for (const timeline of await index.outdatedTimelines()) {
    const report = await reindexTimeline(events, indexer, timeline);
    upgraded.push({ timeline, reason: 'outdated', events: report.events, shards: report.shards });
  }
  return upgraded;
}
