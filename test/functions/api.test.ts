import { describe, expect, it } from 'vitest';
import type { LambdaContext } from 'hono/aws-lambda';
import { httpApiEvent } from '../helpers/lambda-events';
import { testConfig, TEST_KEY, uniqueTimeline } from '../helpers/dynamo';

// The handler builds its app from the environment at import, as it does in Lambda.
const config = testConfig();
process.env.DYNAMODB_ENDPOINT = config.DYNAMODB_ENDPOINT;
process.env.TABLE_NAME = config.TABLE_NAME;
process.env.API_KEYS = TEST_KEY;
const { handler } = await import('../../functions/api');

const context = { awsRequestId: 'req-1', functionName: 'api' } as LambdaContext;

describe('functions/api handler', () => {
  it('answers /health', async () => {
    const result = await handler(httpApiEvent('GET', '/health'), context);
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body!)).toEqual({ status: 'ok' });
  });

  it('writes an event through a Lambda invocation and reads it back with a query string', async () => {
    const timeline = uniqueTimeline('lambda');
    const created = await handler(
      httpApiEvent('POST', `/v1/timelines/${timeline}/events`, { body: { id: 'sarmat', date: '2022-04-20', title: 'Sarmat test launch' }, headers: { authorization: `Bearer ${TEST_KEY}` } }),
      context,
    );
    expect(created.statusCode).toBe(201);
    const listed = await handler(httpApiEvent('GET', `/v1/timelines/${timeline}/events`, { query: 'from=April 2022&to=2022-04' }), context);
    expect(listed.statusCode).toBe(200);
    expect(JSON.parse(listed.body!).events.map((e: { id: string }) => e.id)).toEqual(['sarmat']);
  });

  it('answers a write without a key with 401 problem+json', async () => {
    const result = await handler(httpApiEvent('DELETE', `/v1/timelines/${uniqueTimeline('lambda')}/events/x`), context);
    expect(result.statusCode).toBe(401);
    expect(result.headers?.['content-type']).toBe('application/problem+json');
  });

  it('serves the OpenAPI document generated from the schemas', async () => {
    const result = await handler(httpApiEvent('GET', '/openapi.json'), context);
    const doc = JSON.parse(result.body!);
    expect(doc.paths['/v1/timelines/{timeline}/events'].post).toBeDefined();
    expect(doc.components.schemas.EventInput.properties.title.maxLength).toBe(300);
  });
});
