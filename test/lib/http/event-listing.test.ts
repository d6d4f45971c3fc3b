import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../lib/app';
import { testConfig, uniqueTimeline } from '../../helpers/dynamo';
import { call } from '../../helpers/http';

const app = createApp({ config: testConfig() });
const timeline = uniqueTimeline('listing');
const list = (query: string) => call(app, 'GET', `/v1/timelines/${timeline}/events?${query}`);
const ids = (body: { events: { id: string }[] }) => body.events.map((event) => event.id);

const events = [
  { id: 'troy', date: '-1183', title: 'Fall of Troy' },
  { id: 'ides', date: '-0043-03-15', title: 'Ides of March' },
  { id: 'year-zero', date: '0000', title: 'Year 1 BC' },
  { id: 'ad-one', date: '0001-01-01', title: 'First day AD' },
  { id: 'ww2', date: { start: '1939-09-01', end: '1945-09-02' }, title: 'Second World War' },
  { id: 'y1900', date: '1900', title: 'A year-only event' },
  { id: 'june-2022', date: '2022-06', title: 'A month-only event' },
  { id: 'd0621', date: '2022-06-21', title: 'Lysychansk' },
  { id: 'd0701', date: '2022-07-01', title: 'July' },
  { id: 'd0531', date: '2022-05-31T23:59', title: 'Last minute of May' },
];

beforeAll(async () => {
  const response = await call(app, 'POST', `/v1/timelines/${timeline}/events`, events);
  expect(response.body.created).toHaveLength(events.length);
});

describe('GET /v1/timelines/{timeline}/events', () => {
  it('orders events chronologically across BC and AD', async () => {
    const { body } = await list('limit=100');
    expect(ids(body)).toEqual(['troy', 'ides', 'year-zero', 'ad-one', 'y1900', 'ww2', 'd0531', 'june-2022', 'd0621', 'd0701']);
  });

  it('orders them backwards with order=desc', async () => {
    const { body } = await list('order=desc&limit=100');
    expect(ids(body)).toEqual(['d0701', 'd0621', 'june-2022', 'd0531', 'ww2', 'y1900', 'ad-one', 'year-zero', 'ides', 'troy']);
  });

  it.each([
    ['from=2022-06-21&to=2022-06-21', ['june-2022', 'd0621']],
    ['from=2022-06&to=2022-06', ['june-2022', 'd0621']],
    ['from=2022-06-30&to=2022-07-01', ['june-2022', 'd0701']],
    ['from=1900-07-14&to=1900-07-14', ['y1900']],
    ['from=1942&to=1942', ['ww2']],
    ['from=1945-09-02&to=1950', ['ww2']],
    ['from=1945-09-03&to=1950', []],
    ['from=-0044&to=-0043', ['ides']],
    ['from=44 BC&to=44 BC', ['ides']],
    ['from=1 BC&to=AD 1', ['year-zero', 'ad-one']],
    ['to=-1000', ['troy']],
  ])('with %s lists the events whose span overlaps the range', async (query, expected) => {
    const { status, body } = await list(`${query}&limit=100`);
    expect(status).toBe(200);
    expect(ids(body)).toEqual(expected);
  });

  it('pages through every event with the cursor, without duplicates or gaps', async () => {
    for (const order of ['asc', 'desc']) {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const { body } = await list(`limit=3&order=${order}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(body.events.length).toBeLessThanOrEqual(3);
        seen.push(...ids(body));
        cursor = body.nextCursor;
        pages += 1;
      } while (cursor && pages < 20);
      expect(pages).toBeGreaterThan(3);
      const all = ids((await list(`limit=100&order=${order}`)).body);
      expect(seen).toEqual(all);
    }
  });

  it.each([
    ['from=yesterday-ish', /from: cannot read "yesterday-ish"/],
    ['from=2022&to=2021', /from "2022" is after to "2021"/],
    ['cursor=garbage', /cursor is not one this API gave out/],
    ['limit=0', /limit/],
    ['order=sideways', /order/],
  ])('answers %s with a 400 that says what was wrong', async (query, detail) => {
    const { status, body } = await list(query);
    expect(status).toBe(400);
    expect(body.detail).toMatch(detail);
  });
});
