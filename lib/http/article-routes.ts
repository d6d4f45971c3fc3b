import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { TimelineName } from '../event-schema';
import type { EventStore } from '../event-store';
import { ArticleInput, ArticlePreview, ArticleQuery, ArticleReport } from '../articles/article-schema';
import { Problem } from './problem';
import type { AppEnv } from './app-env';

// compromise takes a few hundred milliseconds to load: only this route needs it, so it is loaded on
// first use and the read-only function's cold starts never pay for it (esbuild keeps it lazy in the bundle).
const loadArticles = () => import('../articles/article-events');

const problems = (description: string) => ({ description, content: { 'application/problem+json': { schema: Problem } } });

const postArticle = createRoute({
  method: 'post',
  path: '/v1/timelines/{timeline}/articles',
  summary: 'Turn a news article into dated events, resolving its relative dates against its publication date',
  description:
    'Splits the text into sentences, dates each one (explicit dates, weekdays by tense, "yesterday", "a fortnight ago", "overnight", "earlier this month", "in 2014", ...) in the local calendar of `publishedAt` (or `timezone`), groups them into events and writes them idempotently: posting the same article again creates nothing new. Each event comes with the expression and the rule that dated it.',
  security: [{ bearerAuth: [] }],
  request: {
    params: z.object({ timeline: TimelineName }),
    query: ArticleQuery,
    body: { required: true, content: { 'application/json': { schema: ArticleInput } } },
  },
  responses: {
    200: {
      description: 'Nothing new was created, or a dry run (events only)',
      content: { 'application/json': { schema: z.union([ArticleReport, ArticlePreview]) } },
    },
    201: { description: 'At least one event was created', content: { 'application/json': { schema: ArticleReport } } },
    400: problems('Unreadable request'),
    401: problems('Missing or wrong API key'),
    422: problems('Invalid content'),
  },
});

/** Adds `POST /v1/timelines/{timeline}/articles`. */
export function addArticleRoutes(app: OpenAPIHono<AppEnv>, store: EventStore): void {
  app.openapi(postArticle, async (c) => {
    const { timeline } = c.req.valid('param');
    const { dryRun } = c.req.valid('query');
    const { eventsFromArticle } = await loadArticles();
    const events = eventsFromArticle(c.req.valid('json'));
    if (dryRun) return c.json({ events }, 200);
    const written = events.length ? await store.putMany(timeline, events.map((e) => e.event)) : { created: [], replaced: [], unchanged: [] };
    const report = {
      events,
      created: written.created.map((e) => e.id),
      replaced: written.replaced.map((e) => e.id),
      unchanged: written.unchanged.map((e) => e.id),
    };
    return c.json(report, report.created.length ? 201 : 200);
  });
}
