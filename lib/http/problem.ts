import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { z } from '@hono/zod-openapi';
import { AppError, UnavailableError, ValidationError } from '../errors';

/** RFC 9457 problem details, as every error of this API is answered. */
export const Problem = z
  .object({
    type: z.string().openapi({ example: 'about:blank' }),
    title: z.string().openapi({ example: 'Invalid content' }),
    status: z.number().int().openapi({ example: 422 }),
    detail: z.string().openapi({ example: 'title: Too small: expected string to have >=1 characters' }),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');
export type Problem = z.infer<typeof Problem>;

/** Answers a problem+json response; no cache or CDN keeps it (a 503 or a 401 must not outlive its cause). */
export function problem(c: Context, status: ContentfulStatusCode, title: string, detail: string, extra: Partial<Problem> = {}): Response {
  const body: Problem = { type: 'about:blank', title, status, detail, instance: c.req.path, ...extra };
  return c.body(JSON.stringify(body), status, { 'content-type': 'application/problem+json', 'cache-control': 'no-store' });
}

/** Lists zod issues with their field paths, the way a client can act on them. */
export function zodIssues(error: ZodError, prefix = ''): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(body)',
    message: issue.message,
  }));
}

/** Turns a failed validation into a 422 (body) or 400 (path, query, headers) naming each field. */
export function validationProblem(c: Context, error: ZodError, target: string): Response {
  const errors = zodIssues(error, target === 'json' ? '' : target);
  const detail = errors.map((e) => `${e.path}: ${e.message}`).join('; ');
  return target === 'json'
    ? problem(c, 422, 'Invalid content', detail, { errors })
    : problem(c, 400, 'Bad request', detail, { errors });
}

/** The single place where thrown errors become responses; anything unknown is a logged 500. */
export function errorResponse(error: Error, c: Context): Response {
  if (error instanceof UnavailableError) {
    c.header('retry-after', String(error.retryAfterSeconds));
    return problem(c, 503, error.title, error.message);
  }
  if (error instanceof ValidationError) {
    return problem(c, 422, error.title, error.message, error.errors.length ? { errors: error.errors } : {});
  }
  if (error instanceof AppError) return problem(c, error.status as ContentfulStatusCode, error.title, error.message);
  if (error instanceof HTTPException) return httpExceptionProblem(error, c);
  if (isUnavailable(error)) {
    c.header('retry-after', '1');
    // A batch may be partly written by then (each event whole or not at all): re-sending it is safe, writes are idempotent by id.
    return problem(c, 503, 'Service unavailable', 'the database is busy or unreachable; retry shortly (re-sending a write is safe)');
  }
  console.error(JSON.stringify({ level: 'error', message: 'unhandled error', path: c.req.path, error: error.name, detail: error.message }));
  return problem(c, 500, 'Internal error', 'something went wrong on our side; it has been logged');
}

function httpExceptionProblem(error: HTTPException, c: Context): Response {
  const status = error.status as ContentfulStatusCode;
  const challenge = error.getResponse().headers.get('www-authenticate');
  if (challenge) c.header('www-authenticate', challenge);
  const detail = status === 401 ? 'a valid API key is required: send "Authorization: Bearer <key>"' : error.message || 'bad request';
  return problem(c, status, status === 401 ? 'Unauthorized' : 'Bad request', detail);
}

// Throttling, server faults, timeouts and connections that failed, all of which the SDK gave up retrying; the client should come back later.
function isUnavailable(error: Error): boolean {
  const meta = error as Error & { $retryable?: unknown; $fault?: string; code?: unknown };
  return (
    ['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded', 'InternalServerError', 'ServiceUnavailable', 'TimeoutError'].includes(error.name) ||
    meta.$fault === 'server' ||
    NETWORK_ERRORS.has(String(meta.code))
  );
}

// Node's codes for a database that is down, restarting or unreachable (a refused or reset connection has no $fault).
const NETWORK_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
