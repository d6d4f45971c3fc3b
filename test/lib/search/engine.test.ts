import MiniSearch from 'minisearch';
import { describe, expect, it } from 'vitest';
import { MAX_SORT_KEY, MIN_SORT_KEY, sortKey } from '../../../lib/dates';
import { byRelevance, DEFAULT_RANKING, findMatches, MINISEARCH_RANKING, topMatches, type MatchOrder, type RankingOptions } from '../../../lib/search/engine';
import { parseQuery } from '../../../lib/search/query-parser';
import { planQuery } from '../../../lib/search/query-plan';
import { MINISEARCH_OPTIONS, ShardReader, ShardWriter, type IndexedDoc } from '../../../lib/search/shard';
import { syntheticDocs } from '../../helpers/corpus';

function shardsOf(docs: IndexedDoc[], size: number): ShardReader[] {
  const sorted = [...docs].sort((a, b) => a.startKey.localeCompare(b.startKey));
  const shards: ShardReader[] = [];
  for (let i = 0; i < sorted.length; i += size) {
    const writer = ShardWriter.from();
    for (const doc of sorted.slice(i, i + size)) writer.upsert(doc);
    shards.push(ShardReader.fromData(writer.toData()));
  }
  return shards;
}

function run(shards: ShardReader[], q: string, range = { fromKey: MIN_SORT_KEY, toKey: MAX_SORT_KEY }, ranking: RankingOptions = DEFAULT_RANKING) {
  const parsed = parseQuery(q);
  const plan = parsed.root ? planQuery(parsed.root) : undefined;
  const { matches } = findMatches(shards, { plan, empty: Boolean(parsed.root) && !plan, facets: [], ...range }, ranking);
  return matches.flatMap((found) => found.ids.map((_, i) => found.at(i))).sort((a, b) => b.score - a.score || a.doc.id.localeCompare(b.doc.id));
}

function doc(id: string, title: string, text = '', extra: Partial<IndexedDoc> = {}): IndexedDoc {
  const point = { year: 2022, month: 6, day: 21 };
  return {
    id, title, text, tags: [], places: [], people: [], start: '2022-06-21', precision: 'day', display: '21 June 2022',
    startKey: sortKey(point, 'start'), endKey: sortKey(point, 'end'), rev: 1, ...extra,
  };
}

