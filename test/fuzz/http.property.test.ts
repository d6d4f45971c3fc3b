import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../lib/app';
import { createDynamoClient } from '../../lib/dynamo-client';
import { encodeCursor } from '../../lib/cursor';
import { zipfWords, seededRandom } from '../helpers/corpus';
import { TEST_KEY, testConfig, uniqueTimeline } from '../helpers/dynamo';

const config = testConfig();
const client = createDynamoClient(config);
const app = createApp({ config, client });
const timeline = uniqueTimeline('fuzz');
const durations: number[] = [];

beforeAll(async () => {
  const random = seededRandom(9);
  const events = [
    ...Array.from({ length: 150 }, (_, i) => ({
      id: `z${i}`,
      date: `${1900 + (i % 120)}-${String(1 + (i % 12)).padStart(2, '0')}`,
      title: zipfWords(random, 4).join(' '),
      text: zipfWords(random, 25).join(' '),
      tags: [zipfWords(random, 1)[0]!],
    })),
    { id: 'rtl', date: '2022-06-21', title: 'مرحبا بالعالم', text: 'שלום עולם \u202eevil\u202c' },
    { id: 'emoji', date: '-0043-03-15', title: 'Rocket 🚀 launch', text: 'null\u0000byte and 👩‍👩‍👧 family' },
    { id: 'markup', date: '1066-10-14', title: '<script>alert(1)</script> harbour', text: '"quoted" & <b>bold</b> harbour' },
  ];
  for (let i = 0; i < events.length; i += 100) expect((await send('POST', `/v1/timelines/${timeline}/events`, JSON.stringify(events.slice(i, i + 100)))).status).toBe(201);
  expect((await send('POST', `/v1/admin/timelines/${timeline}/reindex`)).status).toBe(200);
}, 60_000);

afterAll(() => {
  client.destroy();
  // Every request is bounded by construction (limits on URL, body, depth, query terms); this says how bounded.
  const sorted = durations.toSorted((a, b) => a - b);
  console.log(
    `http fuzz: ${sorted.length} requests, median ${sorted[Math.floor(sorted.length / 2)]?.toFixed(1)} ms, ` +
      `p99 ${sorted[Math.floor(sorted.length * 0.99)]?.toFixed(1)} ms, max ${sorted.at(-1)?.toFixed(1)} ms`,
  );
});

/** Strings people and fuzzers type: query syntax, dates, unicode, control characters, percent signs. */
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 120 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.array(fc.constantFrom('harbour', 'conv*', 'tank~', '"grain deal"', '-army', 'OR', '(', ')', 'tag:war', 'during:"1990s"', 'after:44BC', '*', '\u0000', '%', '%zz', '🚀', 'مرحبا'), { maxLength: 12 }).map((parts) => parts.join(' ')),
  fc.constantFrom('2022', '-0043-03-15', '44 BC', 'June 2022', '3rd century BC', '1990s', '99999', '-10000', '0000', 'x'.repeat(101)),
);
const absent = fc.constant(undefined);
/** Present half the time, or one time in five. */
const maybe = <T,>(arbitrary: fc.Arbitrary<T>) => fc.oneof(absent, arbitrary);
const rarely = <T,>(arbitrary: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: absent }, { weight: 1, arbitrary });
/** Mostly what the route accepts, sometimes anything: so that most cases reach the engine and the store. */
const mostly = <T,>(valid: fc.Arbitrary<T>, other: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: other });
const word = fc.constantFrom('harbour', 'convoy', 'tank', 'grain', 'army', 'treaty', 'siege', 'ceasefire', 'drone', 'king');
const query = fc
  .array(fc.oneof(word, word.map((w) => `${w.slice(0, 3)}*`), word.map((w) => `${w}~`), word.map((w) => `-${w}`), fc.constantFrom('OR', 'tag:army', 'during:"1990s"', 'after:44BC', 'before:2000')), { maxLength: 6 })
  .map((parts) => parts.join(' '));
const dateText = fc.constantFrom('2022', '-0043-03-15', '44 BC', 'AD 33', 'June 2022', '3rd century BC', '1990s', '1900', '2nd millennium');
const limit = fc.integer({ min: 1, max: 100 }).map(String);

