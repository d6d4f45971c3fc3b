import { expand, scoringSpecs, specKey, type Expansion, type PlanNode, type TermSpec } from './query-plan';
import { FIELD_IDS, type IndexedDoc, type SearchField, type ShardDoc, type ShardReader } from './shard';

/** BM25+ parameters (MiniSearch's defaults unless tuned). */
export interface Bm25Params {
  k: number;
  b: number;
  d: number;
}

/** How matches are ranked. */
export interface RankingOptions {
  /**
   * `bm25f`: the fields form one weighted field (a title word counts `boosts.title` times), scored
   * with one BM25 per query term and no bonus for matching more terms. `minisearch`: MiniSearch's
   * own formula, a BM25+ per field summed, times the number of query terms matched.
   */
  model: 'bm25f' | 'minisearch';
  bm25: Bm25Params;
  /** Weight per field; a word in the title counts more than one in the text. */
  boosts: Record<SearchField, number>;
}

const BOOSTS: Record<SearchField, number> = { title: 2, text: 1, tags: 1.5, places: 1.5, people: 1.5 };

/**
 * Ranking used by the API: textbook BM25F (k1 1.2, b 0.75). On BEIR SciFact it scores nDCG@10 0.690
 * where MiniSearch's formula over the same shards scores 0.636 (bench/RESULTS.md).
 */
export const DEFAULT_RANKING: RankingOptions = { model: 'bm25f', bm25: { k: 1.2, b: 0.75, d: 0 }, boosts: BOOSTS };

/** MiniSearch's ranking with its defaults, to check that sharding ranks as one MiniSearch index does. */
export const MINISEARCH_RANKING: RankingOptions = { model: 'minisearch', bm25: { k: 1.2, b: 0.7, d: 0.5 }, boosts: BOOSTS };

/** What to find among the loaded shards. */
export interface EngineQuery {
  plan?: PlanNode;
  /** The query had words, but none searchable (only stop words): nothing matches. */
  empty?: boolean;
  fromKey: string;
  toKey: string;
  /** Extra conditions from query parameters, ANDed with the plan. */
  facets: PlanNode[];
}

/** One matching document with its score and the fields its scoring terms were found in. */
export class Match {
  constructor(
    readonly shard: ShardReader,
    /** The document's short id in its shard. */
    readonly id: number,
    readonly score: number,
    // Only the hits of a page show their fields: a Set per match would cost more than scoring it.
    private readonly fieldsOf: (id: number) => Set<SearchField>,
  ) {}

  get doc(): ShardDoc {
    return this.shard.docList[this.id]!;
  }

  /** The document as it was indexed, text included: decoded on first use, so only for hits shown. */
  get storedDoc(): IndexedDoc {
    return this.shard.storedDoc(this.id);
  }

  /** Fields in which a scoring term was found, in the order the query's terms found them. */
  get fields(): Set<SearchField> {
    return this.fieldsOf(this.id);
  }
}

/**
 * The matches of one shard: short ids and their scores side by side. A whole-timeline query on a
 * common word matches tens of thousands of documents, and an object for each cost more than
 * scoring them; only the few shown become `Match`es.
 */
export class ShardMatches {
  constructor(
    readonly shard: ShardReader,
    readonly ids: readonly number[],
    readonly scores: Float64Array,
    private readonly fieldsOf: (id: number) => Set<SearchField>,
  ) {}

  /** The shard's documents by short id, as the aggregations read them. */
  get docs(): readonly ShardDoc[] {
    return this.shard.docList;
  }

  /** The i-th match as an object. */
  at(i: number): Match {
    return new Match(this.shard, this.ids[i]!, this.scores[i]!, this.fieldsOf);
  }
}

/** What ordering matches looks at: a score, then a document's id and start. Negative when `a` comes first. */
export type MatchOrder = (aScore: number, aDoc: OrderedDoc, bScore: number, bDoc: OrderedDoc) => number;
type OrderedDoc = Pick<ShardDoc, 'id' | 'startKey'>;

/** Ties between matches go by document id, so every order is total and pages are stable. */
export function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Best score first, ties by id. */
export const byRelevance: MatchOrder = (aScore, aDoc, bScore, bDoc) => bScore - aScore || byId(aDoc, bDoc);

