import type { Options } from 'minisearch';
import SearchableMap from 'minisearch/SearchableMap';
import { z } from 'zod';
import { Precision } from '../dates';
import type { TimelineEvent } from '../event-schema';
import { forEachPosting, PostingsWriter } from './segment-codec';
import { analyze, processTerm, tokenize } from './text';

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

/**
 * The MiniSearch configuration our shards reproduce: same fields, tokenizer, term processing and
 * field lengths, so an unpartitioned MiniSearch built with it ranks as our shards do (tested).
 */
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

/** A stored segment of a shard, as the writer makes it and the reader reads it (`segment-codec` stores it). */
export interface ShardData {
  /** Documents by short id, what every query reads of them: the reader uses them as they are. */
  docs: ShardDoc[];
  /** The rest of a document, by short id: only hits and phrase checks read it, so it is decoded when asked (after `loadTexts`). */
  text(shortId: number): DocText;
  /** Reads the segment's texts if they are stored apart and not read yet; once, whoever asks. */
  loadTexts(): Promise<void>;
  /** The indexed terms, sorted, so a term's id is found by binary search instead of building a Map. */
  terms: string[];
  /** The postings of every term, encoded one after another (`PostingsWriter`); decoded as queries ask. */
  postings: Uint8Array;
  /** Where each term's postings start in `postings`, and where the last one ends. */
  offsets: Uint32Array;
  /** In a delta segment: ids of documents of earlier segments of the shard that were deleted. */
  removed?: string[];
}

/** A document's field lengths and term frequencies per field, analyzed as MiniSearch does it. */
interface AnalyzedDoc {
  doc: IndexedDoc;
  lengths: number[];
  /** Term → frequency per field id. */
  terms: Map<string, number[]>;
}

function analyzeDoc(doc: IndexedDoc): AnalyzedDoc {
  const lengths: number[] = [];
  const terms = new Map<string, number[]>();
  SEARCH_FIELDS.forEach((field, fieldId) => {
    const value = doc[field];
    const tokens = tokenize(Array.isArray(value) ? value.join('\n') : value);
    lengths.push(new Set(tokens).size);
    for (const token of tokens) {
      const term = processTerm(token);
      if (!term) continue;
      let counts = terms.get(term);
      if (!counts) terms.set(term, (counts = SEARCH_FIELDS.map(() => 0)));
      counts[fieldId]! += 1;
    }
  });
  return { doc, lengths, terms };
}

/**
 * A shard being changed by the indexer: documents with their analyzed terms, so adding, replacing
 * or removing one costs only that document, and writing the shard is one pass over its postings.
 */
export class ShardWriter {
  private readonly docs = new Map<string, AnalyzedDoc>();
  // Upserted or removed since the shard's base segment was written: what a merged delta must hold.
  private readonly changed = new Set<string>();
  private readonly removedSinceBase = new Set<string>();

  /**
   * A writer holding a shard's documents, from its stored segments oldest first: a later segment's
   * documents replace earlier copies and its removals delete them. Documents of the segments after
   * the first are remembered as changed since the base, for `changedSinceBase`.
   */
  static from(...segments: ShardData[]): ShardWriter {
    const writer = new ShardWriter();
    segments.forEach((data, i) => {
      for (const id of data.removed ?? []) writer.remove(id);
      for (const entry of analyzedEntries(data)) {
        writer.docs.set(entry.doc.id, entry);
        if (i > 0) writer.changed.add(entry.doc.id);
      }
    });
    return writer;
  }

  /** Number of documents. */
  get size(): number {
    return this.docs.size;
  }

  /** The stored document with this id. */
  get(id: string): IndexedDoc | undefined {
    return this.docs.get(id)?.doc;
  }

  /** Adds a document or replaces the one with its id. */
  upsert(doc: IndexedDoc): void {
    this.docs.set(doc.id, analyzeDoc(doc));
    this.changed.add(doc.id);
  }

  /** Removes a document; false when it was not there. */
  remove(id: string): boolean {
    this.changed.delete(id);
    this.removedSinceBase.add(id);
    return this.docs.delete(id);
  }

  /**
   * Documents upserted and ids removed since the base segment: the content of one delta replacing
   * all others. A removed id that came back is in both; the delta's own copy is the one that counts.
   */
  changedSinceBase(): { ids: string[]; removed: string[] } {
    return { ids: [...this.changed], removed: [...this.removedSinceBase] };
  }