describe('the HTTP API under arbitrary input (property-based)', () => {
  it('answers any search with 200 or a 4xx problem+json, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          q: maybe(mostly(query, text)),
          from: maybe(mostly(dateText, text)),
          to: maybe(mostly(dateText, text)),
          cursor: rarely(fc.oneof(text, fc.jsonValue().map((value) => encodeCursor({ value })))),
          sort: maybe(mostly(fc.constantFrom('relevance', 'date', '-date'), text)),
          limit: maybe(mostly(limit, fc.oneof(fc.integer({ min: -5, max: 2000 }).map(String), text))),
          interval: rarely(mostly(fc.constantFrom('day', 'year', 'millennium'), text)),
          tag: rarely(fc.array(mostly(word, text), { maxLength: 22 })),
          place: rarely(text),
        }),
        async (params) => {
          const query = new URLSearchParams();
          for (const [name, value] of Object.entries(params)) {
            for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) query.append(name, item);
          }
          const { status, body } = await send('GET', `/v1/timelines/${timeline}/search?${query}`);
          expectAnswer(status, body, [200, 400]);
          if (status === 200) expect(body.hits.length).toBeLessThanOrEqual(100);
        },
      ),
      { numRuns: 250 },
    );
  });

  it('answers raw, badly encoded query strings and paths with 2xx or 4xx problem+json', async () => {
    const raw = fc.array(fc.constantFrom('%', '%2', '%zz', '%00', '%C3%28', '%E2%82', '+', '&', '=', '==', '?', ';', 'q', 'from', 'a', '%20', '#'), { maxLength: 20 });
    await fc.assert(
      fc.asyncProperty(raw, raw, fc.constantFrom('search', 'events', 'timelinejs'), async (query, segment, route) => {
        const { status, body } = await send('GET', `/v1/timelines/${timeline}/${route}?${query.join('')}`);
        expectAnswer(status, body, [200, 400]);
        const path = await send('GET', `/v1/timelines/${segment.join('').replace(/[#?]/g, '')}x/events/${segment.join('').replace(/[#?]/g, '')}y`);
        expectAnswer(path.status, path.body, [200, 400, 404]);
      }),
      { numRuns: 100 },
    );
  });

  it('answers any listing with 200 or a 4xx problem+json', async () => {
    await fc.assert(
      fc.asyncProperty(maybe(mostly(dateText, text)), maybe(mostly(dateText, text)), rarely(text), maybe(mostly(limit, text)), async (from, to, cursor, limit) => {
        const query = new URLSearchParams(Object.entries({ from, to, cursor, limit }).filter((entry): entry is [string, string] => entry[1] !== undefined));
        const { status, body } = await send('GET', `/v1/timelines/${timeline}/events?${query}`);
        expectAnswer(status, body, [200, 400]);
      }),
      { numRuns: 150 },
    );
  });

  it('answers any body to the write routes with 2xx or a 4xx problem+json', async () => {
    const eventLike = fc.record(
      {
        id: mostly(fc.stringMatching(/^fz-[a-z0-9]{1,8}$/), text),
        date: mostly(fc.constantFrom('2022-06-21', '-0043', '1990-12', '0000'), fc.oneof(text, fc.constantFrom('1990-13-01', '2022-02-30', '-10000'))),
        title: mostly(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }), fc.oneof(text, fc.integer(), fc.constant(''))),
        text,
        tags: fc.array(text, { maxLength: 3 }),
      },
      { requiredKeys: ['date', 'title'] },
    );
    const body = fc.oneof(
      fc.jsonValue({ maxDepth: 5 }).map((value) => JSON.stringify(value)),
      fc.array(eventLike, { maxLength: 5 }).map((events) => JSON.stringify(events)),
      eventLike.map((event) => JSON.stringify(event)),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.integer({ min: 1, max: 40 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
    );
    await fc.assert(
      fc.asyncProperty(body, mostly(fc.constantFrom('application/json', 'application/json; charset=utf-8'), fc.constantFrom('text/plain', 'application/x-www-form-urlencoded')), async (payload, type) => {
        const posted = await send('POST', `/v1/timelines/${timeline}/events`, payload, { 'content-type': type });
        expectAnswer(posted.status, posted.body, [200, 201, 400, 413, 415, 422]);
        const put = await send('PUT', `/v1/timelines/${timeline}/events/fz-put`, payload, { 'content-type': type });
        expectAnswer(put.status, put.body, [200, 201, 400, 409, 413, 415, 422]);
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    ['"*" alone', '*', 400],
    ['1,000 nested parentheses', '('.repeat(1000), 400],
    ['thousands of terms', 'ab '.repeat(2000), 400],
    ['32 prefix terms', Array.from({ length: 32 }, (_, i) => `${'abcdefghijklmnopqrstuvwxyz'[i % 26]}${'aeiou'[i % 5]}*`).join(' OR '), 200],
    ['32 typo-tolerant terms', Array.from({ length: 32 }, () => 'harbour~').join(' OR '), 200],
    ['a 1 MB query string', 'a'.repeat(1024 * 1024), 414],
    ['right-to-left text', 'مرحبا', 200],
    ['a right-to-left override', '\u202eevil\u202c', 200],
    ['emoji', '🚀', 200],
    ['a null byte', 'null\u0000byte', 200],
    ['a lone surrogate', '\ud800harbour', 200],
  ])('answers %s with %i, in bounded time', async (_, q, expected) => {
    const started = performance.now();
    const { status, body } = await send('GET', `/v1/timelines/${timeline}/search?${new URLSearchParams({ q })}`);
    expectAnswer(status, body, [expected]);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('finds what unicode, right-to-left and emoji queries name', async () => {
    const ids = async (q: string) => (await send('GET', `/v1/timelines/${timeline}/search?${new URLSearchParams({ q })}`)).body.hits.map((hit: { id: string }) => hit.id);
    expect(await ids('مرحبا')).toEqual(['rtl']);
    expect(await ids('\u202eevil\u202c')).toEqual(['rtl']);
    expect(await ids('rocket 🚀')).toEqual(['emoji']);
    expect(await ids('null\u0000byte')).toEqual(['emoji']);
  });
});

/** Sends a request with the write key, timing it; the body comes back parsed when it is JSON. */
async function send(method: string, path: string, body?: string, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const started = performance.now();
  const response = await app.request(path, { method, headers: { authorization: `Bearer ${TEST_KEY}`, ...(body === undefined ? {} : headers) }, ...(body === undefined ? {} : { body }) });
  const raw = await response.text();
  durations.push(performance.now() - started);
  const type = response.headers.get('content-type') ?? '';
  return { status: response.status, type, body: type.includes('json') && raw ? JSON.parse(raw) : raw };
}

/** A status the route may answer; an error is problem+json saying what was wrong. */
function expectAnswer(status: number, body: any, allowed: number[]): void {
  expect(allowed, `status ${status}: ${JSON.stringify(body).slice(0, 300)}`).toContain(status);
  if (status >= 400) {
    expect(body).toMatchObject({ type: 'about:blank', status, title: expect.any(String), detail: expect.any(String) });
    expect(body.detail.length).toBeGreaterThan(0);
  }
}