/**
 * The first `count` matches in the order, skipping those `keep` refuses, without sorting them all:
 * only a match that enters the running top becomes a `Match`.
 */
export function topMatches(found: readonly ShardMatches[], order: MatchOrder, count: number, keep?: (score: number, doc: OrderedDoc) => boolean): Match[] {
  const top: Match[] = [];
  for (const matches of found) {
    const { ids, scores, docs } = matches;
    for (let i = 0; i < ids.length; i += 1) {
      const score = scores[i]!;
      const doc = docs[ids[i]!]!;
      if (keep && !keep(score, doc)) continue;
      const last = top[count - 1];
      if (last && order(score, doc, last.score, last.doc) >= 0) continue;
      let low = 0;
      let high = top.length;
      while (low < high) {
        const mid = (low + high) >> 1;
        if (order(top[mid]!.score, top[mid]!.doc, score, doc) <= 0) low = mid + 1;
        else high = mid;
      }
      top.splice(low, 0, matches.at(i));
      if (top.length > count) top.pop();
    }
  }
  return top;
}

/**
 * Evaluates a query over shards as one index would: term statistics (document count, average
 * field lengths, document frequencies) are summed over the shards, so scores from different
 * shards compare. An AND is walked from its rarest child and probes the others per document,
 * so a common word never has its whole posting list scored; only matching documents are scored.
 * Shards without a match are left out of `matches`.
 */
export function findMatches(
  shards: ShardReader[],
  query: EngineQuery,
  ranking: RankingOptions,
): { matches: ShardMatches[]; total: number; terms: Set<string> } {
  const terms = new Set<string>();
  const matches: ShardMatches[] = [];
  let total = 0;
  if (query.empty) return { matches, total, terms };
  const specs = scoringSpecs(query.plan);
  const expansions = new ExpansionCache();
  const stats = collectStats(shards, specs, expansions, ranking.model);
  for (const shard of shards) {
    const context = { shard, expansions, range: dateSet(shard, query) };
    const filters = query.facets.map((facet) => docSet(facet, context));
    const root = query.plan ? docSet(query.plan, context) : allDocs(shard);
    const candidates = intersect([root, ...filters], [], context.range);
    const shardExpansions = specs.map((spec) => expansions.get(spec, shard));
    for (const list of shardExpansions) for (const expansion of list) terms.add(expansion.term);
    if (candidates.length === 0) continue;
    const scores =
      ranking.model === 'bm25f'
        ? scoreBm25f(candidates, shard, specs, shardExpansions, stats, ranking)
        : Float64Array.from(candidates, (id) => scoreDoc(id, shard.docList[id]!, shard, specs, shardExpansions, stats, ranking));
    matches.push(new ShardMatches(shard, candidates, scores, fieldsFound(shard, specs, shardExpansions)));
    total += candidates.length;
  }
  return { matches, total, terms };
}

/** Expansions are looked up once per query, shard and term: prefix and typo lookups walk the dictionary. */
class ExpansionCache {
  private readonly cache = new Map<ShardReader, Map<string, Expansion[]>>();

  get(spec: TermSpec, shard: ShardReader): Expansion[] {
    let byShard = this.cache.get(shard);
    if (!byShard) this.cache.set(shard, (byShard = new Map()));
    const key = specKey(spec);
    let found = byShard.get(key);
    if (!found) byShard.set(key, (found = expand(spec, shard)));
    return found;
  }
}

interface ShardContext {
  shard: ShardReader;
  expansions: ExpansionCache;
  /**
   * The documents in the date range and not hidden by a newer segment, absent when that is every
   * document. Its `has` is checked before anything costly; when a narrow range holds fewer documents
   * than a term's postings (a shard that a long span stretches over), it is the set walked.
   */
  range?: DocSet;
}

/** A set of documents of one shard that can be walked or probed. */
interface DocSet {
  /** Upper bound of the size, to choose which set to walk. */
  size: number;
  /** Cheap membership from postings alone. */
  has(doc: number): boolean;
  /** Candidates from postings alone; `verify` confirms them. */
  docs(): Iterable<number>;
  /** A costly check (a phrase's word order) run last, on documents that passed everything else. */
  verify?(doc: number): boolean;
}

