import { spanKeys } from '../event-schema';
import type { EventStore } from '../event-store';
import type { SearchIndexer } from './indexer';
import { toIndexedDoc, type IndexedDoc } from './shard';

/** What a rebuild produced. */
export interface ReindexReport {
  timeline: string;
  events: number;
  shards: number;
  tookMs: number;
}

/**
 * Rebuilds a timeline's index from the events table, the source of truth. It reads a snapshot:
 * an event written while it runs can be left out, so run it when writes have settled.
 */
export async function reindexTimeline(events: EventStore, indexer: SearchIndexer, timeline: string): Promise<ReindexReport> {
  const started = performance.now();
  const docs: IndexedDoc[] = [];
  for await (const page of events.allEvents(timeline)) {
    for (const { event, rev } of page) docs.push(toIndexedDoc(event, { ...spanKeys(event.date), rev }));
  }
  const manifest = await indexer.rebuild(timeline, docs);
  return { timeline, events: docs.length, shards: Object.keys(manifest.shards).length, tookMs: Math.round(performance.now() - started) };
}
