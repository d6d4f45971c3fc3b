import { build } from 'esbuild';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../lib/app';
import { ApiError, bucketRange, createClient, highlightParts, isoFromSortKey, timelineJsEmbedUrl, type SearchResult } from '../../lib/client';
import { sortKey } from '../../lib/dates';
import { startLocalIndexer } from '../../lib/local-indexer';
import { testConfig, uniqueTimeline } from '../helpers/dynamo';
import { call } from '../helpers/http';

const root = join(import.meta.dirname, '..', '..');

describe('isoFromSortKey', () => {
  it.each([
    ['12022-06-01T00:00:00', 'day', '2022-06-01'],
    ['12022-06-30T23:59:59', 'month', '2022-06'],
    ['12022-12-31T23:59:59', 'year', '2022'],
    ['09957-03-15T00:00:00', 'day', '-0043-03-15'],
    ['09957-01-01T00:00:00', 'year', '-0043'],
    ['10000-01-01T00:00:00', 'year', '0000'],
    ['10001-01-01T00:00:00', 'day', '0001-01-01'],
    ['00001-01-01T00:00:00', 'year', '-9999'],
  ] as const)('reads %s at %s precision as %s', (key, precision, expected) => {
    expect(isoFromSortKey(key, precision)).toBe(expected);
  });

  it('rejects what is not a sort key', () => {
    expect(() => isoFromSortKey('2022-06-01')).toThrow('"2022-06-01" is not a sort key like "12022-06-21T00:00:00"');
  });
});

describe('bucketRange', () => {
  const bucket = (start: Parameters<typeof sortKey>[0], end: Parameters<typeof sortKey>[0]) => ({ start: sortKey(start, 'start'), end: sortKey(end, 'end') });

  it.each([
    ['day', bucket({ year: 2022, month: 6, day: 21 }, { year: 2022, month: 6, day: 21 }), { from: '2022-06-21', to: '2022-06-21' }],
    ['week', bucket({ year: 2022, month: 6, day: 27 }, { year: 2022, month: 7, day: 3 }), { from: '2022-06-27', to: '2022-07-03' }],
    ['month', bucket({ year: 2022, month: 6 }, { year: 2022, month: 6 }), { from: '2022-06', to: '2022-06' }],
    ['year', bucket({ year: -43 }, { year: -43 }), { from: '-0043', to: '-0043' }],
    ['decade', bucket({ year: -50 }, { year: -41 }), { from: '-0050', to: '-0041' }],
    ['century', bucket({ year: 1900 }, { year: 1999 }), { from: '1900', to: '1999' }],
    ['millennium', bucket({ year: -1000 }, { year: -1 }), { from: '-1000', to: '-0001' }],
  ] as const)('narrows to a %s bucket with the coarsest from/to that names it', (interval, input, expected) => {
    expect(bucketRange(input, interval)).toEqual(expected);
  });
});

describe('highlightParts', () => {
  it.each([
    ['plain text', [{ text: 'plain text', mark: false }]],
    ['', []],
    ['a <mark>b</mark> c', [{ text: 'a ', mark: false }, { text: 'b', mark: true }, { text: ' c', mark: false }]],
    ['<mark>Sarmat</mark>', [{ text: 'Sarmat', mark: true }]],
    ['Tom &amp; Jerry &lt;3 &quot;x&quot; &#39;y&#39;', [{ text: 'Tom & Jerry <3 "x" \'y\'', mark: false }]],
    ['&lt;img src=x onerror=&quot;<mark>alert</mark>(1)&quot;&gt;', [{ text: '<img src=x onerror="', mark: false }, { text: 'alert', mark: true }, { text: '(1)">', mark: false }]],
    ['&nbsp;&copy;', [{ text: '&nbsp;&copy;', mark: false }]],
  ])('reads %j into text parts', (html, expected) => {
    expect(highlightParts(html)).toEqual(expected);
  });

  it.each([
    '<img src=x onerror="window.__xss=1">',
    'a <mark>b</mark> <script>alert(1)</script>',
    '<mark><mark>nested</mark></mark>',
    '<mark>unclosed',
    'closed</mark>',
    '<MARK>upper</MARK>',
    '<mark class="x">attr</mark>',
  ])('keeps anything but bare <mark> as the characters it is: %s', (html) => {
    expect(highlightParts(html)).toEqual([{ text: html, mark: false }]);
  });
});

describe('timelineJsEmbedUrl', () => {
  it('points Knight Lab’s embed at the URL-encoded source', () => {
    expect(timelineJsEmbedUrl('https://api.example.com/v1/timelines/t/timelinejs?q=a b&tag=x&tag=y')).toBe(
      'https://cdn.knightlab.com/libs/timeline3/latest/embed/index.html?source=https%3A%2F%2Fapi.example.com%2Fv1%2Ftimelines%2Ft%2Ftimelinejs%3Fq%3Da%20b%26tag%3Dx%26tag%3Dy',
    );
  });
});

describe('the client bundle', () => {
  it('holds lib/client.ts alone: the server schemas it is typed from are types only', async () => {
    const result = await build({ entryPoints: [join(root, 'lib', 'client.ts')], bundle: true, write: false, metafile: true, format: 'esm', platform: 'browser', logLevel: 'silent' });
    expect(Object.keys(result.metafile.inputs).map((input) => relative(root, join(root, input)))).toEqual(['lib/client.ts']);
  });
});