  /** Call once every document was written into a new base segment. */
  markBase(): void {
    this.changed.clear();
    this.removedSinceBase.clear();
  }

  /** A writer over some of the documents, sharing their analysis (nothing is tokenized again). */
  subset(ids: Iterable<string>): ShardWriter {
    const writer = new ShardWriter();
    for (const id of ids) {
      const entry = this.docs.get(id);
      if (entry) writer.docs.set(id, entry);
    }
    return writer;
  }

  /** Moves documents out into a writer of their own, as if they had never been added here. */
  detach(ids: readonly string[]): ShardWriter {
    const moved = this.subset(ids);
    for (const id of ids) {
      this.docs.delete(id);
      this.changed.delete(id);
    }
    return moved;
  }

  /** The latest start key among the documents ('' when empty). */
  lastStartKey(): string {
    let last = '';
    for (const { doc } of this.docs.values()) if (doc.startKey > last) last = doc.startKey;
    return last;
  }

  /** Every document. */
  documents(): IndexedDoc[] {
    return [...this.docs.values()].map((entry) => entry.doc);
  }

  /** The documents as a stored segment; a delta also names the earlier documents it deletes. */
  toData(removed: string[] = []): ShardData {
    const entries = [...this.docs.values()];
    // Each term's documents and their counts, gathered in one pass: looking each term up again in every
    // document's map, posting by posting, was the hottest line of writing a segment.
    const byTerm = new Map<string, { docs: number[]; counts: number[][] }>();
    entries.forEach(({ terms }, d) => {
      terms.forEach((counts, term) => {
        const postings = byTerm.get(term);
        if (!postings) byTerm.set(term, { docs: [d], counts: [counts] });
        else {
          postings.docs.push(d);
          postings.counts.push(counts);
        }
      });
    });
    const terms = [...byTerm.keys()].sort();
    const writer = new PostingsWriter();
    for (const term of terms) {
      if (term.includes('\n')) throw new Error(`term ${JSON.stringify(term)} holds the dictionary's separator`);
      const { docs, counts } = byTerm.get(term)!;
      for (let i = 0; i < docs.length; i += 1) {
        const fields = counts[i]!;
        for (let field = 0; field < fields.length; field += 1) if (fields[field]) writer.add(docs[i]!, field, fields[field]!);
      }
      writer.endTerm();
    }
    const split = entries.map(({ doc, lengths }) => splitDoc(doc, lengths));
    const data: ShardData = { docs: split.map(([keys]) => keys), text: (shortId) => split[shortId]![1], loadTexts: () => Promise.resolve(), terms, ...writer.finish() };
    return removed.length ? { ...data, removed } : data;
  }
}

function analyzedEntries(data: ShardData): AnalyzedDoc[] {
  const analyzed = data.docs.map(({ fieldLength, ...keys }, i) => ({ doc: { ...keys, ...data.text(i) }, lengths: fieldLength, terms: new Map<string, number[]>() }));
  data.terms.forEach((term, t) => {
    forEachPosting(data, t, (d, field, tf) => {
      const terms = analyzed[d]!.terms;
      let counts = terms.get(term);
      if (!counts) terms.set(term, (counts = SEARCH_FIELDS.map(() => 0)));
      counts[field] = tf;
    });
  });
  return analyzed;
}

/** Postings of one term: field id, then document short id, then term frequency. */
export type Postings = Map<number, Map<number, number>>;

/**
 * What any query may read of every document of a segment (to filter by date and facet, rank and
 * sort), with the lengths of its fields.
 */
export interface ShardDoc extends Pick<IndexedDoc, 'id' | 'startKey' | 'endKey' | 'precision' | 'tags' | 'places' | 'people'> {
  /** Distinct token count per field id, as MiniSearch measures it. */
  fieldLength: number[];
}

/** The rest of a stored document: its text and dates as written, which only a hit shows. */
export type DocText = Omit<IndexedDoc, keyof ShardDoc>;

function splitDoc(doc: IndexedDoc, fieldLength: number[]): [ShardDoc, DocText] {
  const { id, startKey, endKey, precision, tags, places, people, ...text } = doc;
  return [{ id, startKey, endKey, precision, tags, places, people, fieldLength }, text];
}

/** Field ids, in MiniSearch's numbering (the order of `fields`). */
export const FIELD_IDS = Object.fromEntries(SEARCH_FIELDS.map((field, i) => [field, i])) as Record<SearchField, number>;