function dateSet(shard: ShardReader, query: EngineQuery): DocSet | undefined {
  const { docList, hidden } = shard;
  const { fromKey, toKey } = query;
  if (shard.minStart >= fromKey && shard.maxEnd <= toKey) {
    if (hidden.size === 0) return undefined;
    return { size: shard.documentCount, has: (id) => !hidden.has(id), docs: () => [...shard.docList.keys()].filter((id) => !hidden.has(id)) };
  }
  const inRange = shard.inRange(fromKey, toKey);
  const visible = (id: number) => !hidden.has(id) && docList[id]!.startKey <= toKey && docList[id]!.endKey >= fromKey;
  return { size: inRange.size, has: visible, docs: () => (hidden.size ? inRange.docs().filter((id) => !hidden.has(id)) : inRange.docs()) };
}

function docSet(node: PlanNode, context: ShardContext): DocSet {
  const { shard } = context;
  switch (node.type) {
    case 'term':
      return termSet(node.spec, context);
    case 'phrase':
      return phraseSet(node.specs, node.fields, context);
    case 'facet':
      return materialized(new Set(shard.facetDocs(node.field, node.value)));
    case 'and': {
      const positives = node.children.filter((child) => child.type !== 'not').map((child) => docSet(child, context));
      const negatives = node.children.flatMap((child) => (child.type === 'not' ? [docSet(child.child, context)] : []));
      return materialized(new Set(intersect(positives, negatives, context.range)));
    }
    case 'or': {
      const union = new Set<number>();
      for (const child of node.children) {
        const set = docSet(child, context);
        for (const doc of set.docs()) if (!union.has(doc) && (context.range?.has(doc) ?? true) && (set.verify?.(doc) ?? true)) union.add(doc);
      }
      return materialized(union);
    }
    case 'not':
      // The parser never lets a NOT stand alone; inside an AND it is handled above.
      return materialized(new Set());
  }
}

/**
 * Walks the smallest set (the date range's documents included) and keeps documents in the range
 * that every other set has and no excluded set has, checking the cheap conditions first and phrase
 * word order last.
 */
function intersect(positives: DocSet[], negatives: DocSet[], range?: DocSet): number[] {
  if (positives.length === 0) return [];
  const ordered = [...positives, ...(range ? [range] : [])].sort((a, b) => a.size - b.size);
  const [smallest, ...rest] = ordered;
  const checks = range && range !== smallest ? [range, ...rest.filter((set) => set !== range)] : rest;
  const verifiers = ordered.filter((set) => set.verify);
  const kept: number[] = [];
  for (const doc of smallest!.docs()) {
    if (!checks.every((set) => set.has(doc))) continue;
    if (negatives.some((set) => set.has(doc) && (set.verify?.(doc) ?? true))) continue;
    if (verifiers.every((set) => set.verify!(doc))) kept.push(doc);
  }
  return kept;
}

function termSet(spec: TermSpec, { shard, expansions }: ShardContext): DocSet {
  const maps = expansions.get(spec, shard).flatMap((expansion) => fieldMaps(expansion, spec.fields, shard));
  // Most shards of a wide query lack a rare word: no need to allocate a union over their documents.
  if (maps.length === 0) return NO_DOCS;
  if (maps.length === 1) {
    const [only] = maps;
    return { size: only!.size, has: (doc) => only!.has(doc), docs: () => only!.keys() };
  }
  return {
    size: maps.reduce((sum, map) => sum + map.size, 0),
    has: (doc) => maps.some((map) => map.has(doc)),
    docs: () => union(maps, shard.documentCount),
  };
}

const NO_DOCS: DocSet = { size: 0, has: () => false, docs: () => [] };

/** Documents of any of the maps, each once, in first-seen order. */
function union(maps: Map<number, number>[], documentCount: number): number[] {
  const seen = new Uint8Array(documentCount);
  const docs: number[] = [];
  for (const map of maps) {
    for (const doc of map.keys()) {
      if (seen[doc]) continue;
      seen[doc] = 1;
      docs.push(doc);
    }
  }
  return docs;
}