describe('findMatches', () => {
  describe('ranking across shards', () => {
    const docs = syntheticDocs(3000, 7);
    const single = new MiniSearch(MINISEARCH_OPTIONS);
    single.addAll(docs);
    const shards = shardsOf(docs, 150);
    const queries = [
      'missile', 'army', 'drone', 'siege', 'temple', 'shelling', 'winter', 'treaty', 'plague', 'grain',
      'army drone', 'temple king', 'frontline army', 'city river', 'harbour bridge', 'senate revolt',
      'siege OR plague', 'winter OR harbour OR bridge', 'court OR decree', 'famine OR harvest', 'missile OR tank',
    ];

    it('splits the corpus over many shards', () => {
      expect(shards.length).toBe(20);
    });

    const whole = shardsOf(docs, docs.length);

    it.each(queries)('ranks "%s" with BM25F over 20 shards exactly as over one', (q) => {
      const round = (score: number) => Math.round(score * 1e9) / 1e9;
      const sharded = run(shards, q).map((m) => [m.doc.id, round(m.score)]);
      const single = run(whole, q).map((m) => [m.doc.id, round(m.score)]);
      expect(sharded.length).toBeGreaterThan(10);
      expect(sharded).toEqual(single);
    });

    it.each(queries)('ranks "%s" as one unpartitioned MiniSearch index does, with its formula', (q) => {
      const or = q.includes(' OR ');
      const expected = single.search(q.replaceAll(' OR ', ' '), { combineWith: or ? 'OR' : 'AND', boost: MINISEARCH_RANKING.boosts, bm25: MINISEARCH_RANKING.bm25 });
      const ours = run(shards, q, undefined, MINISEARCH_RANKING);
      expect(ours.length).toBe(expected.length);
      expect(expected.length).toBeGreaterThan(10);
      // Same scores for the top 10 (ties may order differently), and the same documents above the 10th score.
      const round = (score: number) => Math.round(score * 1e6) / 1e6;
      expect(ours.slice(0, 10).map((m) => round(m.score))).toEqual(expected.slice(0, 10).map((r) => round(r.score)));
      const cut = round(expected[9]!.score);
      const above = (ids: { id: string; score: number }[]) => ids.filter((r) => round(r.score) > cut).map((r) => r.id).sort();
      expect(above(ours.map((m) => ({ id: m.doc.id, score: m.score })))).toEqual(above(expected));
    });
  });

  describe('query features', () => {
    const shards = shardsOf(
      [
        doc('a', 'Sarmat missile test', 'Russia tested the Sarmat intercontinental missile from Plesetsk.'),
        doc('b', 'Shelling near Lysychansk', 'Heavy shelling of the refinery in Lysychansk.', { places: ['Lysychansk'], tags: ['war'] }),
        doc('c', 'Missiles over Kyiv', 'Air defence shot down missiles over Kyiv overnight.', { places: ['Kyiv'], tags: ['war'] }),
        doc('d', 'Grain deal', 'Ukraine and Russia sign a grain deal in Istanbul.', { people: ['Recep Tayyip Erdoğan'] }),
        doc('e', 'Test of a missile defence', 'A missile defence test, not Sarmat.', { tags: ['Defence'] }),
      ],
      2,
    );
    const ids = (q: string) => run(shards, q).map((m) => m.doc.id).sort();

    it.each([
      ['missile', ['a', 'c', 'e']],
      ['missile test', ['a', 'e']],
      ['missile -sarmat', ['c']],
      ['"sarmat missile"', ['a']],
      ['"missile sarmat"', []],
      ['sarmat OR grain', ['a', 'd', 'e']],
      ['lysych*', ['b']],
      ['lysichansk~', ['b']],
      ['title:missile', ['a', 'c', 'e']],
      ['title:sarmat', ['a']],
      ['tag:war', ['b', 'c']],
      ['tag:defence missile', ['e']],
      ['place:kyiv', ['c']],
      ['person:"Recep Tayyip Erdoğan"', ['d']],
      ['erdogan', ['d']],
      ['the', []],
      ['(kyiv OR lysychansk) shelling', ['b']],
    ])('finds %s', (q, expected) => {
      expect(ids(q)).toEqual(expected);
    });

    it('ranks a title match above a text-only match', () => {
      const [first] = run(shards, 'sarmat');
      expect(first!.doc.id).toBe('a');
      expect(first!.fields).toEqual(new Set(['title', 'text']));
    });
  });

  describe('date ranges', () => {
    const years = [-43, 1066, 1900, 2022].map((year) => doc(`y${year}`, 'battle', '', { startKey: sortKey({ year }, 'start'), endKey: sortKey({ year }, 'end'), precision: 'year' }));
    const span = doc('ww2', 'battle', '', { startKey: sortKey({ year: 1939, month: 9, day: 1 }, 'start'), endKey: sortKey({ year: 1945, month: 9, day: 2 }, 'end') });
    const shards = shardsOf([...years, span], 2);
    const within = (from: Parameters<typeof sortKey>[0], to: Parameters<typeof sortKey>[0]) =>
      run(shards, 'battle', { fromKey: sortKey(from, 'start'), toKey: sortKey(to, 'end') }).map((m) => m.doc.id).sort();

    it('keeps events whose span overlaps the range, year precision counting as the whole year', () => {
      expect(within({ year: -44 }, { year: -43, month: 3 })).toEqual(['y-43']);
      expect(within({ year: 1900, month: 12, day: 31 }, { year: 1901 })).toEqual(['y1900']);
      expect(within({ year: 1945, month: 9, day: 2 }, { year: 1950 })).toEqual(['ww2']);
      expect(within({ year: 1945, month: 9, day: 3 }, { year: 1950 })).toEqual([]);
      expect(within({ year: 1930 }, { year: 1939, month: 9, day: 1 })).toEqual(['ww2']);
    });
  });

  describe('matches by shard', () => {
    const docs = syntheticDocs(600, 11);
    const shards = shardsOf(docs, 100);
    const everything = { plan: planQuery(parseQuery('army OR drone OR city').root!), facets: [], fromKey: MIN_SORT_KEY, toKey: MAX_SORT_KEY };
    const { matches, total } = findMatches(shards, everything, DEFAULT_RANKING);
    const all = run(shards, 'army OR drone OR city');

    it('lists each shard with matches once, its ids and scores side by side, and counts them all', () => {
      expect(matches.length).toBeGreaterThan(1);
      expect(new Set(matches.map((found) => found.shard)).size).toBe(matches.length);
      expect(total).toBe(matches.reduce((sum, found) => sum + found.ids.length, 0));
      expect(total).toBe(all.length);
      for (const found of matches) {
        expect(found.scores).toHaveLength(found.ids.length);
        expect(found.at(0).doc).toBe(found.docs[found.ids[0]!]);
        expect(found.at(0).score).toBe(found.scores[0]);
      }
    });

    it('leaves out shards without a match', () => {
      const none = findMatches(shards, { ...everything, plan: planQuery(parseQuery('zzzunknownword').root!) }, DEFAULT_RANKING);
      expect(none).toMatchObject({ matches: [], total: 0 });
    });

    it('picks the same top as sorting every match, in the order given', () => {
      const byDate: MatchOrder = (_a, aDoc, _b, bDoc) => aDoc.startKey.localeCompare(bDoc.startKey) || aDoc.id.localeCompare(bDoc.id);
      const key = (match: { doc: { id: string } }) => match.doc.id;
      expect(topMatches(matches, byRelevance, 15).map(key)).toEqual(all.slice(0, 15).map(key));
      const sortedByDate = [...all].sort((a, b) => byDate(a.score, a.doc, b.score, b.doc));
      expect(topMatches(matches, byDate, 7).map(key)).toEqual(sortedByDate.slice(0, 7).map(key));
      expect(topMatches(matches, byRelevance, total + 5)).toHaveLength(total);
    });

    it('skips the matches `keep` refuses, as a cursor does', () => {
      const after = all[9]!;
      const next = topMatches(matches, byRelevance, 10, (score, doc) => byRelevance(score, doc, after.score, after.doc) > 0);
      expect(next.map((match) => match.doc.id)).toEqual(all.slice(10, 20).map((match) => match.doc.id));
    });
  });
});
