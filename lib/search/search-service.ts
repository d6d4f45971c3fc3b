import { z } from 'zod';
import { decodeCursor, encodeCursor } from '../cursor';
import { BadRequestError } from '../errors';
import { countFacets, histogram } from './aggregations';
import { searchRange, type KeyRange } from './date-range';
import { byId, byRelevance, DEFAULT_RANKING, findMatches, topMatches, type Match, type MatchOrder, type RankingOptions, type ShardMatches } from './engine';
import { parseQuery, QuerySyntaxError, type ParsedQuery } from './query-parser';
import { hasPhrase, planQuery, type PlanNode } from './query-plan';
import type { SearchHit, SearchQuery, SearchResult } from './search-schema';
import type { ShardReader } from './shard';
import { ShardCache, type ShardCacheOptions } from './shard-cache';
import { StaleShardError, type Manifest, type ShardMeta, type ShardStore } from './shard-store';
import { escapeHtml, MatchedTerms, snippet } from './snippets';

type Sort = 'relevance' | 'date' | '-date';

// Keyset position of the last hit of a page: its score or date, then its id.
const SearchCursor = z.object({ sort: z.enum(['relevance', 'date', '-date']), key: z.union([z.number(), z.string()]), id: z.string() });
type SearchCursor = z.infer<typeof SearchCursor>;

/** How long a warm instance trusts the manifest it read, and how much it keeps in memory. */
export interface SearchServiceOptions extends ShardCacheOptions {
  /**
   * A manifest read costs a DynamoDB round trip (a few ms) on every search; within this window a
   * warm instance answers from memory alone. New events show up at most this much later. In the
   * second half of the window a search still answers from memory and starts the next read, so under
   * steady traffic no search waits for one.
   * @default 1000 ms
   */
  readonly manifestTtlMs?: number;
}

/** Answers searches from the shards of a timeline's index, loading only those the date range needs. */
export class SearchService {
  private readonly cache: ShardCache;
  private readonly manifests = new Map<string, { manifest: Manifest | undefined; readAt: number }>();
  private readonly rereads = new Map<string, { read: Promise<Manifest | undefined>; startedAt: number }>();
  private readonly manifestTtlMs: number;

  constructor(
    private readonly store: ShardStore,
    private readonly ranking: RankingOptions = DEFAULT_RANKING,
    options: SearchServiceOptions = {},
  ) {
    this.cache = new ShardCache(store, options);
    this.manifestTtlMs = options.manifestTtlMs ?? 1000;
  }

  /** Runs one search: parse, prune shards by date, match, aggregate, rank and page. */
  async search(timeline: string, query: SearchQuery): Promise<SearchResult> {
    const started = performance.now();
    const parsed = parse(query.q);
    const range = searchRange(query.from, query.to, parsed.dates);
    const plan = parsed.root ? planQuery(parsed.root) : undefined;
    const sort: Sort = query.sort ?? (parsed.root ? 'relevance' : 'date');
    const cursor = query.cursor ? decodeCursor(query.cursor, SearchCursor) : undefined;
    if (cursor && cursor.sort !== sort) throw new BadRequestError(`cursor was made for sort=${cursor.sort}, not sort=${sort}`);

    const engineQuery = { plan, empty: Boolean(parsed.root) && !plan, facets: facetFilters(query), fromKey: range.fromKey, toKey: range.toKey };
    const { matches, total, terms, ordered } = await this.withReaders(timeline, range, async (readers) => {
      // Phrase checks read the texts of every candidate; other queries read only those of the hits shown.
      if (plan && hasPhrase(plan)) await loadTexts(readers);
      const found = findMatches(readers, engineQuery, this.ranking);
      const ordered = topAfter(found.matches, sort, cursor, query.limit + 1);
      await loadTexts(ordered.slice(0, query.limit).map((match) => match.shard));
      return { ...found, ordered };
    });
    const page = ordered.slice(0, query.limit);
    const highlighted = new MatchedTerms(terms);
    const last = page.at(-1);
    return {
      total,
      hits: page.map((match) => toHit(match, highlighted)),
      facets: countFacets(matches),
      histogram: histogram(matches, { fromKey: range.open.from ? undefined : range.fromKey, toKey: range.open.to ? undefined : range.toKey }, query.interval),
      ...(ordered.length > query.limit && last ? { nextCursor: encodeCursor(cursorAt(last, sort)) } : {}),
      took: Math.round((performance.now() - started) * 100) / 100,
    };
  }

