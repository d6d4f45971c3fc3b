import { describe, expect, it } from 'vitest';
import { createApp } from '../../../lib/app';
import { testConfig, uniqueTimeline } from '../../helpers/dynamo';
import { call } from '../../helpers/http';

const app = createApp({ config: testConfig() });

describe('event routes', () => {
  describe('POST /v1/timelines/{timeline}/events', () => {
    it('creates a batch, then reports an identical re-post as unchanged and an edit as replaced', async () => {
      const timeline = uniqueTimeline('post');
      const events = [
        { date: '2022-06-21', title: 'Shelling near Lysychansk', places: ['Lysychansk'] },
        { id: 'ides', date: '-0043-03-15', title: 'Caesar assassinated', people: ['Julius Caesar'] },
      ];
      const first = await call(app, 'POST', `/v1/timelines/${timeline}/events`, events);
      expect(first.status).toBe(201);
      expect(first.body.created).toHaveLength(2);
      expect(first.body.created).toContain('ides');

      const again = await call(app, 'POST', `/v1/timelines/${timeline}/events`, events);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ created: [], replaced: [], rejected: [] });
      expect(again.body.unchanged.sort()).toEqual([...first.body.created].sort());

      const edited = await call(app, 'POST', `/v1/timelines/${timeline}/events`, [{ ...events[1], text: 'Et tu, Brute?' }]);
      expect(edited.body.replaced).toEqual(['ides']);
      const stored = await call(app, 'GET', `/v1/timelines/${timeline}/events/ides`);
      expect(stored.body).toMatchObject({ text: 'Et tu, Brute?', date: { start: '-0043-03-15', precision: 'day', display: '15 March 44 BC' } });
    });

    it('writes the valid items of a batch and rejects the others with reasons', async () => {
      const timeline = uniqueTimeline('reject');
      const response = await call(app, 'POST', `/v1/timelines/${timeline}/events`, [
        { date: '2022-13', title: 'bad month' },
        { date: '2022-06', title: 'good' },
        { date: '2022', title: '' },
      ]);
      expect(response.status).toBe(201);
      expect(response.body.created).toHaveLength(1);
      expect(response.body.rejected.map((r: { index: number }) => r.index)).toEqual([0, 2]);
      expect(response.body.rejected[0].errors[0]).toMatchObject({ path: 'date' });
      expect(response.body.rejected[0].errors[0].message).toMatch(/month 13/);
      expect(response.body.rejected[1].errors[0].path).toBe('title');
    });

    it('answers 401 problem+json without a key and writes nothing', async () => {
      const timeline = uniqueTimeline('auth');
      const response = await call(app, 'POST', `/v1/timelines/${timeline}/events`, { date: '2022', title: 'x' }, { key: null });
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      const wrong = await call(app, 'POST', `/v1/timelines/${timeline}/events`, { date: '2022', title: 'x' }, { key: 'nope' });
      expect(wrong.status).toBe(401);
      const listing = await call(app, 'GET', `/v1/timelines/${timeline}/events`);
      expect(listing.body.events).toEqual([]);
    });

    it.each([
      ['malformed JSON', '{"date": ', 400, /json/i],
      ['a single invalid event', { date: '2022-02-30', title: 'x' }, 422, /day 30/],
      ['an unknown field', { date: '2022', title: 'x', colour: 'red' }, 422, /colour/],
      ['a title too long', { date: '2022', title: 'x'.repeat(301) }, 422, /title/],
      ['too many tags', { date: '2022', title: 'x', tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }, 422, /tags/],
      ['a batch over 1,000', Array.from({ length: 1001 }, (_, i) => ({ date: '2022', title: `e${i}` })), 422, /at most 1000/],
    ])('answers %s with a %i problem that says what was wrong', async (_name, body, status, detail) => {
      const response = await call(app, 'POST', `/v1/timelines/${uniqueTimeline('bad')}/events`, body);
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.body.detail).toMatch(detail);
    });

    it('answers 413 to a body over 6 MB', async () => {
      const response = await call(app, 'POST', `/v1/timelines/${uniqueTimeline('big')}/events`, { date: '2022', title: 'x', text: 'y'.repeat(7 * 1024 * 1024) });
      expect(response.status).toBe(413);
      expect(response.body.title).toBe('Payload too large');
    });

    it('rejects a bad timeline name with 400 naming the parameter', async () => {
      const response = await call(app, 'POST', '/v1/timelines/Bad_Name/events', { date: '2022', title: 'x' });
      expect(response.status).toBe(400);
      expect(response.body.errors[0].path).toBe('param.timeline');
    });
  });

  describe('GET|PUT|DELETE /v1/timelines/{timeline}/events/{id}', () => {
    it('creates with PUT (201), replaces (200), reads and deletes (204, then 404)', async () => {
      const timeline = uniqueTimeline('crud');
      const path = `/v1/timelines/${timeline}/events/moon-landing`;
      const created = await call(app, 'PUT', path, { date: '1969-07-20T20:17', title: 'Apollo 11 lands' });
      expect(created.status).toBe(201);
      expect(created.body.date).toEqual({ start: '1969-07-20T20:17', precision: 'day', display: expect.stringContaining('20 July 1969') });
      const replaced = await call(app, 'PUT', path, { date: '1969-07-20', title: 'Apollo 11 lands on the Moon' });
      expect(replaced.status).toBe(200);
      expect(replaced.body.createdAt).toBe(created.body.createdAt);
      expect((await call(app, 'GET', path)).body.title).toBe('Apollo 11 lands on the Moon');
      expect((await call(app, 'DELETE', path)).status).toBe(204);
      const gone = await call(app, 'GET', path);
      expect(gone.status).toBe(404);
      expect(gone.body.detail).toBe(`no event "moon-landing" in timeline "${timeline}"`);
      expect((await call(app, 'DELETE', path)).status).toBe(404);
    });

    it('rejects a body id that differs from the path', async () => {
      const response = await call(app, 'PUT', `/v1/timelines/${uniqueTimeline('put')}/events/a`, { id: 'b', date: '2022', title: 'x' });
      expect(response.status).toBe(422);
    });
  });

  describe('unknown routes', () => {
    it('answers 404 problem+json', async () => {
      const response = await call(app, 'GET', '/v2/nothing');
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    });
  });
});

describe('CORS', () => {
  const restricted = createApp({ config: testConfig({ CORS_ORIGINS: 'https://news.example.org,https://history.example.org' }) });

  it('answers a preflight from an allowed origin with that origin', async () => {
    const response = await restricted.request('/v1/timelines/x/events', {
      method: 'OPTIONS',
      headers: { origin: 'https://news.example.org', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://news.example.org');
    expect(response.headers.get('access-control-allow-headers')).toMatch(/authorization/);
  });

  it('gives no CORS grant to an origin that is not configured', async () => {
    const response = await restricted.request('/health', { headers: { origin: 'https://evil.example.com' } });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows any origin by default, for public reads', async () => {
    const response = await app.request('/health', { headers: { origin: 'https://anyone.example.com' } });
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });
});
