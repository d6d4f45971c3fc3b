import { OpenAPIHono } from '@hono/zod-openapi';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { bearerAuth } from 'hono/bearer-auth';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { apiKeysFromConfig, type ApiKeys } from './api-keys';
import { loadConfig, type Config } from './config';
import { createDynamoClient } from './dynamo-client';
import { EventStore } from './event-store';
import { addEventRoutes } from './http/event-routes';
import { addArticleRoutes } from './http/article-routes';
import { addSearchRoutes } from './http/search-routes';
import { addTimelineJsRoutes } from './http/timelinejs-routes';
import { SearchIndexer } from './search/indexer';
import { SearchService } from './search/search-service';
import { ShardStore } from './search/shard-store';
import { errorResponse, problem, validationProblem } from './http/problem';
import { jsonDepthLimit, sizeLimits } from './http/limits';
import type { AppEnv } from './http/app-env';

/** Largest request body accepted: API Gateway and Lambda cap payloads at 6 MB. */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;

/** What the app is built from; everything defaults from the environment. */
export interface AppOptions {
  readonly config?: Config;
  readonly client?: DynamoDBClient;
  readonly apiKeys?: ApiKeys;
}

/** Builds the HTTP API that Lambda and local Node both serve. */
export function createApp(options: AppOptions = {}) {
  const config = options.config ?? loadConfig();
  const client = options.client ?? createDynamoClient(config);
  const apiKeys = options.apiKeys ?? apiKeysFromConfig(config);
  const store = new EventStore(client, config.TABLE_NAME);
  const shards = new ShardStore(client, config.INDEX_TABLE_NAME);
  const search = new SearchService(shards, undefined, {
    manifestTtlMs: config.SEARCH_MANIFEST_TTL_MS,
    maxCompressedBytes: config.SEARCH_CACHE_MB * 1024 * 1024,
  });

  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => (result.success ? undefined : validationProblem(c, result.error, result.target)),
  });
  app.onError(errorResponse);
  app.notFound((c) => problem(c, 404, 'Not found', `no route for ${c.req.method} ${c.req.path}`));
  app.use('*', cors({ origin: config.CORS_ORIGINS.includes('*') ? '*' : config.CORS_ORIGINS, allowHeaders: ['content-type', 'authorization'], maxAge: 86400 }));
  app.use('*', sizeLimits());
  app.use(
    '/v1/*',
    bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => problem(c, 413, 'Payload too large', `the body is larger than ${MAX_BODY_BYTES} bytes`) }),
  );
  const requireKey = bearerAuth({ verifyToken: (token) => apiKeys.verify(token) });
  app.on(['POST', 'PUT', 'DELETE', 'PATCH'], '/v1/*', requireKey);
  app.on(['POST', 'PUT', 'PATCH'], '/v1/*', jsonDepthLimit());

  app.get('/health', (c) => c.json({ status: 'ok' }));
  addEventRoutes(app, store);
  addArticleRoutes(app, store);
  addSearchRoutes(app, { search, shards, events: store, indexer: new SearchIndexer(shards) });
  addTimelineJsRoutes(app, search);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer' });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'timeline-search',
      version: '1',
      description:
        'Dated events and full-text, date-range search over them. Dates use ISO 8601 astronomical year numbering: year 0 is 1 BC and -0043-03-15 is 15 March 44 BC.',
    },
  });
  return app;
}

/** The app type, for the typed client. */
export type App = ReturnType<typeof createApp>;
