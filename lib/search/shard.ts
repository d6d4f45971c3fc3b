import { gunzipSync, gzipSync } from 'node:zlib';
import MiniSearch, { type AsPlainObject, type Options } from 'minisearch';
import SearchableMap from 'minisearch/SearchableMap';
import { z } from 'zod';
import { Precision } from '../dates';
import type { TimelineEvent } from '../event-schema';
import { processTerm, tokenize } from './text';

/** Fields searched, in the order MiniSearch numbers them. */
export const SEARCH_FIELDS = ['title', 'text', 'tags', 'places', 'people'] as const;
export type SearchField = (typeof SEARCH_FIELDS)[number];

/** What a shard keeps of each event: enough to search, filter, rank, highlight and answer without a table read. */
export const IndexedDoc = z.object({
  id: z.string().min(1),
  title: z.string(),
  text: z.string(),
  tags: z.array(z.string()),
  places: z.array(z.string()),
  people: z.array(z.string()),
  start: z.string(),
  end: z.string().optional(),
  precision: z.enum(Precision),
  display: z.string(),
  startKey: z.string().length(20),
  endKey: z.string().length(20),
  rev: z.number().int(),
});
export type IndexedDoc = z.infer<typeof IndexedDoc>;

/** The indexed form of an event, given its span keys and revision. */
export function toIndexedDoc(
  event: Pick<TimelineEvent, 'id' | 'title' | 'text' | 'tags' | 'places' | 'people' | 'date'>,
  { startKey, endKey, rev }: { startKey: string; endKey: string; rev: number },
): IndexedDoc {
  return {
    id: event.id,
    title: event.title,
    text: event.text,
    tags: event.tags,
    places: event.places,
    people: event.people,
    start: event.date.start,
    ...(event.date.end ? { end: event.date.end } : {}),
    precision: event.date.precision,
    display: event.date.display,
    startKey,
    endKey,
    rev,
  };
}

const STORED_FIELDS = Object.keys(IndexedDoc.shape).filter((field) => field !== 'id');

/** MiniSearch options shared by the indexer, the reader and any unpartitioned comparison index. */
export const MINISEARCH_OPTIONS: Options<IndexedDoc> = {
  idField: 'id',
  fields: [...SEARCH_FIELDS],
  storeFields: STORED_FIELDS,
  tokenize,
  processTerm: (term) => processTerm(term) ?? false,
  // Stored as they are; lists are indexed as lines of text, so "New York" in places is found by "york".
  stringifyField: (value: unknown) => (Array.isArray(value) ? value.join('\n') : String(value ?? '')),
  autoVacuum: false,
};

/** An empty writable shard. */
export function newMiniSearch(): MiniSearch<IndexedDoc> {
  return new MiniSearch<IndexedDoc>(MINISEARCH_OPTIONS);
}

/** Compressed bytes of a shard, as stored in DynamoDB. */
export function serializeShard(json: AsPlainObject): Buffer {
  return gzipSync(JSON.stringify(json), { level: 4 });
}

/** The plain MiniSearch JSON inside stored bytes. */
export function parseShard(bytes: Uint8Array): AsPlainObject {
  return JSON.parse(gunzipSync(bytes).toString('utf8')) as AsPlainObject;
}

/** A writable MiniSearch from stored bytes (the indexer's side). */
export function loadMiniSearch(bytes: Uint8Array): MiniSearch<IndexedDoc> {
  return MiniSearch.loadJS(parseShard(bytes), MINISEARCH_OPTIONS);
}

/** Postings of one term: field id, then document short id, then term frequency. */
export type Postings = Map<number, Map<number, number>>;

/** A stored document with the lengths of its fields, as the reader sees it. */
export interface ShardDoc extends IndexedDoc {
  /** Token count per field id, as MiniSearch measured it. */
  fieldLength: number[];
}

/**
 * A read-only shard laid out for query planning: the term dictionary (prefix and fuzzy lookups
 * through MiniSearch's SearchableMap) with postings that can be probed by document, which lets
 * an AND start from its rarest term instead of scoring every posting of a common one.
 */
export class ShardReader {
  private facetIndexes?: Record<'tags' | 'places' | 'people', Map<string, number[]>>;
  private bounds?: { minStart: string; maxEnd: string };

  private constructor(
    readonly terms: SearchableMap<Postings>,
    readonly docs: Map<number, ShardDoc>,
    readonly fieldIds: Record<string, number>,
    readonly avgFieldLength: number[],
  ) {}

  /** Builds a reader from MiniSearch's serialized form. */
  static fromJSON(json: AsPlainObject): ShardReader {
    const docs = new Map<number, ShardDoc>();
    for (const [shortId, id] of Object.entries(json.documentIds)) {
      const stored = json.storedFields[shortId] as Omit<IndexedDoc, 'id'>;
      docs.set(Number(shortId), { ...stored, id: String(id), fieldLength: json.fieldLength[shortId] ?? [] });
    }
    const terms = new SearchableMap<Postings>();
    for (const [term, byField] of json.index) {
      const postings: Postings = new Map();
      for (const [fieldId, byDoc] of Object.entries(byField)) {
        postings.set(Number(fieldId), new Map(Object.entries(byDoc).map(([doc, tf]) => [Number(doc), tf])));
      }
      terms.set(term, postings);
    }
    return new ShardReader(terms, docs, json.fieldIds, json.averageFieldLength);
  }

  /** Earliest start and latest end key of the shard's documents, to skip per-document date checks. */
  get minStart(): string {
    this.bounds ??= keyBounds(this.docs);
    return this.bounds.minStart;
  }

  get maxEnd(): string {
    this.bounds ??= keyBounds(this.docs);
    return this.bounds.maxEnd;
  }

  /** Number of documents in the shard. */
  get documentCount(): number {
    return this.docs.size;
  }

  /** Documents whose tag, place or person equals the value, ignoring case. */
  facetDocs(field: 'tags' | 'places' | 'people', value: string): number[] {
    this.facetIndexes ??= buildFacetIndexes(this.docs);
    return this.facetIndexes[field].get(value.toLowerCase()) ?? [];
  }
}

function keyBounds(docs: Map<number, ShardDoc>): { minStart: string; maxEnd: string } {
  let minStart = '~';
  let maxEnd = '';
  for (const doc of docs.values()) {
    if (doc.startKey < minStart) minStart = doc.startKey;
    if (doc.endKey > maxEnd) maxEnd = doc.endKey;
  }
  return { minStart, maxEnd };
}

function buildFacetIndexes(docs: Map<number, ShardDoc>): Record<'tags' | 'places' | 'people', Map<string, number[]>> {
  const indexes = { tags: new Map<string, number[]>(), places: new Map<string, number[]>(), people: new Map<string, number[]>() };
  for (const [shortId, doc] of docs) {
    for (const field of ['tags', 'places', 'people'] as const) {
      for (const value of doc[field]) {
        const key = value.toLowerCase();
        const list = indexes[field].get(key);
        if (list) list.push(shortId);
        else indexes[field].set(key, [shortId]);
      }
    }
  }
  return indexes;
}
