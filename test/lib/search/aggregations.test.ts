import { describe, expect, it } from 'vitest';
import { displayDate, parseIsoDate, precisionOf, sortKey, type Interval } from '../../../lib/dates';
import * as aggregations from '../../../lib/search/aggregations';
import type { IndexedDoc } from '../../../lib/search/shard';
import { syntheticDocs } from '../../helpers/corpus';

let nextId = 0;

/** An indexed document dated by ISO text, at the precision the text is written to. */
function doc(start: string, fields: Partial<Pick<IndexedDoc, 'tags' | 'places' | 'people'>> = {}): IndexedDoc {
  const point = parseIsoDate(start);
  nextId += 1;
  return {
    id: `doc-${nextId}`,
    title: `event ${nextId}`,
    text: '',
    tags: [],
    places: [],
    people: [],
    start,
    precision: precisionOf(point),
    display: displayDate(point),
    startKey: sortKey(point, 'start'),
    endKey: sortKey(point, 'end'),
    rev: 1,
    ...fields,
  };
}

const docs = (...starts: string[]) => starts.map((start) => doc(start));

/** Documents as one shard in which every document matches. */
const allOf = (matches: IndexedDoc[]) => [{ docs: matches, ids: matches.map((_, i) => i) }];
const countFacets = (matches: IndexedDoc[], limit?: number) => aggregations.countFacets(allOf(matches), limit);
const histogram = (matches: IndexedDoc[], ...rest: Parameters<typeof aggregations.histogram> extends [unknown, ...infer R] ? R : never) =>
  aggregations.histogram(allOf(matches), ...rest);

/** The range from the first instant of one ISO date to the last of another, as sort keys. */
const range = (from: string, to: string) => ({ fromKey: sortKey(parseIsoDate(from), 'start'), toKey: sortKey(parseIsoDate(to), 'end') });

/** Buckets as "label: count", which reads well in a failure. */
const counts = (buckets: { label: string; count: number }[]) => buckets.map((bucket) => `${bucket.label}: ${bucket.count}`);