/** Documents holding every word of the phrase, then checked for the words side by side. */
function phraseSet(specs: TermSpec[], fields: readonly SearchField[], context: ShardContext): DocSet {
  const { shard } = context;
  const words = specs.map((spec) => termSet(spec, context));
  const terms = specs.map((spec) => spec.term);
  const inOrder = shard.sequenceCheck(terms);
  const adjacent = (doc: number) => fields.some((field) => inOrder(doc, field));
  const ordered = [...words].sort((a, b) => a.size - b.size);
  return {
    size: ordered[0]?.size ?? 0,
    has: (doc) => words.every((set) => set.has(doc)),
    docs: () => intersect(words, [], context.range),
    verify: adjacent,
  };
}

function allDocs(shard: ShardReader): DocSet {
  return { size: shard.documentCount, has: (doc) => doc < shard.documentCount, docs: () => shard.docList.keys() };
}

function materialized(set: Set<number>): DocSet {
  return { size: set.size, has: (doc) => set.has(doc), docs: () => set };
}

function fieldMaps(expansion: Expansion, fields: readonly SearchField[], shard: ShardReader): Map<number, number>[] {
  return fields.flatMap((field) => {
    const map = expansion.postings.get(shard.fieldIds[field]!);
    return map && map.size ? [map] : [];
  });
}

/** The fields of a document in which the query's terms occur, each once, in query term order. */
function fieldsFound(shard: ShardReader, specs: TermSpec[], expansions: Expansion[][]): (id: number) => Set<SearchField> {
  return (id) => {
    const fields = new Set<SearchField>();
    specs.forEach((spec, i) => {
      for (const expansion of expansions[i]!) {
        for (const field of spec.fields) if (expansion.postings.get(shard.fieldIds[field])?.get(id)) fields.add(field);
      }
    });
    return fields;
  };
}

/** Statistics of the loaded shards taken together, as one index over the same documents would have them. */
interface CorpusStats {
  documentCount: number;
  avgFieldLength: Record<SearchField, number>;
  /** Document frequency of an indexed term per field, summed over shards. */
  frequency: Map<string, Record<string, number>>;
  /** Document frequency of an indexed term in any of a spec's fields, summed over shards (keyed by specKey). */
  anyFieldFrequency: Map<string, number>;
}

const FIELD_ENTRIES = Object.entries(FIELD_IDS);

// Each model needs one kind of document frequency; counting the other would be wasted work per query.
function collectStats(shards: ShardReader[], specs: TermSpec[], expansions: ExpansionCache, model: RankingOptions['model']): CorpusStats {
  const documentCount = shards.reduce((sum, shard) => sum + shard.documentCount, 0);
  const totals: Record<string, number> = {};
  const frequency = new Map<string, Record<string, number>>();
  const anyFieldFrequency = new Map<string, number>();
  for (const shard of shards) {
    for (const [field, fieldId] of FIELD_ENTRIES) {
      totals[field] = (totals[field] ?? 0) + (shard.avgFieldLength[fieldId] ?? 0) * shard.documentCount;
    }
    for (const spec of specs) {
      for (const { term, postings } of expansions.get(spec, shard)) {
        if (model === 'bm25f') {
          const key = `${term}|${spec.fields.join(',')}`;
          anyFieldFrequency.set(key, (anyFieldFrequency.get(key) ?? 0) + shard.documentFrequency(term, spec.fields));
          continue;
        }
        const counts = frequency.get(term) ?? {};
        for (const [field, fieldId] of FIELD_ENTRIES) {
          counts[field] = (counts[field] ?? 0) + (postings.get(fieldId)?.size ?? 0);
        }
        frequency.set(term, counts);
      }
    }
  }
  const avgFieldLength = Object.fromEntries(Object.entries(totals).map(([field, total]) => [field, documentCount ? total / documentCount : 0]));
  return { documentCount, avgFieldLength: avgFieldLength as Record<SearchField, number>, frequency, anyFieldFrequency };
}

function scoreDoc(
  id: number,
  doc: ShardDoc,
  shard: ShardReader,
  specs: TermSpec[],
  expansions: Expansion[][],
  stats: CorpusStats,
  ranking: RankingOptions,
): number {
  let score = 0;
  let matchedTerms = 0;
  specs.forEach((spec, i) => {
    let matched = false;
    for (const expansion of expansions[i]!) {
      const df = stats.frequency.get(expansion.term)!;
      for (const field of spec.fields) {
        const fieldId = shard.fieldIds[field]!;
        const tf = expansion.postings.get(fieldId)?.get(id);
        if (!tf) continue;
        matched = true;
        const length = doc.fieldLength[fieldId] ?? 0;
        const termIdf = idf(df[field]!, stats.documentCount);
        score += expansion.weight * ranking.boosts[field] * (termIdf * bm25Tf(tf, length, stats.avgFieldLength[field], ranking.bm25));
      }
    }
    if (matched) matchedTerms += 1;
  });
  // MiniSearch multiplies by the number of query terms matched, favouring documents that match more of an OR.
  return score * Math.max(matchedTerms, 1);
}