describe('TimelineSearchClient', () => {
  const config = testConfig();
  const app = createApp({ config });
  const timeline = uniqueTimeline('client');
  const indexer = startLocalIndexer(config, { only: (record) => record.dynamodb?.Keys?.pk?.S === `TL#${timeline}` });
  const requested: string[] = [];
  const api = createClient({
    baseUrl: 'http://api.test/',
    fetch: (url, init) => {
      requested.push(url);
      return Promise.resolve(app.request(url, init));
    },
  });
  const events = [
    { id: 'ides', date: '-0043-03-15', title: 'Caesar assassinated', text: 'Stabbed in the Senate.', places: ['Rome'], people: ['Julius Caesar'] },
    { id: 'june', date: '2022-06', title: 'A month of shelling', tags: ['war'] },
    ...Array.from({ length: 45 }, (_, i) => ({
      id: `r${String(i).padStart(2, '0')}`,
      date: `2022-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
      title: `harbour report ${i}`,
      tags: i % 3 === 0 ? ['war', 'shipping'] : ['shipping'],
      places: [i % 2 ? 'Odesa' : 'Mykolaiv'],
    })),
  ];

  beforeAll(async () => {
    expect((await call(app, 'POST', `/v1/timelines/${timeline}/events`, events)).status).toBe(201);
    await indexer.drain(60_000);
  }, 120_000);
  afterAll(() => indexer.stop());

  describe('timelines', () => {
    it('lists the timelines with their counts and first and last dates', async () => {
      const mine = (await api.timelines()).find((summary) => summary.name === timeline);
      expect(mine).toMatchObject({ name: timeline, events: events.length, first: '-0043-03-15', last: '2022-12-24' });
    });
  });

  describe('search', () => {
    it('sends repeatable filters as repeated parameters and answers the typed result', async () => {
      const result: SearchResult = await api.search(timeline, { q: 'harbour', tag: ['war', 'shipping'], place: ['Odesa'], limit: 50 });
      expect(requested.at(-1)).toBe(`http://api.test/v1/timelines/${timeline}/search?q=harbour&tag=war&tag=shipping&place=Odesa&limit=50`);
      expect(result.total).toBe(events.slice(2).filter((event, i) => i % 3 === 0 && event.places?.[0] === 'Odesa').length);
      expect(result.hits.every((hit) => hit.tags.includes('war') && hit.places.includes('Odesa'))).toBe(true);
      expect(result.hits[0]?.titleHtml).toMatch(/<mark>harbour<\/mark>/);
    });

    it('shows dates at their precision', async () => {
      const { hits } = await api.search(timeline, { q: 'caesar OR shelling', sort: 'date' });
      expect(hits.map((hit) => hit.date.display)).toEqual(['15 March 44 BC', 'June 2022']);
    });

    it('narrows to a histogram bucket with bucketRange, finding exactly the bucket’s count', async () => {
      const { histogram } = await api.search(timeline, { q: 'harbour', from: '2022', to: '2022' });
      expect(histogram.interval).toBe('week');
      const monthly = await api.search(timeline, { q: 'harbour', interval: 'month' });
      for (const bucket of monthly.histogram.buckets.slice(0, 3)) {
        const narrowed = await api.search(timeline, { q: 'harbour', ...bucketRange(bucket, monthly.histogram.interval) });
        expect(narrowed.total).toBe(bucket.count);
      }
    });

    it('throws an ApiError with the problem’s detail for a bad query', async () => {
      const error = await api.search(timeline, { q: '"unterminated' }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ status: 400, message: expect.stringMatching(/^q: unterminated quote/) });
    });
  });

  describe('searchPages', () => {
    it('follows nextCursor through every page without duplicates', async () => {
      const ids: string[] = [];
      let pages = 0;
      for await (const page of api.searchPages(timeline, { q: 'harbour', limit: 10 })) {
        ids.push(...page.hits.map((hit) => hit.id));
        pages += 1;
      }
      expect(pages).toBe(5);
      expect(new Set(ids).size).toBe(45);
    });

    it('stops after maxPages', async () => {
      let pages = 0;
      for await (const _ of api.searchPages(timeline, { q: 'harbour', limit: 10 }, { maxPages: 2 })) pages += 1;
      expect(pages).toBe(2);
    });
  });

  describe('browse', () => {
    it('lists a date range in order and pages with the cursor', async () => {
      const first = await api.browse(timeline, { from: '44 BC', to: '2022-01', limit: 2 });
      expect(first.events.map((event) => event.id)).toEqual(['ides', 'r00']);
      expect(first.events[0]?.date.display).toBe('15 March 44 BC');
      const next = await api.browse(timeline, { from: '44 BC', to: '2022-01', limit: 2, cursor: first.nextCursor });
      expect(next.events.map((event) => event.id)).toEqual(['r36', 'r12']);
    });
  });

  describe('getEvent', () => {
    it('reads one event', async () => {
      const event = await api.getEvent(timeline, 'ides');
      expect(event).toMatchObject({ id: 'ides', timeline, title: 'Caesar assassinated', people: ['Julius Caesar'] });
    });

    it('throws an ApiError 404 for an unknown id', async () => {
      await expect(api.getEvent(timeline, 'nope')).rejects.toMatchObject({ name: 'ApiError', status: 404 });
    });
  });

  describe('timelineJs', () => {
    it('reads the TimelineJS export of a search, from the URL timelineJsUrl gives', async () => {
      expect(api.timelineJsUrl(timeline, { q: 'caesar', tag: [], from: '' })).toBe(`http://api.test/v1/timelines/${timeline}/timelinejs?q=caesar`);
      const document = await api.timelineJs(timeline, { q: 'caesar' });
      expect(document.events).toEqual([expect.objectContaining({ unique_id: 'ides', start_date: expect.objectContaining({ year: -44, month: 3, day: 15 }) })]);
    });
  });
});
