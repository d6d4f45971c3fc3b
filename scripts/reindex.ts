/** `npm run reindex -- <timeline>`: rebuilds a timeline's search index from the events table. */
import { loadConfig } from '../lib/config';
import { createDynamoClient } from '../lib/dynamo-client';
import { EventStore } from '../lib/event-store';
import { SearchIndexer } from '../lib/search/indexer';
import { reindexTimeline } from '../lib/search/reindex';
import { ShardStore } from '../lib/search/shard-store';
import { localEndpoint } from './local-endpoint';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const timeline = process.argv[2];
if (!timeline) {
  console.error('usage: npm run reindex -- <timeline>   (against `npm start`, or DYNAMODB_ENDPOINT, or AWS)');
  process.exit(2);
}
const endpoint = localEndpoint();
const config = loadConfig({ ...process.env, ...(endpoint ? { DYNAMODB_ENDPOINT: endpoint } : {}) });
const client = createDynamoClient(config);
const report = await reindexTimeline(new EventStore(client, config.TABLE_NAME), new SearchIndexer(new ShardStore(client, config.INDEX_TABLE_NAME)), timeline);
console.log(`${report.timeline}: ${report.events} events in ${report.shards} shards, ${report.tookMs} ms`);
