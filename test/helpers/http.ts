import type { Hono } from 'hono';
import { TEST_KEY } from './dynamo';

/** Sends a JSON request to an app the way a client would, with the write key unless told otherwise. */
export async function call(
  app: { request: Hono['request'] },
  method: string,
  path: string,
  body?: unknown,
  { key = TEST_KEY, headers = {} }: { key?: string | null; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await app.request(path, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...headers,
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}
