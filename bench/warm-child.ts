// A warm instance on its own, as a Lambda's is: a process holding the app and its index and none of the benchmark's
// data (the benchmark process holds the generated events and their documents, hundreds of MB at 100k, for the baselines).
// bench/warm.ts spawns it; it times the queries through the app, then the service without HTTP, the manifest read
// and the engine alone, and prints one line: WARM_RESULT {json}.
import { createApp } from '../lib/app';
import { loadConfig } from '../lib/config';
import { createDynamoClient } from '../lib/dynamo-client';
import { SearchQuery } from '../lib/search/search-schema';
import { SearchService } from '../lib/search/search-service';
import { ShardStore } from '../lib/search/shard-store';
import { ordered, summarizeAll, timeCases, type OrderedTimings } from './latency';
import { DynamoMeter, totalOf } from './meter';
import { boundsOf, LoadedIndex, searchPath, searchThroughApi } from './ours';
import type { WarmQuery, WarmResult } from './warm';

const config = loadConfig();
const timeline = process.env.WARM_TIMELINE ?? 'bench';
const queries = JSON.parse(process.env.WARM_QUERIES ?? '[]') as WarmQuery[];
const rounds = Number(process.env.WARM_ROUNDS ?? 5);
const client = createDynamoClient(config);
const store = new ShardStore(client, config.INDEX_TABLE_NAME);
const cases = queries.map((_, i) => i);

const app = createApp({ config, client });
const meter = new DynamoMeter().attach(client);
const paths = queries.map((query) => searchPath(timeline, query));
const warmUp = await warmUpApp(Number(process.env.WARM_UP_MS ?? 0));
const appTimings = ordered(await timeCases(cases, rounds, (i) => searchThroughApi(app, paths[i]!)));
const reads = totalOf(meter.snapshot());
const searches = (warmUp.passes + 1 + rounds) * queries.length;

const service = await timeService();
const manifest = summarizeAll(await timeCases([timeline], 200, () => store.getManifest(timeline)));
const engine = await timeEngine();

const result: WarmResult = {
  app: appTimings,
  service,
  engine,
  warmUp,
  manifestGetItem: manifest,
  readsPerSearch: { requests: reads.requests / searches, bytes: reads.itemBytesRead / searches, rcu: reads.rcu / searches },
};
console.log(`WARM_RESULT ${JSON.stringify(result)}`);
process.exit(0);

/**
 * A Lambda that has been warm a while runs optimized code in a heap sized to its work: passes through the app until
 * `ms` have gone by, at least two (the app is timed first and would otherwise also pay for compiling the code the
 * service and engine timings reuse).
 */
async function warmUpApp(ms: number): Promise<{ passes: number; ms: number }> {
  const started = performance.now();
  let passes = 0;
  for (; passes < 2 || performance.now() - started < ms; passes += 1) for (const path of paths) await searchThroughApi(app, path);
  return { passes, ms: performance.now() - started };
}

/** The service without HTTP, with the app's cache budget; a function of its own, so its copy of the index can go before the engine loads one. */
async function timeService(): Promise<OrderedTimings> {
  const search = new SearchService(store, undefined, { maxCompressedBytes: config.SEARCH_CACHE_MB * 1024 * 1024 });
  const parsed = queries.map((query) => SearchQuery.parse({ q: query.q, limit: '10', ...(query.from ? { from: query.from, to: query.to } : {}) }));
  return ordered(await timeCases(cases, rounds, (i) => search.search(timeline, parsed[i]!)));
}

/** The engine alone: parse, plan, prune, match, score, top 10, over every shard loaded once. */
async function timeEngine(): Promise<OrderedTimings> {
  const loaded = await LoadedIndex.load(store, timeline);
  const bounds = queries.map((query) => boundsOf(query));
  return ordered(await timeCases(cases, rounds, (i) => loaded.search(queries[i]!.q, bounds[i]!)));
}
