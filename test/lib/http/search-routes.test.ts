import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../lib/app';
import { startLocalIndexer } from '../../../lib/local-indexer';
import { SEGMENT_FORMAT } from '../../../lib/search/segment-codec';
import { emptyShard, KEY_SPACE, ShardStore } from '../../../lib/search/shard-store';
import { testClient, testConfig, uniqueTimeline } from '../../helpers/dynamo';
import { call } from '../../helpers/http';

const config = testConfig();
const app = createApp({ config });
const client = testClient();
const timeline = uniqueTimeline('search');
const big = uniqueTimeline('search-big');
// Index only this file's timelines: other test files share the table and its stream.
const indexer = startLocalIndexer(config, { maxShardDocs: 150, only: (record) => [timeline, big].some((name) => record.dynamodb?.Keys?.pk?.S === `TL#${name}`) });
const search = (name: string, query: string) => call(app, 'GET', `/v1/timelines/${name}/search?${query}`);
const ids = (body: { hits: { id: string }[] }) => body.hits.map((hit) => hit.id);

const events = [
  { id: 'sarmat-test', date: '2022-04-20', title: 'Russia test-fires the Sarmat missile', text: 'The RS-28 Sarmat ICBM was launched from Plesetsk.', tags: ['war', 'weapons'], people: ['Vladimir Putin'] },
  { id: 'lys-1', date: '2022-06-01', title: 'Shelling near Lysychansk', text: 'Artillery hit the refinery.', places: ['Lysychansk'], tags: ['war'] },
  { id: 'lys-30', date: '2022-06-30', title: 'Lysychansk encircled', text: 'Defenders pull back under heavy shelling.', places: ['Lysychansk'], tags: ['war'] },
  { id: 'lys-july', date: '2022-07-03', title: 'Lysychansk falls', text: 'Ukraine confirms withdrawal.', places: ['Lysychansk'], tags: ['war'] },
  { id: 'june', date: '2022-06', title: 'June shelling report', text: 'A month of shelling in the Donbas.', tags: ['report'] },
  { id: 'ides', date: '-0043-03-15', title: 'Caesar assassinated', text: 'Stabbed in the Senate <script>alert(1)</script>.', places: ['Rome'], people: ['Julius Caesar'] },
  { id: 'hastings', date: '1066-10-14', title: 'Battle of Hastings', text: 'Norman conquest of England begins.', places: ['Hastings'] },
  { id: 'ww2', date: { start: '1939-09-01', end: '1945-09-02' }, title: 'Second World War', text: 'Global war.', tags: ['war'] },
  { id: 'pyramid', date: '-2560', title: 'Great Pyramid completed', text: 'Built for Khufu.', places: ['Giza'] },
];