describe('aggregations', () => {
  describe('countFacets', () => {
    it('counts each value over all documents, most frequent first, ties in value order', () => {
      const facets = countFacets([
        doc('2022', { tags: ['war', 'siege'] }),
        doc('2022', { tags: ['war'] }),
        doc('2022', { tags: ['aid', 'siege'] }),
        doc('2022', { tags: ['zeal'] }),
      ]);
      expect(facets.tags).toStrictEqual([
        { value: 'siege', count: 2 },
        { value: 'war', count: 2 },
        { value: 'aid', count: 1 },
        { value: 'zeal', count: 1 },
      ]);
    });

    it('orders tied values by their code units, as Elasticsearch orders terms by their bytes', () => {
      const facets = countFacets([doc('2022', { places: ['ankara', 'Évian', 'Zurich', 'Aden'] })]);
      expect(facets.places.map((count) => count.value)).toStrictEqual(['Aden', 'Zurich', 'ankara', 'Évian']);
    });

    it('counts tags, places and people separately', () => {
      expect(
        countFacets([
          doc('2022', { tags: ['Kyiv'], places: ['Kyiv', 'Lviv'], people: ['Zelenskyy'] }),
          doc('2022', { places: ['Kyiv'], people: ['Zelenskyy', 'Biden'] }),
        ]),
      ).toStrictEqual({
        tags: [{ value: 'Kyiv', count: 1 }],
        places: [
          { value: 'Kyiv', count: 2 },
          { value: 'Lviv', count: 1 },
        ],
        people: [
          { value: 'Zelenskyy', count: 2 },
          { value: 'Biden', count: 1 },
        ],
      });
    });

    it('keeps the 20 most frequent values by default', () => {
      const many = Array.from({ length: 25 }, (_, i) => doc('2022', { tags: Array.from({ length: i + 1 }, (_, j) => `t${String(j).padStart(2, '0')}`) }));
      const tags = countFacets(many).tags;
      expect(tags).toHaveLength(20);
      expect(tags[0]).toStrictEqual({ value: 't00', count: 25 });
      expect(tags.at(-1)).toStrictEqual({ value: 't19', count: 6 });
    });

    it('keeps as many values as the limit asks', () => {
      const facets = countFacets([doc('2022', { tags: ['a', 'b', 'c'] }), doc('2022', { tags: ['c'] })], 2);
      expect(facets.tags).toStrictEqual([
        { value: 'c', count: 2 },
        { value: 'a', count: 1 },
      ]);
    });

    it('gives empty lists when nothing matches', () => {
      expect(countFacets([])).toStrictEqual({ tags: [], places: [], people: [] });
    });

    // A facet count is a number of matching events; it can never exceed the number of matches.
    it('counts an event once even when it lists a value twice', () => {
      expect(countFacets([doc('2022', { tags: ['war', 'war'] })]).tags).toStrictEqual([{ value: 'war', count: 1 }]);
    });

    it('adds up the counts of one value across shards, however many values each shard has', () => {
      const shard = (tags: string[][]) => {
        const matches = tags.map((list) => doc('2022', { tags: list }));
        return { docs: matches, ids: matches.map((_, i) => i) };
      };
      // Many matches in the first two (counted by column), one in forty in the third (counted from its documents).
      const first = shard([['war'], ['war', 'peace'], ['peace']]);
      const second = shard([['peace'], ['truce'], ['war']]);
      const sparse = { ...shard([['war'], ...Array.from({ length: 39 }, () => ['other'])]), ids: [0] };
      expect(aggregations.countFacets([first, second, sparse]).tags).toStrictEqual([
        { value: 'war', count: 4 },
        { value: 'peace', count: 3 },
        { value: 'truce', count: 1 },
      ]);
    });

    // Values are numbered across shards for counting; past a limit the numbering starts over, and counts must not mix.
    it('counts right after more distinct values than the numbering keeps', () => {
      const many = Array.from({ length: 260_000 }, (_, i) => doc('2022', { people: [`person ${i}`], tags: ['war'] }));
      expect(countFacets(many).tags).toStrictEqual([{ value: 'war', count: 260_000 }]);
      const later = [doc('2022', { people: ['person 7'] }), doc('2022', { people: ['person 7', 'other'] })];
      expect(countFacets(later).people).toStrictEqual([
        { value: 'person 7', count: 2 },
        { value: 'other', count: 1 },
      ]);
      expect(countFacets(many.slice(0, 3)).people.map((facet) => facet.value)).toStrictEqual(['person 0', 'person 1', 'person 2']);
    });
  });

  describe('histogram', () => {
    it.each<[string, string, Interval]>([
      ['2022-06-21', '2022-06-21', 'day'],
      ['2022-06-01', '2022-06-30', 'day'],
      ['2022-05-01', '2022-06-29', 'day'],
      ['2022-05-01', '2022-06-30', 'week'],
      ['2022-01', '2022-06', 'week'],
      ['2022', '2022', 'week'],
      ['2018', '2022', 'month'],
      ['2000', '2022', 'year'],
      ['1900', '2022', 'decade'],
      ['-0499', '2022', 'century'],
      ['-9999', '9999', 'millennium'],
    ])('picks the interval from a range %s to %s: %s', (from, to, interval) => {
      expect(histogram(docs('2022-06-21'), range(from, to)).interval).toBe(interval);
    });

    it('picks the interval from the range, not from the matches, when both ends are given', () => {
      expect(histogram(docs('2022-06-01', '2022-06-02'), range('1900', '2022')).interval).toBe('decade');
    });

    it.each<[string[], Interval]>([
      [['2022-06-01', '2022-06-20'], 'day'],
      [['2022-01-01', '2022-12-31'], 'week'],
      [['2000-06-21', '2022-06-21'], 'year'],
      [['-0043-03-15', '2022-06-21'], 'century'],
    ])('picks the interval from the matches %j when the range is open', (starts, interval) => {
      expect(histogram(docs(...starts), {}).interval).toBe(interval);
    });

    it('takes the missing end of a half-open range from the matches', () => {
      const matches = docs('2022-06-10', '2022-06-20');
      expect(histogram(matches, { fromKey: range('2022-06-01', '2022-06-01').fromKey }).interval).toBe('day');
      expect(histogram(matches, { toKey: range('2022-06-30', '2022-06-30').toKey }).interval).toBe('day');
      expect(histogram(matches, { fromKey: range('1900', '1900').fromKey }).interval).toBe('decade');
    });

    it('answers an empty yearly histogram when nothing matches in an open range', () => {
      expect(histogram([], {})).toStrictEqual({ interval: 'year', buckets: [], coarse: [] });
    });

    it('counts each match in its bucket and fills the empty buckets in between', () => {
      expect(histogram(docs('2022-01-05', '2022-01-20', '2022-04-01'), {}, 'month')).toStrictEqual({
        interval: 'month',
        buckets: [
          { key: '12022-01-01T00:00:00', label: 'January 2022', start: '12022-01-01T00:00:00', end: '12022-01-31T23:59:59', count: 2 },
          { key: '12022-02-01T00:00:00', label: 'February 2022', start: '12022-02-01T00:00:00', end: '12022-02-28T23:59:59', count: 0 },
          { key: '12022-03-01T00:00:00', label: 'March 2022', start: '12022-03-01T00:00:00', end: '12022-03-31T23:59:59', count: 0 },
          { key: '12022-04-01T00:00:00', label: 'April 2022', start: '12022-04-01T00:00:00', end: '12022-04-30T23:59:59', count: 1 },
        ],
        coarse: [],
      });
    });

    it('orders buckets by date whatever the order of the matches', () => {
      expect(counts(histogram(docs('2022-06-03', '2022-06-01', '2022-06-03', '2022-06-02'), {}, 'day').buckets)).toStrictEqual([
        '1 June 2022: 1',
        '2 June 2022: 1',
        '3 June 2022: 2',
      ]);
    });

    it('fills day buckets across the end of a month', () => {
      expect(counts(histogram(docs('2022-06-29', '2022-07-02'), {}, 'day').buckets)).toStrictEqual([
        '29 June 2022: 1',
        '30 June 2022: 0',
        '1 July 2022: 0',
        '2 July 2022: 1',
      ]);
    });

    it('fills ISO week buckets, each starting on a Monday', () => {
      const { buckets } = histogram(docs('2022-06-01', '2022-06-20', '2022-06-26'), {}, 'week');
      expect(buckets.map((bucket) => [bucket.start, bucket.end, bucket.count])).toStrictEqual([
        ['12022-05-30T00:00:00', '12022-06-05T23:59:59', 1],
        ['12022-06-06T00:00:00', '12022-06-12T23:59:59', 0],
        ['12022-06-13T00:00:00', '12022-06-19T23:59:59', 0],
        ['12022-06-20T00:00:00', '12022-06-26T23:59:59', 2],
      ]);
    });

    it('counts a match with a time of day in its day', () => {
      expect(counts(histogram(docs('2022-06-21T23:59', '2022-06-21T00:00'), {}, 'day').buckets)).toStrictEqual(['21 June 2022: 2']);
    });

    it.each<Interval>(['day', 'week', 'month'])('counts a year-only match in its year, never on 1 January, in a %s histogram', (interval) => {
      const result = histogram(docs('2022', '2022-06-21'), {}, interval);
      expect(result.buckets.filter((bucket) => bucket.count > 0).map((bucket) => bucket.start)).not.toContain('12022-01-01T00:00:00');
      expect(result.buckets.reduce((sum, bucket) => sum + bucket.count, 0)).toBe(1);
      expect(result.coarse).toStrictEqual([
        { key: '12022-01-01T00:00:00', label: '2022', start: '12022-01-01T00:00:00', end: '12022-12-31T23:59:59', count: 1, precision: 'year' },
      ]);
    });

    it('lists a month before the year it starts, whatever the order of the matches', () => {
      const labels = (matches: IndexedDoc[]) => histogram(matches, {}, 'day').coarse.map((bucket) => bucket.label);
      expect(labels(docs('2022', '2022-01'))).toStrictEqual(['January 2022', '2022']);
      expect(labels(docs('2022-01', '2022'))).toStrictEqual(['January 2022', '2022']);
    });

    it('counts only the matching documents of each shard and adds up shards', () => {
      const first = [doc('2022-06-01', { tags: ['war'] }), doc('2022-06-02', { tags: ['flood'] }), doc('2022-06', { tags: ['war'] })];
      const second = [doc('2022-06-02', { tags: ['war', 'flood'] }), doc('1990', { tags: ['war'] })];
      const shards = [{ docs: first, ids: [0, 2] }, { docs: second, ids: [0] }];
      expect(aggregations.countFacets(shards).tags).toStrictEqual([{ value: 'war', count: 3 }, { value: 'flood', count: 1 }]);
      expect(aggregations.histogram(shards, {}, 'day')).toStrictEqual(histogram([first[0]!, first[2]!, second[0]!], {}, 'day'));
      expect(aggregations.histogram(shards, {}).interval).toBe('day');
    });

    it('counts a few matches among many documents as it counts a shard that all match', () => {
      const many = Array.from({ length: 100 }, (_, i) => doc('2022-06-01', { tags: [`t${i % 7}`], places: ['Kyiv'], people: [] }));
      many[3] = doc('2022-06-03', { tags: ['war', 'war', 'flood'], places: ['Odesa', 'Kyiv'], people: ['Zelensky'] });
      many[50] = doc('2022-06-04', { tags: ['flood'], places: ['Kyiv'], people: ['Zelensky'] });
      const few = aggregations.countFacets([{ docs: many, ids: [3, 50] }]);
      expect(few).toStrictEqual(countFacets([many[3]!, many[50]!]));
      expect(few.tags).toStrictEqual([{ value: 'flood', count: 2 }, { value: 'war', count: 1 }]);
    });

    it('counts a month-only match in its month in a day histogram', () => {
      const result = histogram(docs('2022-06', '2022-06', '2022-06-21', '2021'), {}, 'day');
      expect(counts(result.buckets)).toStrictEqual(['21 June 2022: 1']);
      expect(result.coarse).toStrictEqual([
        { key: '12021-01-01T00:00:00', label: '2021', start: '12021-01-01T00:00:00', end: '12021-12-31T23:59:59', count: 1, precision: 'year' },
        { key: '12022-06-01T00:00:00', label: 'June 2022', start: '12022-06-01T00:00:00', end: '12022-06-30T23:59:59', count: 2, precision: 'month' },
      ]);
    });

    it('counts a year-only match in a year bucket when the interval is a year or wider', () => {
      const result = histogram(docs('2022', '2022-06-21'), {}, 'year');
      expect([counts(result.buckets), result.coarse]).toStrictEqual([['2022: 2'], []]);
    });

    it('puts everything in coarse when every match is known only to a coarser period', () => {
      const result = histogram(docs('2022', '2022'), {}, 'month');
      expect([result.buckets, counts(result.coarse)]).toStrictEqual([[], ['2022: 2']]);
    });

    it('orders BC and AD years chronologically and fills the years between', () => {
      const { buckets } = histogram(docs('0001', '-0001', '-0001-12-31'), {}, 'year');
      expect(counts(buckets)).toStrictEqual(['2 BC: 2', '1 BC: 0', '1: 1']);
      expect(buckets.map((bucket) => bucket.key)).toStrictEqual(['09999-01-01T00:00:00', '10000-01-01T00:00:00', '10001-01-01T00:00:00']);
    });

    it('orders BC and AD centuries chronologically', () => {
      const { buckets } = histogram(docs('0150', '-0043-03-15', '0033', '-0150'), {}, 'century');
      expect(buckets.map((bucket) => [bucket.start, bucket.end, bucket.count])).toStrictEqual([
        ['09800-01-01T00:00:00', '09899-12-31T23:59:59', 1],
        ['09900-01-01T00:00:00', '09999-12-31T23:59:59', 1],
        ['10000-01-01T00:00:00', '10099-12-31T23:59:59', 1],
        ['10100-01-01T00:00:00', '10199-12-31T23:59:59', 1],
      ]);
    });

    it('keeps decade buckets contiguous across year 0', () => {
      const { buckets } = histogram(docs('-0015', '-0005', '0005', '0015'), {}, 'decade');
      expect(buckets.map((bucket) => [bucket.start, bucket.end, bucket.count])).toStrictEqual([
        ['09980-01-01T00:00:00', '09989-12-31T23:59:59', 1],
        ['09990-01-01T00:00:00', '09999-12-31T23:59:59', 1],
        ['10000-01-01T00:00:00', '10009-12-31T23:59:59', 1],
        ['10010-01-01T00:00:00', '10019-12-31T23:59:59', 1],
      ]);
    });

    it('fills empty decades between BC and AD matches', () => {
      const { buckets } = histogram(docs('-0025', '0025'), {}, 'decade');
      expect(buckets.map((bucket) => [bucket.start.slice(0, 5), bucket.count])).toStrictEqual([
        ['09970', 1],
        ['09980', 0],
        ['09990', 0],
        ['10000', 0],
        ['10010', 0],
        ['10020', 1],
      ]);
    });

    it('labels decades as people write them', () => {
      expect(counts(histogram(docs('1995', '2012'), {}, 'decade').buckets)).toStrictEqual([
        '1990s: 1',
        '2000 – 2009: 0',
        '2010s: 1',
      ]);
    });

    it('uses the interval it is given, whatever the range', () => {
      const result = histogram(docs('2022-06-01', '2022-06-30'), range('2022-06-01', '2022-06-30'), 'year');
      expect([result.interval, counts(result.buckets)]).toStrictEqual(['year', ['2022: 2']]);
    });

    it('answers a single bucket for a single match', () => {
      expect(counts(histogram(docs('2022-06-21'), {}, 'month').buckets)).toStrictEqual(['June 2022: 1']);
    });

    it('leaves the gaps to the client past 500 buckets', () => {
      expect(counts(histogram(docs('1000', '2022'), {}, 'year').buckets)).toStrictEqual(['1000: 1', '2022: 1']);
    });

    it('fills up to 500 buckets', () => {
      expect(histogram(docs('1523', '2022'), {}, 'year').buckets).toHaveLength(500);
    });

    it('counts every match exactly once, in a bucket or in coarse', () => {
      const corpus = [...syntheticDocs(300, 7), ...docs('2022', '2021-03', '-0043')];
      for (const interval of ['week', 'month', 'year', 'century'] as const) {
        const { buckets, coarse } = histogram(corpus, {}, interval);
        const total = [...buckets, ...coarse].reduce((sum, bucket) => sum + bucket.count, 0);
        expect(total, interval).toBe(corpus.length);
      }
    });
  });
});