  /** Runs `use` on the segment readers of the shards the range overlaps, again on a fresh manifest if a shard vanished under it. */
  private async withReaders<T>(timeline: string, range: KeyRange, use: (readers: ShardReader[]) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      const manifest = await this.manifest(timeline, attempt > 0);
      const shards = shardsOf(manifest).filter((shard) => overlaps(shard, range));
      try {
        return await use(await this.cache.readers(timeline, shards));
      } catch (error) {
        if (!(error instanceof StaleShardError) || attempt === 3) throw error;
      }
    }
  }

  private async manifest(timeline: string, fresh: boolean): Promise<Manifest | undefined> {
    // With no TTL a search must see every commit before it began, so it cannot share a read begun earlier.
    if (fresh || this.manifestTtlMs === 0) return this.readManifest(timeline);
    const cached = this.manifests.get(timeline);
    const age = cached ? performance.now() - cached.readAt : Number.POSITIVE_INFINITY;
    if (age >= this.manifestTtlMs) return this.reread(timeline);
    if (age >= this.manifestTtlMs / 2) {
      // A failed read in the background is not this search's failure: the search past the TTL reads again and reports it.
      this.reread(timeline).catch(() => undefined);
    }
    return cached!.manifest;
  }

  /**
   * One read at a time per timeline: searches that need a newer manifest share the one under way, unless it began
   * a TTL ago or more (a Lambda frozen between invocations resumes reads it began before the freeze).
   */
  private reread(timeline: string): Promise<Manifest | undefined> {
    const pending = this.rereads.get(timeline);
    if (pending && performance.now() - pending.startedAt < this.manifestTtlMs) return pending.read;
    const started = { read: this.readManifest(timeline), startedAt: performance.now() };
    this.rereads.set(timeline, started);
    void started.read.finally(() => this.rereads.get(timeline) === started && this.rereads.delete(timeline)).catch(() => undefined);
    return started.read;
  }

  private async readManifest(timeline: string): Promise<Manifest | undefined> {
    // Its age counts from the request: it may hold nothing committed after that.
    const readAt = performance.now();
    const manifest = await this.store.getManifest(timeline);
    // A slower read begun earlier must not replace a newer copy.
    if ((this.manifests.get(timeline)?.readAt ?? -1) > readAt) return manifest;
    this.manifests.set(timeline, { manifest, readAt });
    this.cache.retain(timeline, Object.values(manifest?.shards ?? {}));
    return manifest;
  }
}

function parse(q: string): ParsedQuery {
  try {
    return parseQuery(q);
  } catch (error) {
    if (error instanceof QuerySyntaxError) throw new BadRequestError(`q: ${error.message} (at character ${error.position + 1})`);
    throw error;
  }
}

// A warm instance reads a manifest once a second and searches it many times: list its shards once.
const shardLists = new WeakMap<Manifest, ShardMeta[]>();

function shardsOf(manifest: Manifest | undefined): ShardMeta[] {
  if (!manifest) return [];
  let shards = shardLists.get(manifest);
  if (!shards) shardLists.set(manifest, (shards = Object.values(manifest.shards)));
  return shards;
}

function overlaps(shard: ShardMeta, range: KeyRange): boolean {
  return shard.count > 0 && shard.minStart! <= range.toKey && shard.maxEnd! >= range.fromKey;
}

function loadTexts(readers: Iterable<ShardReader>): Promise<unknown> {
  return Promise.all([...new Set(readers)].map((reader) => reader.loadTexts()));
}

function facetFilters(query: SearchQuery): PlanNode[] {
  return [
    ...query.tag.map((value) => ({ type: 'facet', field: 'tags', value }) as const),
    ...query.place.map((value) => ({ type: 'facet', field: 'places', value }) as const),
    ...query.person.map((value) => ({ type: 'facet', field: 'people', value }) as const),
  ];
}

/** Orders matches for the sort and keeps the `count` first after the cursor. */
function topAfter(matches: readonly ShardMatches[], sort: Sort, cursor: SearchCursor | undefined, count: number): Match[] {
  const order = orderFor(sort);
  if (!cursor) return topMatches(matches, order, count);
  const { score, doc } = cursorPosition(cursor);
  return topMatches(matches, order, count, (matchScore, matchDoc) => order(matchScore, matchDoc, score, doc) > 0);
}

function orderFor(sort: Sort): MatchOrder {
  if (sort === 'relevance') return byRelevance;
  const direction = sort === 'date' ? 1 : -1;
  return (_a, aDoc, _b, bDoc) => direction * (aDoc.startKey < bDoc.startKey ? -1 : aDoc.startKey > bDoc.startKey ? 1 : 0) || byId(aDoc, bDoc);
}

function cursorAt(match: Match, sort: Sort): SearchCursor {
  return { sort, key: sort === 'relevance' ? match.score : match.doc.startKey, id: match.doc.id };
}

function cursorPosition(cursor: SearchCursor): { score: number; doc: { id: string; startKey: string } } {
  const startKey = typeof cursor.key === 'string' ? cursor.key : '';
  const score = typeof cursor.key === 'number' ? cursor.key : 0;
  return { score, doc: { id: cursor.id, startKey } };
}

function toHit(match: Match, highlighted: MatchedTerms): SearchHit {
  const doc = match.storedDoc;
  return {
    id: doc.id,
    date: { start: doc.start, ...(doc.end ? { end: doc.end } : {}), precision: doc.precision, display: doc.display },
    title: doc.title,
    score: Math.round(match.score * 1000) / 1000,
    tags: doc.tags,
    places: doc.places,
    people: doc.people,
    titleHtml: snippet(doc.title, highlighted, 1000) || escapeHtml(doc.title),
    snippet: snippet(doc.text, highlighted),
    matchedFields: [...match.fields],
  };
}

