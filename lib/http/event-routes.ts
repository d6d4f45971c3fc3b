import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { EVENT_LIMITS, EventId, EventInput, TimelineEvent, TimelineName } from '../event-schema';
import { deriveEventId } from '../events';
import type { EventStore } from '../event-store';
import { BadRequestError, ValidationError } from '../errors';
import { parseRangeBound } from '../date-words';
import { MAX_SORT_KEY, MIN_SORT_KEY } from '../dates';
import { Problem, zodIssues } from './problem';
import type { AppEnv } from './app-env';

const TimelineParams = z.object({ timeline: TimelineName });
const EventParams = TimelineParams.extend({ id: EventId });

const errorResponses = {
  400: { description: 'Unreadable request', content: { 'application/problem+json': { schema: Problem } } },
  401: { description: 'Missing or wrong API key', content: { 'application/problem+json': { schema: Problem } } },
  404: { description: 'Not found', content: { 'application/problem+json': { schema: Problem } } },
  422: { description: 'Invalid content', content: { 'application/problem+json': { schema: Problem } } },
} as const;

const Rejected = z.object({
  index: z.number().int(),
  id: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })),
});

/** What a POST of events did, item by item. */
export const WriteReport = z
  .object({
    created: z.array(z.string()),
    replaced: z.array(z.string()),
    unchanged: z.array(z.string()),
    rejected: z.array(Rejected),
  })
  .openapi('WriteReport');

const RangeQuery = z.object({
  from: z.string().max(100).optional().openapi({ description: 'Start of the range: `2022`, `2022-06`, `2022-06-21`, `-0043`, `44 BC`, `June 2022`, `1990s`, `3rd century BC`.' }),
  to: z.string().max(100).optional().openapi({ description: 'End of the range (inclusive, the whole period it names).' }),
});

const ListQuery = RangeQuery.extend({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(2000).optional(),
  order: z.enum(['asc', 'desc']).default('asc'),
});

const EventPage = z.object({ events: z.array(TimelineEvent), nextCursor: z.string().optional() }).openapi('EventPage');

const bearer = [{ bearerAuth: [] }];

const postEvents = createRoute({
  method: 'post',
  path: '/v1/timelines/{timeline}/events',
  summary: 'Create or replace one event or a batch of up to 1,000, idempotently by id',
  security: bearer,
  request: {
    params: TimelineParams,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.unknown().openapi({
            oneOf: [
              { $ref: '#/components/schemas/EventInput' },
              { type: 'array', items: { $ref: '#/components/schemas/EventInput' }, maxItems: EVENT_LIMITS.batchSize },
            ],
          }),
        },
      },
    },
  },
  responses: {
    200: { description: 'Nothing new was created', content: { 'application/json': { schema: WriteReport } } },
    201: { description: 'At least one event was created', content: { 'application/json': { schema: WriteReport } } },
    ...errorResponses,
  },
});

const getEvent = createRoute({
  method: 'get',
  path: '/v1/timelines/{timeline}/events/{id}',
  summary: 'One event',
  request: { params: EventParams },
  responses: { 200: { description: 'The event', content: { 'application/json': { schema: TimelineEvent } } }, ...errorResponses },
});

const putEvent = createRoute({
  method: 'put',
  path: '/v1/timelines/{timeline}/events/{id}',
  summary: 'Create or replace one event',
  security: bearer,
  request: { params: EventParams, body: { required: true, content: { 'application/json': { schema: EventInput } } } },
  responses: {
    200: { description: 'Replaced (or unchanged)', content: { 'application/json': { schema: TimelineEvent } } },
    201: { description: 'Created', content: { 'application/json': { schema: TimelineEvent } } },
    409: { description: 'Changed concurrently', content: { 'application/problem+json': { schema: Problem } } },
    ...errorResponses,
  },
});

const deleteEvent = createRoute({
  method: 'delete',
  path: '/v1/timelines/{timeline}/events/{id}',
  summary: 'Delete one event',
  security: bearer,
  request: { params: EventParams },
  responses: { 204: { description: 'Deleted' }, ...errorResponses },
});