// Prefixes a reader remembers the expansions of; past this many it starts over.
const PREFIX_MEMO_LIMIT = 256;

/** What a segment's readers build once and share, whichever documents a view hides. */
interface SegmentCaches {
  decoded: Map<number, Postings>;
  frequencies: Map<string, number>;
  prefixes: Map<string, [string, Postings][]>;
  // Per document, per field: its terms in order as term ids, for phrase checks (filled as phrases ask).
  sequences: Map<number, Int32Array[]>;
  dictionary?: SearchableMap<number>;
  facetIndexes?: Record<'tags' | 'places' | 'people', Map<string, number[]>>;
  bounds?: { minStart: string; maxEnd: string };
  dateIndex?: DateIndex;
  shortIds?: Map<string, number>;
  avgFieldLength?: number[];
  lengthColumns: Map<string, Float64Array>;
  stored: Map<number, IndexedDoc>;
}

/**
 * A read-only segment of a shard laid out for query planning. Loading it takes the stored data as
 * it is, nothing built per term or per document; a term's postings are decoded the first time a query asks for them, and the
 * SearchableMap for prefix and typo lookups (MiniSearch's radix tree) the first time one is asked for.
 * Documents a later segment replaced or removed stay in the postings and statistics (as deleted
 * documents do in Lucene until a merge) but are `hidden`: the engine never matches them.
 */
export class ShardReader {
  readonly fieldIds = FIELD_IDS;
  /** The documents by short id, for per-document loops that cannot afford a Map lookup. */
  readonly docList: readonly ShardDoc[];

  private constructor(
    private readonly data: ShardData,
    private readonly caches: SegmentCaches,
    readonly hidden: ReadonlySet<number> = new Set(),
  ) {
    this.docList = data.docs;
  }

  /** A reader over stored shard data. */
  static fromData(data: ShardData): ShardReader {
    return new ShardReader(data, {
      decoded: new Map(),
      frequencies: new Map(),
      prefixes: new Map(),
      sequences: new Map(),
      lengthColumns: new Map(),
      stored: new Map(),
    });
  }

  /** Reads the segment's texts, which `storedDoc` and phrase checks need; shared by every view of the segment. */
  loadTexts(): Promise<void> {
    return this.data.loadTexts();
  }

  /** A document as it was indexed, its text included (once `loadTexts` has resolved). */
  storedDoc(shortId: number): IndexedDoc {
    let doc = this.caches.stored.get(shortId);
    if (!doc) {
      const { fieldLength, ...keys } = this.docList[shortId]!;
      doc = { ...keys, ...this.data.text(shortId) };
      this.caches.stored.set(shortId, doc);
    }
    return doc;
  }

  /** Mean length of each field (by field id) over the segment's documents, hidden ones included. */
  get avgFieldLength(): number[] {
    this.caches.avgFieldLength ??= averageLengths(this.docList);
    return this.caches.avgFieldLength;
  }

  /**
   * Each document's length over the fields taken as one, by short id: scoring reads it once per
   * match, and summing the fields' lengths there (past the end of short arrays) cost more than the score.
   */
  combinedLength(fields: readonly SearchField[]): Float64Array {
    const key = fields.join(',');
    let column = this.caches.lengthColumns.get(key);
    if (!column) {
      const fieldIds = fields.map((field) => FIELD_IDS[field]);
      column = Float64Array.from(this.docList, ({ fieldLength }) => fieldIds.reduce((sum, fieldId) => sum + (fieldLength[fieldId] ?? 0), 0));
      this.caches.lengthColumns.set(key, column);
    }
    return column;
  }

  /** The same segment with these documents (by id) hidden, sharing everything loaded so far. */
  hiding(ids: ReadonlySet<string>): ShardReader {
    this.caches.shortIds ??= new Map(this.data.docs.map((doc, i) => [doc.id, i]));
    const hidden = new Set<number>();
    for (const id of ids) {
      const shortId = this.caches.shortIds.get(id);
      if (shortId !== undefined) hidden.add(shortId);
    }
    return hidden.size ? new ShardReader(this.data, this.caches, hidden) : this;
  }

  /** Ids of earlier segments' documents this delta segment deleted. */
  get removedIds(): readonly string[] {
    return this.data.removed ?? [];
  }

  /** Number of documents in the segment, hidden ones included (they count in the statistics). */
  get documentCount(): number {
    return this.docList.length;
  }

