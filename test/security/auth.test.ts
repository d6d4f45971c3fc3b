import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../lib/app';
import { AWS_TIMEOUTS, createDynamoClient } from '../../lib/dynamo-client';
import { testConfig, uniqueTimeline } from '../helpers/dynamo';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy';
import { call } from '../helpers/http';

// A key shaped like a real one, so that finding it anywhere it should not be is unambiguous.
const KEY = 'tsk_live_7f3a9c2e41d84b6fa0c5e9d1b2a7c3f8';
const config = testConfig({ API_KEYS: `${KEY},second-key` });
const app = createApp({ config });
const timeline = uniqueTimeline('auth');

/** Every write route the app has (OpenAPI or not), with its path parameters filled in. */
const writeRoutes = [
  ...new Set(
    app.routes
      .filter((route) => ['POST', 'PUT', 'DELETE', 'PATCH'].includes(route.method) && route.path.startsWith('/v1/') && !route.path.includes('*'))
      .map((route) => `${route.method} ${route.path.replace(':timeline', timeline).replace(/:[a-z]+/gi, 'victim')}`),
  ),
].map((route) => route.split(' ') as [string, string]);

const validEvent = { date: '2022-06-21', title: 'written only with a key' };

beforeAll(async () => {
  expect((await call(app, 'PUT', `/v1/timelines/${timeline}/events/victim`, validEvent, { key: KEY })).status).toBe(201);
});

describe('write and admin routes', () => {
  it('are all found: events, single events, articles and the admin reindex', () => {
    expect(writeRoutes.map(([method, path]) => `${method} ${path.replace(timeline, '{timeline}')}`).sort()).toEqual(
      expect.arrayContaining([
        'DELETE /v1/timelines/{timeline}/events/victim',
        'POST /v1/admin/timelines/{timeline}/reindex',
        'POST /v1/timelines/{timeline}/events',
        'PUT /v1/timelines/{timeline}/events/victim',
      ]),
    );
  });

  it('declare the bearer key in the OpenAPI document', async () => {
    const doc = (await call(app, 'GET', '/openapi.json')).body as { paths: Record<string, Record<string, { security?: unknown }>> };
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (method !== 'get') expect(operation.security, `${method.toUpperCase()} ${path}`).toEqual([{ bearerAuth: [] }]);
      }
    }
  });

  describe.each(writeRoutes)('%s %s', (method, path) => {
    it.each([
      ['no Authorization header', null, 401],
      ['a wrong key', 'wrong-key', 401],
      ['a key that only starts like the right one', KEY.slice(0, -1), 401],
      ['the right key with a character appended', `${KEY}x`, 401],
      ['the right key in another case', KEY.toUpperCase(), 401],
    ])('answers %s with 401 problem+json and changes nothing', async (_, key, status) => {
      const answer = await call(app, method, path, validEvent, { key });
      expect(answer.status).toBe(status);
      expect(answer.headers.get('content-type')).toBe('application/problem+json');
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(answer.body).toMatchObject({ status, title: 'Unauthorized', detail: 'a valid API key is required: send "Authorization: Bearer <key>"' });
      expect((await call(app, 'GET', `/v1/timelines/${timeline}/events/victim`)).body.title).toBe(validEvent.title);
    });

    it.each([
      ['a Basic credential', `Basic ${Buffer.from(`user:${KEY}`).toString('base64')}`],
      ['"Bearer" without a key', 'Bearer'],
      ['a key with spaces', `Bearer ${KEY} ${KEY}`],
      ['a key with characters no key has', 'Bearer <script>'],
    ])('answers %s with 400 or 401 problem+json', async (_, authorization) => {
      const answer = await call(app, method, path, validEvent, { key: null, headers: { authorization } });
      expect([400, 401]).toContain(answer.status);
      expect(answer.headers.get('content-type')).toBe('application/problem+json');
      expect(JSON.stringify(answer.body)).not.toContain(KEY);
    });
  });
});

describe('the write key', () => {
  let proxy: FaultProxy;
  let output: string[];
  const spies: { mockRestore(): void }[] = [];

  beforeAll(async () => {
    proxy = await startFaultProxy(config.DYNAMODB_ENDPOINT!);
  });
  afterAll(() => proxy.close());
  afterEach(() => {
    for (const spy of spies.splice(0)) spy.mockRestore();
    proxy.clear();
  });

  /** Captures everything the app writes to the console and to stdout/stderr while it runs. */
  function capture(): void {
    output = [];
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      spies.push(vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void output.push(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '))));
    }
    for (const stream of [process.stdout, process.stderr]) {
      spies.push(vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => (output.push(String(chunk)), true)));
    }
  }

  it.each([
    ['a 500 (DynamoDB answers garbage)', { kind: 'garbage' } as const, 500],
    ['a 503 (DynamoDB keeps throttling)', { kind: 'throttle' } as const, 503],
  ])('appears in no log line, body or header of %s', async (_, fault, status) => {
    const client = createDynamoClient({ ...config, DYNAMODB_ENDPOINT: proxy.endpoint }, AWS_TIMEOUTS);
    const faulty = createApp({ config: { ...config, DYNAMODB_ENDPOINT: proxy.endpoint }, client });
    proxy.inject({ fault });
    capture();
    const answers = await Promise.all([
      call(faulty, 'POST', `/v1/timelines/${timeline}/events`, [validEvent], { key: KEY }),
      call(faulty, 'PUT', `/v1/timelines/${timeline}/events/x`, validEvent, { key: KEY, headers: { 'x-api-key': KEY } }),
      call(faulty, 'POST', `/v1/admin/timelines/${timeline}/reindex`, undefined, { key: KEY }),
    ]);
    client.destroy();
    for (const answer of answers) {
      expect(answer.status).toBe(status);
      expect(JSON.stringify(answer.body)).not.toContain(KEY);
      expect([...answer.headers].join('\n')).not.toContain(KEY);
    }
    if (status === 500) expect(output.join('\n')).toContain('unhandled error');
    expect(output.join('\n')).not.toContain(KEY);
  });

  it('appears in no log line or body of a 401, a 404 or a 422 on an authenticated request', async () => {
    capture();
    const answers = await Promise.all([
      call(app, 'POST', `/v1/timelines/${timeline}/events`, { title: KEY }, { key: KEY.slice(0, -1) }),
      call(app, 'DELETE', `/v1/timelines/${timeline}/events/never-was`, undefined, { key: KEY }),
      call(app, 'POST', `/v1/timelines/${timeline}/events`, { date: 'not a date', title: '' }, { key: KEY }),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([401, 404, 422]);
    for (const answer of answers) expect(JSON.stringify(answer.body)).not.toContain(KEY);
    expect(output.join('\n')).not.toContain(KEY);
  });
});