const listEvents = createRoute({
  method: 'get',
  path: '/v1/timelines/{timeline}/events',
  summary: 'Events whose date overlaps a range, in chronological order',
  request: { params: TimelineParams, query: ListQuery },
  responses: { 200: { description: 'A page of events', content: { 'application/json': { schema: EventPage } } }, ...errorResponses },
});

/** Adds the event CRUD and listing routes. */
export function addEventRoutes(app: OpenAPIHono<AppEnv>, store: EventStore): void {
  app.openapi(postEvents, async (c) => {
    const { timeline } = c.req.valid('param');
    const body = c.req.valid('json');
    const { accepted, rejected } = validateBatch(Array.isArray(body) ? body : [body]);
    if (!Array.isArray(body) && rejected.length) {
      throw new ValidationError(rejected[0]!.errors.map((e) => `${e.path}: ${e.message}`).join('; '), rejected[0]!.errors);
    }
    const written = await store.putMany(timeline, accepted);
    const report = {
      created: written.created.map((e) => e.id),
      replaced: written.replaced.map((e) => e.id),
      unchanged: written.unchanged.map((e) => e.id),
      rejected,
    };
    return c.json(report, report.created.length ? 201 : 200);
  });

  app.openapi(getEvent, async (c) => {
    const { timeline, id } = c.req.valid('param');
    return c.json(await store.get(timeline, id), 200);
  });

  app.openapi(putEvent, async (c) => {
    const { timeline, id } = c.req.valid('param');
    const input = c.req.valid('json');
    if (input.id !== undefined && input.id !== id) {
      throw new ValidationError(`body id "${input.id}" differs from the id "${id}" in the path`, [{ path: 'id', message: 'must match the path' }]);
    }
    const { event, created } = await store.put(timeline, { ...input, id });
    return c.json(event, created ? 201 : 200);
  });

  app.openapi(deleteEvent, async (c) => {
    const { timeline, id } = c.req.valid('param');
    await store.delete(timeline, id);
    return c.body(null, 204);
  });

  app.openapi(listEvents, async (c) => {
    const { timeline } = c.req.valid('param');
    const query = c.req.valid('query');
    const { fromKey, toKey } = rangeKeys(query);
    return c.json(await store.list(timeline, { fromKey, toKey, order: query.order, limit: query.limit, cursor: query.cursor }), 200);
  });
}

/** Turns `from`/`to` as people write them into sort keys; a bad date or an inverted range is a 400. */
export function rangeKeys(query: { from?: string; to?: string }): { fromKey: string; toKey: string } {
  const fromKey = query.from ? readBound(query.from, 'from') : MIN_SORT_KEY;
  const toKey = query.to ? readBound(query.to, 'to') : MAX_SORT_KEY;
  if (fromKey > toKey) throw new BadRequestError(`from "${query.from}" is after to "${query.to}"`);
  return { fromKey, toKey };
}

function readBound(text: string, edge: 'from' | 'to'): string {
  try {
    return parseRangeBound(text, edge).key;
  } catch (error) {
    throw new BadRequestError(`${edge}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function validateBatch(items: unknown[]): { accepted: EventInput[]; rejected: z.infer<typeof Rejected>[] } {
  if (items.length > EVENT_LIMITS.batchSize) {
    throw new ValidationError(`a batch holds at most ${EVENT_LIMITS.batchSize} events; this one has ${items.length}`);
  }
  const accepted: EventInput[] = [];
  const rejected: z.infer<typeof Rejected>[] = [];
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const parsed = EventInput.safeParse(item);
    if (!parsed.success) {
      rejected.push({ index, ...claimedId(item), errors: zodIssues(parsed.error) });
      return;
    }
    const id = parsed.data.id ?? deriveEventId(parsed.data);
    if (seen.has(id)) {
      rejected.push({ index, id, errors: [{ path: 'id', message: `id "${id}" appears earlier in this batch` }] });
      return;
    }
    seen.add(id);
    accepted.push({ ...parsed.data, id });
  });
  return { accepted, rejected };
}

function claimedId(item: unknown): { id?: string } {
  const id = typeof item === 'object' && item !== null && 'id' in item ? item.id : undefined;
  return typeof id === 'string' ? { id: id.slice(0, EVENT_LIMITS.idLength) } : {};
}
