import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApp } from '../../lib/app';
import { startLocalIndexer } from '../../lib/local-indexer';
import { timelineJsDate, timelineJsYear } from '../../lib/timelinejs';
import { testConfig, uniqueTimeline } from '../helpers/dynamo';
import { call } from '../helpers/http';

/**
 * Knight Lab's TimelineJS JSON format, written from its documentation
 * (timeline.knightlab.com/docs/json-format.html) rather than from lib/timelinejs.ts, so that a field
 * misnamed there fails here: objects are strict, date parts are numbers (or numeric strings).
 */
const datePart = z.union([z.number().int(), z.string().regex(/^-?\d+$/)]);
const KnightLabDate = z.strictObject({
  year: datePart,
  month: datePart.optional(),
  day: datePart.optional(),
  hour: datePart.optional(),
  minute: datePart.optional(),
  second: datePart.optional(),
  millisecond: datePart.optional(),
  display_date: z.string().optional(),
  format: z.string().optional(),
});
const KnightLabText = z.strictObject({ headline: z.string().optional(), text: z.string().optional() });
const slide = {
  end_date: KnightLabDate.optional(),
  text: KnightLabText.optional(),
  media: z.strictObject({ url: z.string(), caption: z.string().optional(), credit: z.string().optional(), thumbnail: z.string().optional(), alt: z.string().optional(), title: z.string().optional(), link: z.string().optional(), link_target: z.string().optional() }).optional(),
  group: z.string().optional(),
  display_date: z.string().optional(),
  background: z.strictObject({ url: z.string().optional(), alt: z.string().optional(), color: z.string().optional() }).optional(),
  autolink: z.boolean().optional(),
  unique_id: z.string().optional(),
};
const KnightLabSlide = z.strictObject({ start_date: KnightLabDate, ...slide });
const KnightLabTimeline = z.strictObject({
  events: z.array(KnightLabSlide),
  title: z.strictObject(slide).optional(),
  eras: z.array(z.strictObject({ start_date: KnightLabDate, end_date: KnightLabDate, text: KnightLabText.optional() })).optional(),
  scale: z.enum(['human', 'cosmological']).optional(),
});
type KnightLabTimeline = z.infer<typeof KnightLabTimeline>;

/** Date parts of a TimelineJS date object (display text left out). */
const parts = ({ display_date: _, ...date }: z.infer<typeof KnightLabDate>) => date;

describe('timelineJsYear', () => {
  it.each([
    [2022, 2022],
    [1, 1],
    [0, -1],
    [-43, -44],
    [-2559, -2560],
    [-9999, -10000],
  ])('turns astronomical year %i into TimelineJS year %i', (year, expected) => {
    expect(timelineJsYear(year)).toBe(expected);
  });
});

describe('timelineJsDate', () => {
  it.each([
    ['-0043-03-15', { year: -44, month: 3, day: 15, display_date: '15 March 44 BC' }],
    ['0000', { year: -1, display_date: '1 BC' }],
    ['0001-01-01', { year: 1, month: 1, day: 1, display_date: '1 January 1' }],
    ['2022-06', { year: 2022, month: 6, display_date: 'June 2022' }],
    ['1900', { year: 1900, display_date: '1900' }],
    ['2022-06-21T14:30', { year: 2022, month: 6, day: 21, hour: 14, minute: 30, display_date: '21 June 2022, 14:30' }],
    ['2022-06-21T14:30:05', { year: 2022, month: 6, day: 21, hour: 14, minute: 30, second: 5, display_date: '21 June 2022, 14:30:05' }],
  ])('writes %s as %j, no more precise than it is known', (iso, expected) => {
    expect(timelineJsDate(iso)).toEqual(expected);
  });
});

