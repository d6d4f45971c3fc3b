import MiniSearch from 'minisearch';
import { DEFAULT_RANKING } from '../../lib/search/engine';
import { MINISEARCH_OPTIONS, type IndexedDoc } from '../../lib/search/shard';
import type { BenchQuery } from '../queries';
import type { EngineAnswer, KeyBounds } from './fts5';

/**
 * One unpartitioned MiniSearch index over every event, with the options our shards use: AND of the
 * words (`combineWith: 'AND'`), prefix search for prefix queries, the date range as a `filter`,
 * top 10 plus the count. MiniSearch has no phrase search: a phrase is the AND of its words here.
 */
export class MiniSearchSingle {
  private constructor(private readonly index: MiniSearch<IndexedDoc>) {}

  /** Indexes the documents. */
  static build(docs: readonly IndexedDoc[]): MiniSearchSingle {
    const index = new MiniSearch<IndexedDoc>(MINISEARCH_OPTIONS);
    index.addAll(docs);
    return new MiniSearchSingle(index);
  }

  /** Top ten and exact count of one query within the range. */
  search(query: BenchQuery, { fromKey, toKey }: KeyBounds): EngineAnswer {
    const results = this.index.search(query.words.join(' '), {
      combineWith: 'AND',
      prefix: query.prefix,
      boost: { ...DEFAULT_RANKING.boosts },
      filter: (result) => result.startKey <= toKey && result.endKey >= fromKey,
    });
    return { total: results.length, top: results.slice(0, 10).map((result) => String(result.id)) };
  }

  /** Number of indexed documents. */
  get documentCount(): number {
    return this.index.documentCount;
  }
}
