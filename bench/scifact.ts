import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import MiniSearch from 'minisearch';
import { civilFromDays, dayNumber, formatIsoDate, MAX_SORT_KEY, MIN_SORT_KEY, sortKey } from '../lib/dates';
import { DEFAULT_RANKING, MINISEARCH_RANKING, type RankingOptions } from '../lib/search/engine';
import { SearchIndexer } from '../lib/search/indexer';
import { parseQuery, QUERY_LIMITS } from '../lib/search/query-parser';
import { planQuery, scoringSpecs } from '../lib/search/query-plan';
import { SearchQuery } from '../lib/search/search-schema';
import { SearchService } from '../lib/search/search-service';
import { MINISEARCH_OPTIONS, SEARCH_FIELDS, type IndexedDoc, type SearchField, type ShardReader } from '../lib/search/shard';
import { ShardStore } from '../lib/search/shard-store';
import { processTerm, tokenize } from '../lib/search/text';
import { summarize, type Summary } from './latency';
import { LoadedIndex, topByScore } from './ours';

/** Where the collection lives, beside the repository (never copied into it). */
export const SCIFACT_DIR = fileURLToPath(new URL('../../shared/data/beir-scifact/', import.meta.url));

/** One point of the BM25 grid. */
export interface GridPoint {
  model: RankingOptions['model'];
  k: number;
  b: number;
  d: number;
  titleBoost: number;
  ndcg10: number;
  isDefault: boolean;
}

/** What the SciFact evaluation measured. */
export interface SciFactResult {
  docs: number;
  queries: number;
  shards: number;
  maxShardDocs: number;
  maxTerms: number;
  truncatedQueries: number;
  ndcg10: number;
  defaultRanking: { model: string; k: number; b: number; d: number; titleBoost: number };
  /** The engine with MiniSearch's formula (MINISEARCH_RANKING) over the same shards. */
  engineMiniSearchRanking: number;
  engineDefault: number;
  engineMatchesService: string;
  /** Queries whose re-scored top 10 at the default ranking equals the engine's. */
  rescoreMatchesEngine: string;
  minisearchSingle: number;
  minisearchSingleBoosted: number;
  latency: Summary;
  rebuildMs: number;
  grid: GridPoint[];
}

const TIMELINE = 'scifact';
const MAX_SHARD_DOCS = 300;

/**
 * nDCG@10 on the SciFact test queries through our sharded index (documents spread over many shards
 * by synthetic dates), against one unsharded MiniSearch, plus a small BM25 grid on the engine.
 */