beforeAll(async () => {
  expect((await call(app, 'POST', `/v1/timelines/${timeline}/events`, events)).status).toBe(201);
  const many = Array.from({ length: 1000 }, (_, i) => ({
    id: `n${String(i).padStart(4, '0')}`,
    date: `${2000 + (i % 23)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
    title: `harbour report ${i}`,
    text: `convoy ${i % 7 === 0 ? 'ceasefire' : 'drone'} harbour`,
  }));
  expect((await call(app, 'POST', `/v1/timelines/${big}/events`, many)).body.created).toHaveLength(1000);
  await indexer.drain(60_000);
}, 120_000);

afterAll(async () => {
  await indexer.stop();
  client.destroy();
});

describe('GET /v1/timelines/{timeline}/search', () => {
  it('finds every event mentioning Sarmat, with highlights and matched fields', async () => {
    const { status, body, headers } = await search(timeline, 'q=sarmat');
    expect(status).toBe(200);
    expect(ids(body)).toEqual(['sarmat-test']);
    expect(body.hits[0].titleHtml).toBe('Russia test-fires the <mark>Sarmat</mark> missile');
    expect(body.hits[0].snippet).toContain('<mark>Sarmat</mark>');
    expect(body.hits[0].matchedFields.sort()).toEqual(['text', 'title']);
    expect(body.hits[0].date).toEqual({ start: '2022-04-20', precision: 'day', display: '20 April 2022' });
    expect(headers.get('cache-control')).toContain('max-age');
  });

  it('answers "what happened near Lysychansk between 1 and 30 June 2022" (edges and month precision included)', async () => {
    const { body } = await search(timeline, 'place=Lysychansk&from=2022-06-01&to=2022-06-30&sort=date');
    expect(ids(body)).toEqual(['lys-1', 'lys-30']);
    const shelling = await search(timeline, `q=${encodeURIComponent('shelling during:"June 2022"')}&sort=date`);
    expect(ids(shelling.body)).toEqual(['june', 'lys-1', 'lys-30']);
  });

  it('reads BC dates and the forms people write', async () => {
    expect(ids((await search(timeline, 'from=44 BC&to=44 BC')).body)).toEqual(['ides']);
    expect(ids((await search(timeline, `q=${encodeURIComponent('before:1066')}&sort=date`)).body)).toEqual(['pyramid', 'ides']);
    expect(ids((await search(timeline, `q=${encodeURIComponent('after:44BC battle')}`)).body)).toEqual(['hastings']);
    expect(ids((await search(timeline, 'from=3rd millennium BC&to=3rd millennium BC')).body)).toEqual(['pyramid']);
    expect(ids((await search(timeline, 'q=war&from=1940s&to=1940s')).body)).toEqual(['ww2']);
  });

  it('browses chronologically with facets and a histogram when q is empty', async () => {
    const weekly = (await search(timeline, 'from=2022&to=2022')).body.histogram;
    expect(weekly.interval).toBe('week');
    // The June-only event cannot sit in a week: it is counted in its month, never on 1 June.
    expect(weekly.coarse).toEqual([expect.objectContaining({ label: 'June 2022', precision: 'month', count: 1 })]);
    expect(weekly.buckets.reduce((sum: number, bucket: { count: number }) => sum + bucket.count, 0)).toBe(4);
    expect((await search(timeline, 'from=2022-06&to=2022-06')).body.histogram.interval).toBe('day');
    const { body } = await search(timeline, 'from=2022&to=2022&interval=month');
    expect(body.total).toBe(5);
    expect(body.hits[0].id).toBe('sarmat-test');
    expect(body.facets.places).toEqual([{ value: 'Lysychansk', count: 3 }]);
    expect(body.histogram.interval).toBe('month');
    const counts = Object.fromEntries(body.histogram.buckets.map((bucket: { label: string; count: number }) => [bucket.label, bucket.count]));
    expect(counts).toEqual({ 'April 2022': 1, 'May 2022': 0, 'June 2022': 3, 'July 2022': 1 });
    expect(body.histogram.coarse).toEqual([]);
  });

  it('escapes event text in snippets', async () => {
    const { body } = await search(timeline, 'q=senate');
    expect(body.hits[0].snippet).toContain('&lt;script&gt;');
    expect(body.hits[0].snippet).not.toContain('<script>');
  });

  it('pages through every hit of a 1,000-hit query with no duplicates or gaps, for each sort', async () => {
    for (const sort of ['relevance', 'date', '-date']) {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const { body } = await search(big, `q=harbour&sort=${sort}&limit=100${cursor ? `&cursor=${cursor}` : ''}`);
        expect(body.total).toBe(1000);
        seen.push(...ids(body));
        cursor = body.nextCursor;
        pages += 1;
      } while (cursor && pages < 20);
      expect(pages).toBe(10);
      expect(new Set(seen).size).toBe(1000);
    }
  });

  it('ranks rarer matches first and counts exactly with AND', async () => {
    const { body } = await search(big, 'q=harbour ceasefire&limit=5');
    expect(body.total).toBe(143);
    const mixed = await search(big, 'q=ceasefire OR drone&limit=1');
    expect(mixed.body.total).toBe(1000);
    expect(mixed.body.hits[0].snippet).toContain('<mark>ceasefire</mark>');
  });

  it.each([
    ['q="unterminated', /q: unterminated quote/],
    ['q=-only', /needs at least one word/],
    ['q=*', /needs at least 2 letters/],
    ['from=not a date', /from "not a date"/],
    ['q=before:1066 after:1067', /date range is empty/],
    ['cursor=nonsense', /cursor/],
    ['sort=sideways', /sort/],
    ['limit=1000', /limit/],
  ])('answers %s with a 400 problem', async (query, detail) => {
    const { status, body, headers } = await search(timeline, query);
    expect(status).toBe(400);
    expect(headers.get('content-type')).toBe('application/problem+json');
    expect(body.detail).toMatch(detail);
  });
});

describe('GET /v1/timelines', () => {
  it('lists timelines with counts and first/last dates', async () => {
    const { body } = await call(app, 'GET', '/v1/timelines');
    const mine = body.timelines.find((entry: { name: string }) => entry.name === timeline);
    expect(mine).toMatchObject({ name: timeline, events: events.length, first: '-2560-01-01', last: '2022-07-03' });
  });
});

describe('POST /v1/admin/timelines/{timeline}/reindex', () => {
  it('rebuilds the index from the table, and needs a key', async () => {
    expect((await call(app, 'POST', `/v1/admin/timelines/${timeline}/reindex`, undefined, { key: null })).status).toBe(401);
    const { status, body } = await call(app, 'POST', `/v1/admin/timelines/${timeline}/reindex`);
    expect(status).toBe(200);
    // One shard per lane: the war spans six years.
    expect(body).toMatchObject({ timeline, events: events.length, shards: 2 });
    expect(ids((await search(timeline, 'q=sarmat')).body)).toEqual(['sarmat-test']);
  });

  it('answers 503, naming the reindex, for an index in a format this release does not read, until it is rebuilt', async () => {
    // No events: a stream record of this timeline would reach other files' indexers, which would meet the same manifest.
    const outdated = uniqueTimeline('search-outdated');
    const { segments: _segments, ...oldShard } = emptyShard('main', KEY_SPACE.first, KEY_SPACE.last);
    const manifest = { pk: 'MANIFEST', sk: outdated, timeline: outdated, format: SEGMENT_FORMAT - 1, shards: { [oldShard.id]: oldShard } };
    await client.send(new PutItemCommand({ TableName: config.INDEX_TABLE_NAME, Item: marshall(manifest) }));
    try {
      const { status, body, headers } = await search(outdated, 'q=sarmat');
      expect(status).toBe(503);
      expect(headers.get('content-type')).toBe('application/problem+json');
      expect(body.detail).toContain(`npm run reindex -- ${outdated}`);
      expect((await call(app, 'POST', `/v1/admin/timelines/${outdated}/reindex`)).status).toBe(200);
      expect(await search(outdated, 'q=sarmat')).toMatchObject({ status: 200, body: { total: 0 } });
    } finally {
      await new ShardStore(client, config.INDEX_TABLE_NAME).dropIndex(outdated);
    }
  });
});

describe('manifest reuse', () => {
  it('answers from memory within SEARCH_MANIFEST_TTL_MS, while an instance without it sees new events at once', async () => {
    const cached = createApp({ config: testConfig({ SEARCH_MANIFEST_TTL_MS: '60000' }) });
    const fresh = createApp({ config: testConfig({ SEARCH_MANIFEST_TTL_MS: '0' }) });
    const before = (await call(cached, 'GET', `/v1/timelines/${timeline}/search?q=zeppelin`)).body.total;
    expect(before).toBe(0);
    await call(app, 'POST', `/v1/timelines/${timeline}/events`, [{ id: 'zeppelin', date: '1900-07-02', title: 'First Zeppelin flight' }]);
    await indexer.drain(30_000);
    expect((await call(fresh, 'GET', `/v1/timelines/${timeline}/search?q=zeppelin`)).body.total).toBe(1);
    expect((await call(cached, 'GET', `/v1/timelines/${timeline}/search?q=zeppelin`)).body.total).toBe(0);
  });
});
