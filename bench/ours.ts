import type { App } from '../lib/app';
import { MAX_SORT_KEY, MIN_SORT_KEY } from '../lib/dates';
import { searchRange } from '../lib/search/date-range';
import { byId, byRelevance, DEFAULT_RANKING, findMatches, topMatches, type RankingOptions } from '../lib/search/engine';
import { parseQuery } from '../lib/search/query-parser';
import { planQuery } from '../lib/search/query-plan';
import type { ShardReader } from '../lib/search/shard';
import { ShardCache } from '../lib/search/shard-cache';
import type { ShardStore } from '../lib/search/shard-store';
import type { EngineAnswer, KeyBounds } from './baselines/fts5';
import type { BenchQuery } from './queries';

/** The search URL of a query, as a browser would send it. */
export function searchPath(timeline: string, query: Pick<BenchQuery, 'q' | 'from' | 'to'>, limit = 10): string {
  const params = new URLSearchParams({ q: query.q, limit: String(limit) });
  if (query.from) params.set('from', query.from);
  if (query.to) params.set('to', query.to);
  return `/v1/timelines/${timeline}/search?${params}`;
}

/** One search through the whole HTTP stack; the body is read as text, as a client receives it. */
export async function searchThroughApi(app: App, path: string): Promise<string> {
  const response = await app.request(path);
  const body = await response.text();
  if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${body.slice(0, 300)}`);
  return body;
}

/** Our answer (total and top ids) to a query, through the API. */
export async function answerThroughApi(app: App, timeline: string, query: BenchQuery): Promise<EngineAnswer> {
  const body = JSON.parse(await searchThroughApi(app, searchPath(timeline, query))) as { total: number; hits: { id: string }[] };
  return { total: body.total, top: body.hits.map((hit) => hit.id) };
}

/** The sort-key bounds of a query's range, as the API computes them. */
export function boundsOf(query: Pick<BenchQuery, 'from' | 'to'>): KeyBounds {
  if (!query.from && !query.to) return { fromKey: MIN_SORT_KEY, toKey: MAX_SORT_KEY };
  const range = searchRange(query.from, query.to, []);
  return { fromKey: range.fromKey, toKey: range.toKey };
}

/**
 * Our engine without the service around it: every shard of a timeline loaded once, then per query
 * parse, plan, prune shards by date, match and score (`findMatches`) and pick the top ten. No manifest
 * read, no facets, histogram or snippets: the work FTS5 and MiniSearch are asked to do.
 */
export class LoadedIndex {
  private constructor(private readonly shards: { reader: ShardReader; minStart: string; maxEnd: string }[]) {}

  /** Reads and parses every shard named in the timeline's manifest, texts included (phrase checks read them). */
  static async load(store: ShardStore, timeline: string): Promise<LoadedIndex> {
    const manifest = await store.getManifest(timeline);
    const metas = Object.values(manifest?.shards ?? {}).filter((shard) => shard.count > 0);
    const cache = new ShardCache(store, { maxCompressedBytes: Number.POSITIVE_INFINITY });
    const shards = await Promise.all(
      metas.map(async (meta) => (await cache.readers(timeline, [meta])).map((reader) => ({ reader, minStart: meta.minStart!, maxEnd: meta.maxEnd! }))),
    );
    await Promise.all(shards.flat().map(({ reader }) => reader.loadTexts()));
    return new LoadedIndex(shards.flat());
  }

  /** Number of segments loaded. */
  get shardCount(): number {
    return this.shards.length;
  }

  /** The loaded shards' readers. */
  get readers(): ShardReader[] {
    return this.shards.map((shard) => shard.reader);
  }

  /** Scored matches of a raw `q` within bounds, best first; `limit` of them with the exact total. */
  search(q: string, { fromKey, toKey }: KeyBounds, ranking: RankingOptions = DEFAULT_RANKING, limit = 10): EngineAnswer {
    const parsed = parseQuery(q);
    const plan = parsed.root ? planQuery(parsed.root) : undefined;
    const readers = this.shards.filter((shard) => shard.minStart <= toKey && shard.maxEnd >= fromKey).map((shard) => shard.reader);
    const { matches, total } = findMatches(readers, { plan, empty: Boolean(parsed.root) && !plan, fromKey, toKey, facets: [] }, ranking);
    return { total, top: topMatches(matches, byRelevance, limit).map((match) => match.doc.id) };
  }
}

/** The `limit` best of scored items (score descending, id ascending), without sorting them all. */
export function topByScore<T extends { score: number; doc: { id: string } }>(items: readonly T[], limit: number): T[] {
  const better = (a: T, b: T) => b.score - a.score || byId(a.doc, b.doc);
  const top: T[] = [];
  for (const item of items) {
    if (top.length === limit && better(item, top[limit - 1]!) >= 0) continue;
    let at = top.length;
    while (at > 0 && better(item, top[at - 1]!) < 0) at -= 1;
    top.splice(at, 0, item);
    if (top.length > limit) top.pop();
  }
  return top;
}