export async function runSciFact({ client, indexTable, log, dir = SCIFACT_DIR }: { client: DynamoDBClient; indexTable: string; log: (message: string) => void; dir?: string }): Promise<SciFactResult | { skipped: string }> {
  if (!existsSync(`${dir}corpus.jsonl`)) {
    log(`SciFact: skipped, ${dir} is absent`);
    return { skipped: `${dir} is absent` };
  }
  const corpus = readJsonl<{ _id: string; title: string; text: string }>(`${dir}corpus.jsonl`);
  const allQueries = new Map(readJsonl<{ _id: string; text: string }>(`${dir}queries.jsonl`).map((query) => [query._id, query.text]));
  const qrels = new Map<string, Map<string, number>>();
  for (const line of readFileSync(`${dir}qrels/test.tsv`, 'utf8').split('\n').slice(1)) {
    const [queryId, docId, score] = line.trim().split('\t');
    if (!queryId || !docId) continue;
    const judged = qrels.get(queryId) ?? new Map<string, number>();
    judged.set(docId, Number(score));
    qrels.set(queryId, judged);
  }

  const base = dayNumber(1900, 1, 1);
  const docs: IndexedDoc[] = corpus.map((doc, i) => {
    const point = civilFromDays(base + i);
    const start = formatIsoDate(point);
    return { id: doc._id, title: doc.title, text: doc.text, tags: [], places: [], people: [], start, precision: 'day', display: start, startKey: sortKey(point, 'start'), endKey: sortKey(point, 'end'), rev: 1 };
  });

  const store = new ShardStore(client, indexTable);
  let t0 = performance.now();
  const manifest = await new SearchIndexer(store, { maxShardDocs: MAX_SHARD_DOCS }).rebuild(TIMELINE, docs);
  const rebuildMs = performance.now() - t0;
  const shards = Object.keys(manifest.shards).length;
  log(`SciFact: ${docs.length} docs indexed into ${shards} shards in ${(rebuildMs / 1000).toFixed(1)} s; ${qrels.size} test queries`);

  let truncated = 0;
  const tests = [...qrels.keys()].map((id) => {
    const words = [...new Set(tokenize(allQueries.get(id) ?? '').map((word) => word.toLowerCase()).filter((word) => processTerm(word) !== null))];
    let kept = words.slice(0, QUERY_LIMITS.maxTerms);
    while (kept.join(' OR ').length > QUERY_LIMITS.maxLength) kept = kept.slice(0, -1);
    if (kept.length < words.length) truncated += 1;
    return { id, words: kept, q: kept.join(' OR ') };
  });

  const service = new SearchService(store);
  const serviceTop = new Map<string, string[]>();
  const latencies: number[] = [];
  for (const test of tests) {
    const started = performance.now();
    const result = await service.search(TIMELINE, SearchQuery.parse({ q: test.q, limit: '10' }));
    latencies.push(performance.now() - started);
    serviceTop.set(test.id, result.hits.map((hit) => hit.id));
  }
  const ndcg10 = meanNdcg(tests.map((test) => [test.id, serviceTop.get(test.id)!]), qrels);
  log(`SciFact: nDCG@10 ${ndcg10.toFixed(4)} through SearchService (sharded, default ranking); ${truncated} queries cut to ${QUERY_LIMITS.maxTerms} words`);

  const loaded = await LoadedIndex.load(store, TIMELINE);
  const everything = { fromKey: MIN_SORT_KEY, toKey: MAX_SORT_KEY };
  const engineRun = (ranking: RankingOptions) => tests.map((test) => [test.id, loaded.search(test.q, everything, ranking).top] as [string, string[]]);
  const engineDefaultRuns = engineRun(DEFAULT_RANKING);
  const same = engineDefaultRuns.filter(([id, top]) => top.join() === serviceTop.get(id)!.join()).length;
  const engineDefault = meanNdcg(engineDefaultRuns, qrels);

  // The grid re-scores each query's matches (found once) with the engine's formulas, which is far
  // cheaper than an engine run per setting; at the engine's own rankings it must give its top 10.
  const matches = tests.map((test) => ({ id: test.id, matches: collectMatches(loaded.readers, test.q) }));
  const rescoreCheck: string[] = [];
  const engineMiniSearchRuns = engineRun(MINISEARCH_RANKING);
  for (const [ranking, engineTop] of [[DEFAULT_RANKING, engineDefaultRuns], [MINISEARCH_RANKING, engineMiniSearchRuns]] as const) {
    const same = matches.filter(({ matches: found }, i) => rescore(found, ranking).join() === engineTop[i]![1].join()).length;
    rescoreCheck.push(`${ranking.model} ${same}/${matches.length}`);
  }
  const rescoreMatchesEngine = rescoreCheck.join(', ');
  const grid: GridPoint[] = [];
  for (const model of ['bm25f', 'minisearch'] as const) {
    for (const k of [0.9, 1.2]) {
      for (const b of [0.4, 0.7, 0.75]) {
        for (const d of [0, 0.5]) {
          for (const titleBoost of [1, 2]) {
            const ranking: RankingOptions = { model, bm25: { k, b, d }, boosts: { ...DEFAULT_RANKING.boosts, title: titleBoost } };
            const isDefault = model === DEFAULT_RANKING.model && k === DEFAULT_RANKING.bm25.k && b === DEFAULT_RANKING.bm25.b && d === DEFAULT_RANKING.bm25.d && titleBoost === DEFAULT_RANKING.boosts.title;
            const runs = matches.map(({ id, matches: found }) => [id, rescore(found, ranking)] as [string, string[]]);
            grid.push({ model, k, b, d, titleBoost, ndcg10: meanNdcg(runs, qrels), isDefault });
          }
        }
      }
    }
  }
  log(`SciFact grid: re-scoring reproduces the engine's top 10 for ${rescoreMatchesEngine} queries`);
  const best = grid.reduce((a, b) => (b.ndcg10 > a.ndcg10 ? b : a));
  log(`SciFact grid: best ${best.ndcg10.toFixed(4)} at k ${best.k}, b ${best.b}, d ${best.d}, title boost ${best.titleBoost}`);

  t0 = performance.now();
  const single = new MiniSearch<IndexedDoc>(MINISEARCH_OPTIONS);
  single.addAll(docs);
  const singleRun = (boost?: Record<string, number>) =>
    tests.map((test) => [test.id, single.search(test.words.join(' '), { combineWith: 'OR', ...(boost ? { boost } : {}) }).slice(0, 10).map((hit) => String(hit.id))] as [string, string[]]);
  const minisearchSingle = meanNdcg(singleRun(), qrels);
  const minisearchSingleBoosted = meanNdcg(singleRun({ title: DEFAULT_RANKING.boosts.title }), qrels);
  log(`SciFact: one unsharded MiniSearch ${minisearchSingle.toFixed(4)} (title boost ${DEFAULT_RANKING.boosts.title}: ${minisearchSingleBoosted.toFixed(4)})`);

  return {
    docs: docs.length,
    queries: tests.length,
    shards,
    maxShardDocs: MAX_SHARD_DOCS,
    maxTerms: QUERY_LIMITS.maxTerms,
    truncatedQueries: truncated,
    ndcg10,
    defaultRanking: { model: DEFAULT_RANKING.model, ...DEFAULT_RANKING.bm25, titleBoost: DEFAULT_RANKING.boosts.title },
    engineMiniSearchRanking: meanNdcg(engineMiniSearchRuns, qrels),
    engineDefault,
    engineMatchesService: `${same}/${tests.length} queries`,
    rescoreMatchesEngine,
    minisearchSingle,
    minisearchSingleBoosted,
    latency: summarize(latencies),
    rebuildMs,
    grid,
  };
}

