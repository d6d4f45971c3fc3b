import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { formatIsoDate, pointFromSortKey } from '../dates';
import { TimelineName } from '../event-schema';
import type { EventStore } from '../event-store';
import type { SearchIndexer } from '../search/indexer';
import { reindexTimeline } from '../search/reindex';
import { SearchQuery, SearchResult } from '../search/search-schema';
import type { SearchService } from '../search/search-service';
import type { ShardStore } from '../search/shard-store';
import type { AppEnv } from './app-env';
import { Problem } from './problem';

const problems = {
  400: { description: 'Unreadable query', content: { 'application/problem+json': { schema: Problem } } },
} as const;

const TimelineSummary = z
  .object({
    name: z.string(),
    events: z.number().int(),
    first: z.string().optional().openapi({ description: 'Earliest start date (ISO, astronomical years).' }),
    last: z.string().optional().openapi({ description: 'Latest end date.' }),
    shards: z.number().int(),
  })
  .openapi('TimelineSummary');

const searchRoute = createRoute({
  method: 'get',
  path: '/v1/timelines/{timeline}/search',
  summary: 'Full-text and date-range search with facets and a histogram',
  request: { params: z.object({ timeline: TimelineName }), query: SearchQuery },
  responses: { 200: { description: 'Matches', content: { 'application/json': { schema: SearchResult } } }, ...problems },
});

const timelinesRoute = createRoute({
  method: 'get',
  path: '/v1/timelines',
  summary: 'Timelines with event counts and first/last dates (as indexed)',
  responses: { 200: { description: 'Timelines', content: { 'application/json': { schema: z.object({ timelines: z.array(TimelineSummary) }) } } } },
});

const reindexRoute = createRoute({
  method: 'post',
  path: '/v1/admin/timelines/{timeline}/reindex',
  summary: 'Rebuild a timeline’s search index from the events table',
  security: [{ bearerAuth: [] }],
  request: { params: z.object({ timeline: TimelineName }) },
  responses: {
    200: {
      description: 'Rebuilt',
      content: { 'application/json': { schema: z.object({ timeline: z.string(), events: z.number(), shards: z.number(), tookMs: z.number() }) } },
    },
    ...problems,
  },
});

/** What the search routes are built from. */
export interface SearchRouteDeps {
  search: SearchService;
  shards: ShardStore;
  events: EventStore;
  indexer: SearchIndexer;
}

/** Adds search, the timeline list and the admin rebuild. */
export function addSearchRoutes(app: OpenAPIHono<AppEnv>, deps: SearchRouteDeps): void {
  app.openapi(searchRoute, async (c) => {
    const { timeline } = c.req.valid('param');
    const result = await deps.search.search(timeline, c.req.valid('query'));
    // Searches are public and change only when events do: a CDN may keep them briefly.
    c.header('cache-control', 'public, max-age=10, stale-while-revalidate=60');
    return c.json(result, 200);
  });

  app.openapi(timelinesRoute, async (c) => {
    const manifests = await deps.shards.listManifests();
    const timelines = manifests.map((manifest) => {
      const shards = Object.values(manifest.shards);
      const starts = shards.flatMap((shard) => (shard.minStart ? [shard.minStart] : [])).sort();
      const ends = shards.flatMap((shard) => (shard.maxEnd ? [shard.maxEnd] : [])).sort();
      return {
        name: manifest.timeline,
        events: shards.reduce((sum, shard) => sum + shard.count, 0),
        ...(starts[0] ? { first: isoDay(starts[0]) } : {}),
        ...(ends.at(-1) ? { last: isoDay(ends.at(-1)!) } : {}),
        shards: shards.length,
      };
    });
    return c.json({ timelines }, 200);
  });

  app.openapi(reindexRoute, async (c) => {
    const { timeline } = c.req.valid('param');
    return c.json(await reindexTimeline(deps.events, deps.indexer, timeline), 200);
  });
}

function isoDay(key: string): string {
  const { year, month, day } = pointFromSortKey(key);
  return formatIsoDate({ year, month, day });
}