/**
 * One BM25 per query term over the fields taken as one, title words weighted up (BM25F). Scored
 * term at a time: each expansion's postings are walked once (or the candidates probed, when fewer),
 * so a prefix expanding to hundreds of terms costs its postings, not terms times candidates.
 * Per document the sums run in the same order as one document at a time, so scores are identical.
 * Returns the candidates' scores in their order.
 */
function scoreBm25f(
  candidates: readonly number[],
  shard: ShardReader,
  specs: TermSpec[],
  expansions: Expansion[][],
  stats: CorpusStats,
  { boosts, bm25: params }: RankingOptions,
): Float64Array {
  const { isCandidate, scores, tf } = scratch.forShard(shard.documentCount);
  const touched: number[] = [];
  for (const id of candidates) isCandidate[id] = 1;
  specs.forEach((spec, i) => {
    const lengths = shard.combinedLength(spec.fields);
    const avgLength = spec.fields.reduce((sum, field) => sum + stats.avgFieldLength[field], 0);
    for (const expansion of expansions[i]!) {
      for (const field of spec.fields) {
        const postings = expansion.postings.get(shard.fieldIds[field]);
        if (postings?.size) addFrequencies(postings, boosts[field], candidates, isCandidate, tf, touched);
      }
      if (!touched.length) continue;
      const termIdf = idf(stats.anyFieldFrequency.get(`${expansion.term}|${spec.fields.join(',')}`)!, stats.documentCount);
      for (const id of touched) {
        scores[id] += expansion.weight * (termIdf * bm25Tf(tf[id]!, lengths[id]!, avgLength, params));
        tf[id] = 0;
      }
      touched.length = 0;
    }
  });
  const scored = new Float64Array(candidates.length);
  for (let i = 0; i < candidates.length; i += 1) {
    const id = candidates[i]!;
    scored[i] = scores[id]!;
    scores[id] = 0;
    isCandidate[id] = 0;
  }
  return scored;
}

/**
 * Per-document buffers of the shard being scored, shared by every query: zeroed again entry by
 * entry after use, so a narrow query does not pay for allocating and clearing a shard's worth.
 */
class ScoringScratch {
  isCandidate = new Uint8Array(0);
  scores = new Float64Array(0);
  tf = new Float64Array(0);

  forShard(documentCount: number): this {
    if (this.isCandidate.length < documentCount) {
      this.isCandidate = new Uint8Array(documentCount);
      this.scores = new Float64Array(documentCount);
      this.tf = new Float64Array(documentCount);
    }
    return this;
  }
}

const scratch = new ScoringScratch();

/** Adds a field's weighted term frequencies of the candidates, walking whichever of postings and candidates is shorter. */
function addFrequencies(
  postings: Map<number, number>,
  boost: number,
  candidates: readonly number[],
  isCandidate: Uint8Array,
  tf: Float64Array,
  touched: number[],
): void {
  const add = (id: number, count: number) => {
    if (tf[id] === 0) touched.push(id);
    tf[id] += boost * count;
  };
  if (postings.size <= candidates.length) {
    // forEach, not for-of: entry pairs would be allocated per posting.
    postings.forEach((count, id) => isCandidate[id] && count && add(id, count));
  } else {
    for (const id of candidates) {
      const count = postings.get(id);
      if (count) add(id, count);
    }
  }
}

/** BM25's inverse document frequency, as MiniSearch computes it: once per term, not per match. */
function idf(df: number, n: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/** BM25+'s term frequency part, as MiniSearch computes it (plain BM25 when d is 0); the score is idf times this. */
function bm25Tf(tf: number, length: number, avgLength: number, { k, b, d }: Bm25Params): number {
  return d + (tf * (k + 1)) / (tf + k * (1 - b + (b * length) / avgLength));
}
