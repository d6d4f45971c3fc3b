import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { TimelineName } from '../event-schema';
import { SearchQuery, type SearchHit } from '../search/search-schema';
import type { SearchService } from '../search/search-service';
import { TimelineJsDocument, timelineJsDocument } from '../timelinejs';
import type { AppEnv } from './app-env';
import { Problem } from './problem';

/** Most events one export holds: TimelineJS gets slow to lay out past a few hundred slides. */
export const TIMELINEJS_MAX_EVENTS = 500;
// The search API's own page limit; the export pages through cursors like any client.
const PAGE_SIZE = 100;

const TimelineJsQuery = SearchQuery.pick({ q: true, from: true, to: true, tag: true, place: true, person: true }).extend({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(TIMELINEJS_MAX_EVENTS)
    .default(TIMELINEJS_MAX_EVENTS)
    .openapi({ description: `How many of the matches (the earliest first) go into the timeline; at most ${TIMELINEJS_MAX_EVENTS}.` }),
});
type TimelineJsQuery = z.infer<typeof TimelineJsQuery>;

const timelineJsRoute = createRoute({
  method: 'get',
  path: '/v1/timelines/{timeline}/timelinejs',
  summary: 'The matches of a search as Knight Lab TimelineJS JSON, for a TimelineJS embed’s `source`',
  description:
    'Events in date order with `start_date`/`end_date` date objects, HTML-escaped `text`, `group` from the first tag. Years follow TimelineJS, which shows a negative year as BCE: 44 BC (astronomical -0043) is year -44.',
  request: { params: z.object({ timeline: TimelineName }), query: TimelineJsQuery },
  responses: {
    200: { description: 'A TimelineJS document', content: { 'application/json': { schema: TimelineJsDocument } } },
    400: { description: 'Unreadable query', content: { 'application/problem+json': { schema: Problem } } },
  },
});

/** Adds the TimelineJS export of a search. */
export function addTimelineJsRoutes(app: OpenAPIHono<AppEnv>, search: SearchService): void {
  app.openapi(timelineJsRoute, async (c) => {
    const { timeline } = c.req.valid('param');
    const query = c.req.valid('query');
    const hits: SearchHit[] = [];
    let total = 0;
    let cursor: string | undefined;
    do {
      const page = await search.search(timeline, {
        ...query,
        sort: 'date',
        limit: Math.min(PAGE_SIZE, query.limit - hits.length),
        cursor,
      });
      total = page.total;
      hits.push(...page.hits);
      cursor = page.nextCursor;
    } while (cursor && hits.length < query.limit);
    // Same freshness as the search it is made from.
    c.header('cache-control', 'public, max-age=10, stale-while-revalidate=60');
    return c.json(timelineJsDocument(hits, { timeline, total, description: describe(query) }), 200);
  });
}

/** The search in words, for the title slide: `"sarmat" · from 2022 · to 2023 · tag war`. */
function describe(query: TimelineJsQuery): string {
  return [
    query.q && `“${query.q}”`,
    query.from && `from ${query.from}`,
    query.to && `to ${query.to}`,
    ...query.tag.map((value) => `tag ${value}`),
    ...query.place.map((value) => `place ${value}`),
    ...query.person.map((value) => `person ${value}`),
  ]
    .filter(Boolean)
    .join(' · ');
}
