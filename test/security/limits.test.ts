import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createApp, MAX_BODY_BYTES } from '../../lib/app';
import { EVENT_LIMITS } from '../../lib/event-schema';
import { jsonDepth, REQUEST_LIMITS } from '../../lib/http/limits';
import { TEST_KEY, testConfig, uniqueTimeline } from '../helpers/dynamo';
import { call } from '../helpers/http';

const app = createApp({ config: testConfig() });
const timeline = uniqueTimeline('limits');
const events = `/v1/timelines/${timeline}/events`;

/** Sends a raw body with the write key. */
async function post(path: string, body: BodyInit, headers: Record<string, string> = {}) {
  // A streamed body needs half duplex, which the DOM typings do not know yet.
  const init: RequestInit & { duplex?: 'half' } = { method: 'POST', headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json', ...headers }, body, duplex: 'half' };
  const response = await app.request(path, init);
  return { status: response.status, type: response.headers.get('content-type'), body: JSON.parse(await response.text()) };
}

/** An event whose `sources` hold a value nested `depth` levels below the body. */
const nested = (depth: number) => `[{"date":"2022","title":"deep","sources":${'['.repeat(depth - 2)}${']'.repeat(depth - 2)}}]`;

describe('request limits: every one a 4xx problem+json', () => {
  it.each([
    ['a URL over 8 KB', () => call(app, 'GET', `/v1/timelines/${timeline}/search?q=${'a'.repeat(REQUEST_LIMITS.urlBytes)}`), 414, 'URI too long'],
    ['a 1 MB query string', () => call(app, 'GET', `/v1/timelines/${timeline}/search?q=${'%F0%9F%9A%80'.repeat(90_000)}`), 414, 'URI too long'],
    ['headers over 8 KB', () => call(app, 'GET', '/health', undefined, { headers: { 'x-padding': 'p'.repeat(REQUEST_LIMITS.headerBytes) } }), 431, 'Request header fields too large'],
    ['a body over 6 MB with a Content-Length', () => post(events, 'x'.repeat(MAX_BODY_BYTES + 1), { 'content-length': String(MAX_BODY_BYTES + 1) }), 413, 'Payload too large'],
    ['a streamed body over 6 MB', () => post(events, streamOf(MAX_BODY_BYTES + 1)), 413, 'Payload too large'],
    ['JSON nested 21 levels deep', () => post(events, nested(21)), 400, 'Bad request'],
    ['JSON nested 100,000 levels deep', () => post(events, `${'['.repeat(100_000)}${']'.repeat(100_000)}`), 400, 'Bad request'],
    [`a batch of ${EVENT_LIMITS.batchSize + 1} events`, () => call(app, 'POST', events, Array.from({ length: EVENT_LIMITS.batchSize + 1 }, () => ({}))), 422, 'Invalid content'],
    [`${EVENT_LIMITS.listItems + 1} tags`, () => call(app, 'POST', events, { date: '2022', title: 't', tags: Array.from({ length: EVENT_LIMITS.listItems + 1 }, (_, i) => `t${i}`) }), 422, 'Invalid content'],
    ['a query over 1,000 characters', () => call(app, 'GET', `/v1/timelines/${timeline}/search?q=${'a'.repeat(1001)}`), 400, 'Bad request'],
    ['21 tag filters', () => call(app, 'GET', `/v1/timelines/${timeline}/search?${'tag=war&'.repeat(21)}`), 400, 'Bad request'],
    ['a cursor over 500 characters', () => call(app, 'GET', `/v1/timelines/${timeline}/search?cursor=${'a'.repeat(501)}`), 400, 'Bad request'],
  ])('rejects %s', async (_, send, status, title) => {
    const answer = await send();
    expect(answer.status).toBe(status);
    const type = 'type' in answer ? answer.type : answer.headers.get('content-type');
    expect(type).toBe('application/problem+json');
    expect(answer.body).toMatchObject({ status, title, detail: expect.any(String) });
  });

  it('names the depth limit, and lets an ordinary body through at the limit', async () => {
    expect((await post(events, nested(21))).body.detail).toBe('the JSON body is nested more than 20 levels deep');
    // At the limit the depth check passes and the schema answers: the batch's one event is rejected for its sources.
    const atLimit = await post(events, nested(20));
    expect([atLimit.status, atLimit.body.rejected[0].errors[0].path]).toEqual([200, 'sources.0']);
    // Brackets inside strings are text, not nesting.
    expect((await post(events, JSON.stringify([{ id: 'brackets', date: '2022', title: '['.repeat(250) }]))).status).toBe(201);
  });

  it('checks the key before reading a body: an anonymous 6 MB body costs a 401, not a parse', async () => {
    const response = await app.request(events, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `${'['.repeat(1000)}${']'.repeat(1000)}` });
    expect(response.status).toBe(401);
  });
});

describe('jsonDepth', () => {
  it('equals the nesting depth of any JSON value, strings with brackets and escapes included', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.string({ unit: fc.constantFrom('[', ']', '{', '}', '"', '\\', 'a') }), (value, tricky) => {
        const text = JSON.stringify({ tricky, value });
        expect(jsonDepth(text)).toBe(1 + depthOf(value));
      }),
      { numRuns: 500 },
    );
  });

  it('stops counting past the limit it is given', () => {
    expect(jsonDepth('['.repeat(1_000_000), 20)).toBe(21);
  });
});

function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (value !== null && typeof value === 'object') return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

function streamOf(bytes: number): ReadableStream<Uint8Array> {
  let sent = 0;
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  return new ReadableStream({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      controller.enqueue(chunk.subarray(0, Math.min(chunk.length, bytes - sent)));
      sent += chunk.length;
    },
  });
}
