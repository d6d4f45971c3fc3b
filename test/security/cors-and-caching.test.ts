import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../lib/app';
import { testConfig, uniqueTimeline } from '../helpers/dynamo';
import { call } from '../helpers/http';

const ALLOWED = 'https://news.example.org';
const open = createApp({ config: testConfig() });
const restricted = createApp({ config: testConfig({ CORS_ORIGINS: `${ALLOWED},https://history.example.org` }) });
const timeline = uniqueTimeline('cors');

beforeAll(async () => {
  expect((await call(open, 'POST', `/v1/timelines/${timeline}/events`, [{ id: 'a', date: '2022', title: 'harbour' }])).status).toBe(201);
  expect((await call(open, 'POST', `/v1/admin/timelines/${timeline}/reindex`)).status).toBe(200);
});

const preflight = (app: typeof open, path: string, origin: string, method = 'POST') =>
  app.request(path, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization,content-type' } });

describe('CORS', () => {
  // Decision: no route ever allows credentials. Writes authenticate with a bearer header, which a browser never
  // adds by itself, so there is nothing for a foreign page to ride on, and "*" stays safe for public reads.
  it.each([
    ['any origin (the default)', open, 'https://anyone.example.com'],
    ['a configured origin', restricted, ALLOWED],
    ['an origin that is not configured', restricted, 'https://evil.example.com'],
  ])('never allows credentials, for %s', async (_, app, origin) => {
    const answers = [
      await preflight(app, `/v1/timelines/${timeline}/events`, origin),
      await preflight(app, `/v1/admin/timelines/${timeline}/reindex`, origin),
      await app.request(`/v1/timelines/${timeline}/search?q=harbour`, { headers: { origin, cookie: 'session=1' } }),
      await app.request(`/v1/timelines/${timeline}/events`, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: '[]' }),
    ];
    for (const answer of answers) expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('grants a configured origin only itself, and says the answer varies by Origin so a CDN keeps one per origin', async () => {
    const search = await restricted.request(`/v1/timelines/${timeline}/search?q=harbour`, { headers: { origin: ALLOWED } });
    expect(search.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(search.headers.get('vary')).toMatch(/origin/i);
    const foreign = await restricted.request(`/v1/timelines/${timeline}/search?q=harbour`, { headers: { origin: 'https://evil.example.com' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect(foreign.headers.get('vary')).toMatch(/origin/i);
    const denied = await preflight(restricted, `/v1/timelines/${timeline}/events`, 'https://news.example.org.evil.com');
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets an allowed page read the problem+json of a failed write', async () => {
    const answer = await restricted.request(`/v1/timelines/${timeline}/events`, { method: 'POST', headers: { origin: ALLOWED, 'content-type': 'application/json' }, body: '[]' });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('access-control-allow-origin')).toBe(ALLOWED);
  });
});

describe('cache headers', () => {
  it.each([
    ['search', `/v1/timelines/${timeline}/search?q=harbour`],
    ['the TimelineJS export', `/v1/timelines/${timeline}/timelinejs?q=harbour`],
  ])('let a CDN keep %s answers briefly and serve them stale while it revalidates', async (_, path) => {
    const answer = await call(open, 'GET', path);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('public, max-age=10, stale-while-revalidate=60');
  });

  it.each([
    ['a bad query (400)', 'GET', `/v1/timelines/${timeline}/search?q=*`, 400],
    ['an unknown event (404)', 'GET', `/v1/timelines/${timeline}/events/nope`, 404],
    ['a write without a key (401)', 'POST', `/v1/timelines/${timeline}/events`, 401],
    ['an unknown route (404)', 'GET', '/v2/anything', 404],
  ])('keep %s out of every cache', async (_, method, path, status) => {
    const answer = await call(open, method, path, method === 'POST' ? [] : undefined, { key: null });
    expect(answer.status).toBe(status);
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });

  it('never mark a write answer as public', async () => {
    const answer = await call(open, 'PUT', `/v1/timelines/${timeline}/events/a`, { date: '2022', title: 'harbour' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control') ?? '').not.toContain('public');
  });
});
