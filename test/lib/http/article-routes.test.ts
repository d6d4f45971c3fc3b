import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../lib/app';
import { startLocalIndexer } from '../../../lib/local-indexer';
import { testConfig, uniqueTimeline } from '../../helpers/dynamo';
import { call } from '../../helpers/http';
import { DONBAS_ROUNDUP, NEW_YEAR_STRIKES } from '../articles/news-articles';

const config = testConfig();
const app = createApp({ config });
const searchable = uniqueTimeline('articles-search');
// Index only this file's searchable timeline: other test files share the table and its stream.
const indexer = startLocalIndexer(config, { only: (record) => record.dynamodb?.Keys?.pk?.S === `TL#${searchable}` });
afterAll(() => indexer.stop());

const post = (timeline: string, body: unknown, query = '', key?: string | null) =>
  call(app, 'POST', `/v1/timelines/${timeline}/articles${query}`, body, key === undefined ? {} : { key });
const dates = (events: { event: { date: { start: string; end?: string; precision: string } }; rule: string }[]) =>
  events.map(({ event, rule }) => [rule, event.date.start, event.date.end ?? null, event.date.precision]);

describe('POST /v1/timelines/{timeline}/articles', () => {
  it('writes one event per dated statement, each with the expression and rule that dated it', async () => {
    const timeline = uniqueTimeline('articles');
    const { status, body } = await post(timeline, DONBAS_ROUNDUP);
    expect(status).toBe(201);
    expect(dates(body.events)).toEqual([
      ['weekday-past', '2022-06-20', null, 'day'],
      ['weekday-past', '2022-06-21', null, 'day'],
      ['fortnight-ago', '2022-06-07', null, 'day'],
      ['earlier-this-month', '2022-06', null, 'month'],
      ['overnight', '2022-06-20', null, 'day'],
      ['weekday-future', '2022-06-23', null, 'day'],
      ['weekday-future', '2022-06-24', null, 'day'],
    ]);
    expect(body.events[0]).toMatchObject({ expression: 'Monday', rule: 'weekday-past', sentences: [{ index: 0, rule: 'weekday-past' }, { index: 1, rule: 'inherited' }] });
    expect(body.created).toEqual(body.events.map((e: { event: { id: string } }) => e.event.id));
    expect(body).toMatchObject({ replaced: [], unchanged: [] });

    const stored = await call(app, 'GET', `/v1/timelines/${timeline}/events/${body.created[2]}`);
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({
      title: 'Russian troops captured the outskirts of Sievierodonetsk a fortnight ago',
      date: { start: '2022-06-07', precision: 'day', display: '7 June 2022' },
      sources: [{ url: DONBAS_ROUNDUP.url, title: 'Donbas roundup', publisher: 'Example Wire', publishedAt: DONBAS_ROUNDUP.publishedAt }],
    });
  });

  it('creates no duplicates when the same article is posted again, and replaces only what changed', async () => {
    const timeline = uniqueTimeline('articles-again');
    const first = await post(timeline, NEW_YEAR_STRIKES);
    expect(first.status).toBe(201);
    const again = await post(timeline, NEW_YEAR_STRIKES);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ created: [], replaced: [] });
    expect(again.body.unchanged).toEqual(first.body.created);
    const corrected = await post(timeline, { ...NEW_YEAR_STRIKES, text: NEW_YEAR_STRIKES.text.replace('on Wednesday', 'on Thursday') });
    expect(corrected.body).toMatchObject({ created: [], replaced: [first.body.created.at(-1)] });
    expect(corrected.body.events.at(-1).event.date.start).toBe('2023-01-05');
    const listed = await call(app, 'GET', `/v1/timelines/${timeline}/events?limit=100`);
    expect(listed.body.events).toHaveLength(first.body.created.length);
  });

  it('previews with dryRun=true and writes nothing', async () => {
    const timeline = uniqueTimeline('articles-dry');
    const { status, body } = await post(timeline, NEW_YEAR_STRIKES, '?dryRun=true');
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(['events']);
    expect(dates(body.events)[0]).toEqual(['weekday-past', '2022-12-30', null, 'day']);
    const listed = await call(app, 'GET', `/v1/timelines/${timeline}/events`);
    expect(listed.body.events).toEqual([]);
    expect((await call(app, 'GET', `/v1/timelines/${timeline}/events/${body.events[0].event.id}`)).status).toBe(404);
  });

  it('resolves dates in the time zone given', async () => {
    const article = { publishedAt: '2022-06-21T23:30:00-04:00', timezone: 'Europe/Kyiv', text: 'The dam was breached yesterday.' };
    const { body } = await post(uniqueTimeline('articles-tz'), article, '?dryRun=true');
    expect(dates(body.events)).toEqual([['relative-days', '2022-06-21', null, 'day']]);
  });

  it.each([
    ['no text', { publishedAt: '2022-06-21' }, 'text'],
    ['blank text', { publishedAt: '2022-06-21', text: '   ' }, 'text'],
    ['text over 100,000 characters', { publishedAt: '2022-06-21', text: 'a'.repeat(100_001) }, 'text'],
    ['no publishedAt', { text: 'Shelling continued.' }, 'publishedAt'],
    ['a date-time without offset', { publishedAt: '2022-06-21T09:30', text: 'Shelling continued.' }, 'publishedAt'],
    ['a bad url', { publishedAt: '2022-06-21', url: 'not a url', text: 'Shelling continued.' }, 'url'],
    ['an unknown time zone', { publishedAt: '2022-06-21', timezone: 'Mars/Olympus', text: 'Shelling continued.' }, 'timezone'],
    ['an unknown field', { publishedAt: '2022-06-21', text: 'Shelling continued.', author: 'me' }, '(body)'],
  ])('answers %s with a 422 problem naming the field', async (_, body, field) => {
    const response = await post(uniqueTimeline('articles-bad'), body);
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.body.errors.map((e: { path: string }) => e.path)).toEqual([field]);
    expect(response.body.detail).toContain(`${field}: `);
  });

  it('turns a text with no words into one event of the publication day rather than failing', async () => {
    const { status, body } = await post(uniqueTimeline('articles-dots'), { publishedAt: '2022-06-21', text: '... —' }, '?dryRun=true');
    expect(status).toBe(200);
    expect(body.events).toEqual([expect.objectContaining({ rule: 'publication-day', expression: null, event: expect.objectContaining({ title: '... —', date: { start: '2022-06-21', precision: 'day', display: '21 June 2022' } }) })]);
  });

  it('answers a bad dryRun with a 400 problem', async () => {
    const response = await post(uniqueTimeline('articles-bad'), { publishedAt: '2022-06-21', text: 'Shelling continued.' }, '?dryRun=maybe');
    expect(response.status).toBe(400);
    expect(response.body.detail).toMatch(/^query\.dryRun: /);
  });

  it('needs a write key, even for a dry run', async () => {
    for (const query of ['', '?dryRun=true']) {
      const response = await post(uniqueTimeline('articles-key'), DONBAS_ROUNDUP, query, null);
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }
  });

  it('makes the events searchable once the stream indexer has run', async () => {
    expect((await post(searchable, NEW_YEAR_STRIKES)).status).toBe(201);
    await indexer.drain(60_000);
    const grid = await call(app, 'GET', `/v1/timelines/${searchable}/search?q=grid`);
    expect(grid.body.hits).toEqual([
      expect.objectContaining({ title: 'Officials said on Friday that the power grid in Kyiv had been repaired', date: { start: '2022-12-30', precision: 'day', display: '30 December 2022' }, places: ['Kyiv'] }),
    ]);
    const lastWeek = await call(app, 'GET', `/v1/timelines/${searchable}/search?q=missiles&from=2022-12-31&to=2022-12-31`);
    expect(lastWeek.body.hits.map((hit: { date: { start: string; end?: string } }) => hit.date)).toEqual([
      { start: '2022-12-26', end: '2023-01-01', precision: 'day', display: '26 December 2022 – 1 January 2023' },
    ]);
    const march = await call(app, 'GET', `/v1/timelines/${searchable}/search?from=2022-03&to=2022-03`);
    expect(march.body.hits.map((hit: { title: string }) => hit.title)).toEqual(['Prices first rose in March, the bank said']);
  }, 90_000);
});