  /** Earliest start key of the segment's documents, to skip per-document date checks. */
  get minStart(): string {
    this.caches.bounds ??= keyBounds(this.docList);
    return this.caches.bounds.minStart;
  }

  /** Latest end key of the segment's documents. */
  get maxEnd(): string {
    this.caches.bounds ??= keyBounds(this.docList);
    return this.caches.bounds.maxEnd;
  }

  /** Postings of an indexed term, or undefined when no document has it. */
  postings(term: string): Postings | undefined {
    const id = this.termId(term);
    return id === undefined ? undefined : this.decode(id);
  }

  /** Indexed terms starting with the prefix, with their postings (remembered: a short prefix walks much of the dictionary). */
  withPrefix(prefix: string): readonly [string, Postings][] {
    const { prefixes } = this.caches;
    let found = prefixes.get(prefix);
    if (!found) {
      if (prefixes.size >= PREFIX_MEMO_LIMIT) prefixes.clear();
      found = [...this.searchable().atPrefix(prefix)].map(([term, id]) => [term, this.decode(id)]);
      prefixes.set(prefix, found);
    }
    return found;
  }

  /** Indexed terms within an edit distance, with their postings and distance. */
  near(term: string, maxDistance: number): [string, Postings, number][] {
    return [...this.searchable().fuzzyGet(term, maxDistance)].map(([found, [id, distance]]) => [found, this.decode(id), distance]);
  }

  /** Number of documents holding the term in any of the fields (remembered: it is asked on every query). */
  documentFrequency(term: string, fields: readonly SearchField[]): number {
    const key = `${term}|${fields.join(',')}`;
    let count = this.caches.frequencies.get(key);
    if (count === undefined) {
      const postings = this.postings(term);
      const maps = fields.flatMap((field) => postings?.get(FIELD_IDS[field]) ?? []);
      count = maps.length === 1 ? maps[0]!.size : new Set(maps.flatMap((map) => [...map.keys()])).size;
      this.caches.frequencies.set(key, count);
    }
    return count;
  }

  /** Documents whose tag, place or person equals the value, ignoring case. */
  facetDocs(field: 'tags' | 'places' | 'people', value: string): number[] {
    this.caches.facetIndexes ??= buildFacetIndexes(this.docList);
    return this.caches.facetIndexes[field].get(value.toLowerCase()) ?? [];
  }

  /**
   * The documents whose dates overlap the range. `size` is an upper bound found by binary search
   * alone, so a query can decide to walk this set before paying for walking it.
   */
  inRange(fromKey: string, toKey: string): { size: number; docs(): number[] } {
    this.caches.dateIndex ??= buildDateIndex(this.docList);
    const docs = this.docList;
    const spans = this.caches.dateIndex.tiers.map(({ prefixLength, ids, starts }) => ({
      ids,
      // A document ending in the month (or year) it starts overlaps the range only if it starts in the range's first month (or year) or later.
      low: prefixLength ? lowerBound(starts, fromKey.slice(0, prefixLength)) : 0,
      high: prefixLength ? upperBound(starts, toKey) : ids.length,
    }));
    return {
      size: spans.reduce((sum, { low, high }) => sum + Math.max(0, high - low), 0),
      docs() {
        const found: number[] = [];
        for (const { ids, low, high } of spans) {
          for (let i = low; i < high; i += 1) {
            const doc = docs[ids[i]!]!;
            if (doc.startKey <= toKey && doc.endKey >= fromKey) found.push(ids[i]!);
          }
        }
        return found;
      },
    };
  }

  /**
   * Checks whether a document holds the terms side by side, in order, in a field. The terms are
   * looked up once here: a phrase over a whole timeline checks thousands of documents.
   */
  sequenceCheck(terms: readonly string[]): (doc: number, field: SearchField) => boolean {
    const needle: number[] = [];
    for (const term of terms) {
      const id = this.termId(term);
      if (id === undefined) return () => false;
      needle.push(id);
    }
    return (doc, field) => containsSequence(this.sequence(doc, FIELD_IDS[field]), needle);
  }

  // Analyzing a document's text is the costly part of a phrase check; a document is analyzed once.
  private sequence(doc: number, fieldId: number): Int32Array {
    let fields = this.caches.sequences.get(doc);
    if (!fields) {
      const stored = this.storedDoc(doc);
      fields = SEARCH_FIELDS.map((field) => {
        const value = stored[field];
        return Int32Array.from(analyze(Array.isArray(value) ? value.join('\n') : value), (term) => this.termId(term) ?? -1);
      });
      this.caches.sequences.set(doc, fields);
    }
    return fields[fieldId]!;
  }