describe('GET /v1/timelines/{timeline}/timelinejs', () => {
  const config = testConfig();
  const app = createApp({ config });
  const timeline = uniqueTimeline('tljs');
  const indexer = startLocalIndexer(config, { only: (record) => record.dynamodb?.Keys?.pk?.S === `TL#${timeline}` });
  const xss = '<img src=x onerror="window.__xss=1">';
  const events = [
    { id: 'pyramid', date: '-2560', title: 'Great Pyramid completed', tags: ['building'] },
    { id: 'ides', date: '-0043-03-15', title: 'Caesar assassinated', text: 'Stabbed in the Senate <script>alert(1)</script>.', places: ['Rome'], people: ['Julius Caesar'], tags: ['politics', 'rome'] },
    { id: 'year-zero', date: '0000', title: 'Year 1 BC' },
    { id: 'ww2', date: { start: '1939-09-01', end: '1945-09-02' }, title: 'Second World War', tags: ['war'] },
    { id: 'june', date: '2022-06', title: 'A month of shelling', text: 'Shelling in the Donbas.', tags: ['war'] },
    { id: 'xss', date: '2022-06-15T09:45', title: xss, text: `payload ${xss} in the text`, tags: [xss], places: ['<b>Odesa</b>'] },
    ...Array.from({ length: 150 }, (_, i) => ({
      id: `h${String(i).padStart(3, '0')}`,
      date: `2021-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
      title: `harbour report ${i}`,
      text: 'convoy harbour',
      tags: [i % 2 ? 'shipping' : 'weather'],
    })),
  ];
  const get = async (query: string): Promise<{ status: number; body: KnightLabTimeline }> => {
    const response = await call(app, 'GET', `/v1/timelines/${timeline}/timelinejs?${query}`);
    return { status: response.status, body: response.body };
  };

  beforeAll(async () => {
    expect((await call(app, 'POST', `/v1/timelines/${timeline}/events`, events)).status).toBe(201);
    await indexer.drain(60_000);
  }, 120_000);
  afterAll(() => indexer.stop());

  it('answers a document in the TimelineJS format, events in date order', async () => {
    const { status, body } = await get('');
    expect(status).toBe(200);
    const document = KnightLabTimeline.parse(body);
    const ids = document.events.map((event) => event.unique_id);
    expect(ids).toHaveLength(events.length);
    expect([...ids.slice(0, 4), ...ids.slice(-2)]).toEqual(['pyramid', 'ides', 'year-zero', 'ww2', 'june', 'xss']);
    expect(document.title?.text?.headline).toBe(timeline);
  });

  it('numbers BC years as TimelineJS shows them: 44 BC is -44, 1 BC is -1', async () => {
    const { body } = await get('from=3rd millennium BC&to=1 BC');
    const byId = new Map(body.events.map((event) => [event.unique_id, event]));
    expect(byId.get('ides')?.start_date).toEqual({ year: -44, month: 3, day: 15, display_date: '15 March 44 BC' });
    expect(byId.get('year-zero')?.start_date).toEqual({ year: -1, display_date: '1 BC' });
    expect(byId.get('pyramid')?.start_date).toEqual({ year: -2561, display_date: '2561 BC' });
  });

  it('leaves out the day and month an event is not known to, and keeps spans and times', async () => {
    const { body } = await get('from=1939&to=2022');
    const byId = new Map(body.events.map((event) => [event.unique_id, event]));
    expect(parts(byId.get('june')!.start_date)).toEqual({ year: 2022, month: 6 });
    const ww2 = byId.get('ww2')!;
    expect(parts(ww2.start_date)).toEqual({ year: 1939, month: 9, day: 1 });
    expect(parts(ww2.end_date!)).toEqual({ year: 1945, month: 9, day: 2 });
    expect(ww2.display_date).toBe('1 September 1939 – 2 September 1945');
    expect(parts(byId.get('xss')!.start_date)).toEqual({ year: 2022, month: 6, day: 15, hour: 9, minute: 45 });
  });

  it('escapes every field TimelineJS renders as HTML', async () => {
    const { body } = await get('q=onerror');
    const [event] = body.events;
    expect(event?.unique_id).toBe('xss');
    expect(event?.text?.headline).toBe('&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;');
    expect(event?.group).toBe('&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;');
    // Only the paragraphs and highlights the export adds are markup.
    expect(event?.text?.text?.replace(/<\/?(p|mark)>/g, '')).not.toMatch(/[<>]/);
    expect(event?.text?.text).toContain('<mark>onerror</mark>');
    expect(event?.text?.text).toContain('&lt;b&gt;Odesa&lt;/b&gt;');
    const ides = (await get('q=senate')).body.events[0];
    expect(ides?.text?.text).toBe('<p>Stabbed in the <mark>Senate</mark> &lt;script&gt;alert(1)&lt;/script&gt;.</p><p>Rome · Julius Caesar</p>');
    expect(ides?.group).toBe('politics');
  });

  it('takes the search’s words, range and filters', async () => {
    const { body } = await get('q=harbour&tag=shipping&from=2021-03&to=2021-04');
    expect(body.events.length).toBeGreaterThan(0);
    expect(body.events.every((event) => event.group === 'shipping' && event.start_date.year === 2021 && [3, 4].includes(Number(event.start_date.month)))).toBe(true);
    expect(body.title?.text?.text).toBe(`<p>${body.events.length} events: “harbour” · from 2021-03 · to 2021-04 · tag shipping</p>`);
  });

  it('pages through the search past its 100-hit pages, up to the limit, in date order', async () => {
    const { body } = await get('q=harbour&limit=120');
    expect(body.events).toHaveLength(120);
    expect(new Set(body.events.map((event) => event.unique_id)).size).toBe(120);
    const keys = body.events.map((event) => [event.start_date.year, event.start_date.month, event.start_date.day].map(Number));
    const sorted = [...keys].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!);
    expect(keys).toEqual(sorted);
    expect(body.title?.text?.text).toBe('<p>the first 120 of 150 events, by date: “harbour”</p>');
    expect((await get('q=harbour')).body.events).toHaveLength(150);
  });

  it.each([
    ['q="unterminated', 400, /q: unterminated quote/],
    ['limit=501', 400, /limit/],
    ['from=not a date', 400, /not a date/],
  ])('answers %s with %i', async (query, status, detail) => {
    const response = await call(app, 'GET', `/v1/timelines/${timeline}/timelinejs?${query}`);
    expect(response.status).toBe(status);
    expect(response.body.detail).toMatch(detail);
  });

  it('is described in the OpenAPI document', async () => {
    const { body } = await call(app, 'GET', '/openapi.json');
    expect(body.paths['/v1/timelines/{timeline}/timelinejs'].get.responses['200']).toBeDefined();
    expect(body.components.schemas.TimelineJsDocument).toBeDefined();
  });
});
