/**
 * `npm start`: DynamoDB Local (persistent, in .data/), the table, the demo timeline, the local
 * stream indexer and the API with the demo page on http://localhost:PORT. Ctrl-C stops it all.
 */
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../lib/app';
import { loadConfig } from '../lib/config';
import { createDynamoClient } from '../lib/dynamo-client';
import { startDynamoDbLocal, type DynamoDbLocal } from '../lib/dynamodb-local';
import { EventInput } from '../lib/event-schema';
import { deriveEventId } from '../lib/events';
import { EventStore } from '../lib/event-store';
import { startLocalIndexer } from '../lib/local-indexer';
import { upgradeIndexes } from '../lib/search/upgrade';
import { ensureTables } from '../lib/table';
import { buildWeb, WEB_DIST_DIR, webIsStale } from './build-web';
import { clearLocalEndpoint, saveLocalEndpoint } from './local-endpoint';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const root = join(import.meta.dirname, '..');
const DEV_KEY = 'dev-key';

async function main(): Promise<void> {
  let engine: DynamoDbLocal | undefined;
  if (!process.env.DYNAMODB_ENDPOINT) {
    const port = process.env.DYNAMODB_PORT ? Number(process.env.DYNAMODB_PORT) : undefined;
    engine = await startDynamoDbLocal({ dbPath: join(root, '.data', 'dynamodb'), ...(port ? { port } : {}) });
    process.env.DYNAMODB_ENDPOINT = engine.endpoint;
    saveLocalEndpoint(engine.endpoint);
  }
  process.env.API_KEYS ||= DEV_KEY;
  const config = loadConfig();
  const client = createDynamoClient(config);
  await ensureTables(client, config);
  const events = new EventStore(client, config.TABLE_NAME);
  for (const { timeline, reason, events: count, shards } of await upgradeIndexes(client, config, events)) {
    const why = reason === 'moved' ? 'moved out of the events table' : 'an earlier format';
    console.log(`rebuilt the index of "${timeline}" (${why}): ${count} events, ${shards} shards`);
  }
  const indexer = startLocalIndexer(config);
  const loaded = await loadDemoTimeline(events);
  // Serve once the demo timeline is indexed, so the first search already finds it.
  await indexer.drain(60_000);

  const app = createApp({ config, client });
  if (webIsStale()) {
    const { outdir } = await buildWeb();
    console.log(`built the search page into ${outdir}`);
  }
  app.use('/*', serveStatic({ root: WEB_DIST_DIR }));
  const server = serve({ fetch: app.fetch, port: config.PORT }, ({ port }) => {
    console.log(`timeline-search on http://localhost:${port}  (DynamoDB: ${config.DYNAMODB_ENDPOINT}, table ${config.TABLE_NAME})`);
    console.log(`demo timeline "${loaded.timeline}": ${loaded.created} new, ${loaded.total} in all`);
    if (config.API_KEYS.includes(DEV_KEY)) console.log(`write key: ${DEV_KEY}  (set API_KEYS to change it)`);
    console.log(`try: curl 'http://localhost:${port}/v1/timelines/${loaded.timeline}/search?q=sarmat'`);
  });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('stopping…');
    server.close();
    await indexer.stop();
    await engine?.stop();
    if (engine) clearLocalEndpoint();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** Loads the demo timeline; re-running finds it unchanged, since ids are stable. */
async function loadDemoTimeline(store: EventStore): Promise<{ timeline: string; created: number; total: number }> {
  const demo = JSON.parse(readFileSync(join(root, 'scripts', 'demo', 'timeline.json'), 'utf8')) as { timeline: string; events: unknown[] };
  const events = demo.events.map((raw) => {
    const event = EventInput.parse(raw);
    return { ...event, id: event.id ?? deriveEventId(event) };
  });
  const result = await store.putMany(demo.timeline, events);
  return { timeline: demo.timeline, created: result.created.length, total: events.length };
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