  private searchable(): SearchableMap<number> {
    this.caches.dictionary ??= SearchableMap.from(this.data.terms.map((term, id): [string, number] => [term, id]));
    return this.caches.dictionary;
  }

  private termId(term: string): number | undefined {
    const { terms } = this.data;
    const at = lowerBound(terms, term);
    return terms[at] === term ? at : undefined;
  }

  private decode(id: number): Postings {
    let postings = this.caches.decoded.get(id);
    if (postings) return postings;
    const decoded: Postings = new Map();
    forEachPosting(this.data, id, (doc, field, tf) => {
      let byDoc = decoded.get(field);
      if (!byDoc) decoded.set(field, (byDoc = new Map()));
      byDoc.set(doc, tf);
    });
    this.caches.decoded.set(id, decoded);
    postings = decoded;
    return postings;
  }
}

/**
 * The readers of a shard's segments (oldest first), each hiding what a later segment replaced or
 * removed: together they answer as one segment holding the shard's current documents would.
 */
export function layered(segments: readonly ShardReader[]): ShardReader[] {
  const superseded = new Set<string>();
  const views: ShardReader[] = [];
  for (let i = segments.length - 1; i >= 0; i -= 1) {
    const segment = segments[i]!;
    views.push(superseded.size ? segment.hiding(superseded) : segment);
    if (i === 0) break;
    for (const doc of segment.docList) superseded.add(doc.id);
    for (const id of segment.removedIds) superseded.add(id);
  }
  return views.reverse();
}

/**
 * Documents by start date, in tiers by how far they reach: those ending in the month they start
 * (most day- and month-precision dates), those ending in the year they start (year precision),
 * and the few longer spans, checked one by one. Within a tier, documents are in start order.
 */
interface DateIndex {
  tiers: { prefixLength: number; ids: Int32Array; starts: string[] }[];
}

// Sort-key prefixes: `12022-06` is a month, `12022` a year; 0 stands for "anything longer".
const TIER_PREFIXES = [8, 5, 0];

function buildDateIndex(docs: readonly ShardDoc[]): DateIndex {
  const members: number[][] = TIER_PREFIXES.map(() => []);
  docs.forEach((doc, id) => {
    const tier = TIER_PREFIXES.findIndex((length) => length === 0 || doc.endKey.slice(0, length) === doc.startKey.slice(0, length));
    members[tier]!.push(id);
  });
  const byStart = (a: number, b: number) => (docs[a]!.startKey < docs[b]!.startKey ? -1 : docs[a]!.startKey > docs[b]!.startKey ? 1 : a - b);
  return {
    tiers: TIER_PREFIXES.map((prefixLength, tier) => {
      const ids = members[tier]!.sort(byStart);
      return { prefixLength, ids: Int32Array.from(ids), starts: ids.map((id) => docs[id]!.startKey) };
    }),
  };
}

/** First position whose key is at least `key`. */
function lowerBound(sorted: readonly string[], key: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid]! < key) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** First position whose key is greater than `key`. */
function upperBound(sorted: readonly string[], key: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid]! <= key) low = mid + 1;
    else high = mid;
  }
  return low;
}

function containsSequence(haystack: Int32Array, needle: readonly number[]): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i += 1) {
    for (let j = 0; j < needle.length; j += 1) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

function keyBounds(docs: readonly ShardDoc[]): { minStart: string; maxEnd: string } {
  let minStart = '~';
  let maxEnd = '';
  for (const doc of docs) {
    if (doc.startKey < minStart) minStart = doc.startKey;
    if (doc.endKey > maxEnd) maxEnd = doc.endKey;
  }
  return { minStart, maxEnd };
}

function averageLengths(docs: readonly ShardDoc[]): number[] {
  const totals = SEARCH_FIELDS.map(() => 0);
  for (const doc of docs) doc.fieldLength.forEach((length, field) => (totals[field]! += length));
  return totals.map((total) => (docs.length ? total / docs.length : 0));
}

function buildFacetIndexes(docs: readonly ShardDoc[]): Record<'tags' | 'places' | 'people', Map<string, number[]>> {
  const indexes = { tags: new Map<string, number[]>(), places: new Map<string, number[]>(), people: new Map<string, number[]>() };
  for (const [shortId, doc] of docs.entries()) {
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