/** Mean nDCG@10 over queries: gain = relevance grade, discount log2(rank + 1), ideal from the judgments. */
export function meanNdcg(runs: [string, string[]][], qrels: Map<string, Map<string, number>>): number {
  let sum = 0;
  for (const [queryId, ranked] of runs) {
    const judged = qrels.get(queryId) ?? new Map<string, number>();
    const dcg = ranked.slice(0, 10).reduce((total, docId, i) => total + (judged.get(docId) ?? 0) / Math.log2(i + 2), 0);
    const ideal = [...judged.values()]
      .sort((a, b) => b - a)
      .slice(0, 10)
      .reduce((total, grade, i) => total + grade / Math.log2(i + 2), 0);
    sum += ideal > 0 ? dcg / ideal : 0;
  }
  return runs.length ? sum / runs.length : 0;
}

function readJsonl<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as T);
}

/** What the rankings need of one query's matches: corpus statistics and, per document, per term, tf per field. */
interface QueryMatches {
  documentCount: number;
  avgFieldLength: Record<SearchField, number>;
  /** Document frequency per term: per field, and in any field. */
  df: Map<string, { byField: Record<SearchField, number>; any: number }>;
  docs: Map<string, { fieldLength: number[]; terms: Map<string, number[]> }>;
}

/** Gathers statistics and postings of an OR query's exact terms (SciFact's have no prefix or typo) over the shards. */
function collectMatches(readers: ShardReader[], q: string): QueryMatches {
  const parsed = parseQuery(q);
  const specs = scoringSpecs(parsed.root ? planQuery(parsed.root) : undefined);
  const documentCount = readers.reduce((sum, shard) => sum + shard.documentCount, 0);
  const avgFieldLength = Object.fromEntries(SEARCH_FIELDS.map((field) => [field, 0])) as Record<SearchField, number>;
  for (const shard of readers) {
    for (const field of SEARCH_FIELDS) avgFieldLength[field] += ((shard.avgFieldLength[shard.fieldIds[field]] ?? 0) * shard.documentCount) / documentCount;
  }
  const df: QueryMatches['df'] = new Map();
  const docs: QueryMatches['docs'] = new Map();
  for (const shard of readers) {
    for (const spec of specs) {
      const postings = shard.postings(spec.term);
      const entry = df.get(spec.term) ?? { byField: Object.fromEntries(SEARCH_FIELDS.map((field) => [field, 0])) as Record<SearchField, number>, any: 0 };
      df.set(spec.term, entry);
      entry.any += shard.documentFrequency(spec.term, spec.fields);
      for (const field of spec.fields) {
        const byDoc = postings?.get(shard.fieldIds[field]);
        entry.byField[field] += byDoc?.size ?? 0;
        for (const [shortId, tf] of byDoc ?? []) {
          const doc = shard.docList[shortId]!;
          const found = docs.get(doc.id) ?? { fieldLength: doc.fieldLength, terms: new Map<string, number[]>() };
          docs.set(doc.id, found);
          const counts = found.terms.get(spec.term) ?? SEARCH_FIELDS.map(() => 0);
          counts[shard.fieldIds[field]] = tf;
          found.terms.set(spec.term, counts);
        }
      }
    }
  }
  return { documentCount, avgFieldLength, df, docs };
}

/** The top 10 ids under a ranking, by the engine's formulas (lib/search/engine.ts scoreDoc and scoreBm25f). */
function rescore({ documentCount, avgFieldLength, df, docs }: QueryMatches, { model, bm25: params, boosts }: RankingOptions): string[] {
  const bm25 = (tf: number, frequency: number, length: number, avgLength: number) =>
    Math.log(1 + (documentCount - frequency + 0.5) / (frequency + 0.5)) * (params.d + (tf * (params.k + 1)) / (tf + params.k * (1 - params.b + (params.b * length) / avgLength)));
  const totalLength = (fieldLength: number[]) => fieldLength.reduce((sum, length) => sum + length, 0);
  const totalAvg = SEARCH_FIELDS.reduce((sum, field) => sum + avgFieldLength[field], 0);
  const scored: { score: number; doc: { id: string } }[] = [];
  for (const [id, { fieldLength, terms }] of docs) {
    let score = 0;
    for (const [term, counts] of terms) {
      if (model === 'bm25f') {
        const tf = SEARCH_FIELDS.reduce((sum, field, i) => sum + boosts[field] * (counts[i] ?? 0), 0);
        score += bm25(tf, df.get(term)!.any, totalLength(fieldLength), totalAvg);
      } else {
        SEARCH_FIELDS.forEach((field, i) => {
          if (counts[i]) score += boosts[field] * bm25(counts[i], df.get(term)!.byField[field], fieldLength[i] ?? 0, avgFieldLength[field]);
        });
      }
    }
    scored.push({ score: model === 'bm25f' ? score : score * Math.max(terms.size, 1), doc: { id } });
  }
  return topByScore(scored, 10).map((item) => item.doc.id);
}
