// A warm instance on its own, as a Lambda's is: a process holding the app and its index and none of the benchmark's
// data (the benchmark process holds the generated events and their documents, hundreds of MB at 100k, for the baselines).
// bench/warm.ts (WarmProcess) forks it and drives it: a warm-up, then timed rounds through the app one at a time (taking
// turns with FTS5's process), then the breakdown: the service without HTTP, the manifest read and the engine alone.
import { createApp } from '../lib/app';
import { loadConfig } from '../lib/config';
import { createDynamoClient } from '../lib/dynamo-client';
import { SearchQuery } from '../lib/search/search-schema';
import { SearchService } from '../lib/search/search-service';
import { ShardStore } from '../lib/search/shard-store';
import { ordered, summarizeAll, timeCases, timeRound, type OrderedTimings, type Round, type Summary } from './latency';
import { DynamoMeter, totalOf } from './meter';
import { boundsOf, LoadedIndex, searchPath, searchThroughApi } from './ours';
import type { WarmQuery } from './warm';

/** Messages the parent sends. */
export type WarmRequest = { type: 'warmUp'; ms: number } | { type: 'round' } | { type: 'breakdown'; rounds: number } | { type: 'stop' };

/** Where the time of a warm search goes, and what it reads. */
export interface WarmBreakdown {
  service: OrderedTimings;
  engine: OrderedTimings;
  manifestGetItem: Summary;
  /** DynamoDB reads per search through the app (the manifest, now and then). */
  readsPerSearch: { requests: number; bytes: number; rcu: number };
}

/** Messages the child sends. */
export type WarmReply =
  | { type: 'ready' }
  | { type: 'warmedUp'; passes: number; ms: number }
  | { type: 'round'; round: Round }
  | { type: 'breakdown'; breakdown: WarmBreakdown };

const config = loadConfig();
const timeline = process.env.WARM_TIMELINE ?? 'bench';
const queries = JSON.parse(process.env.WARM_QUERIES ?? '[]') as WarmQuery[];
const client = createDynamoClient(config);
const store = new ShardStore(client, config.INDEX_TABLE_NAME);
const cases = queries.map((_, i) => i);

const app = createApp({ config, client });
const meter = new DynamoMeter().attach(client);
const paths = queries.map((query) => searchPath(timeline, query));
let searches = 0;
const reply = (message: WarmReply) => process.send?.(message);

process.on('message', async (message: WarmRequest) => {
  if (message.type === 'stop') process.exit(0);
  if (message.type === 'warmUp') reply({ type: 'warmedUp', ...(await warmUpApp(message.ms)) });
  if (message.type === 'round') reply({ type: 'round', round: await timeRound(cases, searchThroughApp) });
  if (message.type === 'breakdown') reply({ type: 'breakdown', breakdown: await breakdown(message.rounds) });
});
reply({ type: 'ready' });

function searchThroughApp(i: number): Promise<string> {
  searches += 1;
  return searchThroughApi(app, paths[i]!);
}

/**
 * A Lambda that has been warm a while runs optimized code in a heap sized to its work: passes through the app until
 * `ms` have gone by, at least two (the app is timed first and would otherwise also pay for compiling the code the
 * service and engine timings reuse).
 */
async function warmUpApp(ms: number): Promise<{ passes: number; ms: number }> {
  const started = performance.now();
  let passes = 0;
  for (; passes < 2 || performance.now() - started < ms; passes += 1) for (const i of cases) await searchThroughApp(i);
  return { passes, ms: performance.now() - started };
}

async function breakdown(rounds: number): Promise<WarmBreakdown> {
  const reads = totalOf(meter.snapshot());
  const readsPerSearch = { requests: reads.requests / searches, bytes: reads.itemBytesRead / searches, rcu: reads.rcu / searches };
  const service = await timeService(rounds);
  const manifestGetItem = summarizeAll(await timeCases([timeline], 200, () => store.getManifest(timeline)));
  return { service, engine: await timeEngine(rounds), manifestGetItem, readsPerSearch };
}

/** The service without HTTP, with the app's cache budget; a function of its own, so its copy of the index can go before the engine loads one. */
async function timeService(rounds: number): Promise<OrderedTimings> {
  const search = new SearchService(store, undefined, { maxCompressedBytes: config.SEARCH_CACHE_MB * 1024 * 1024 });
  const parsed = queries.map((query) => SearchQuery.parse({ q: query.q, limit: '10', ...(query.from ? { from: query.from, to: query.to } : {}) }));
  return ordered(await timeCases(cases, rounds, (i) => search.search(timeline, parsed[i]!)));
}

/** The engine alone: parse, plan, prune, match, score, top 10, over every shard loaded once. */
async function timeEngine(rounds: number): Promise<OrderedTimings> {
  const loaded = await LoadedIndex.load(store, timeline);
  const bounds = queries.map((query) => boundsOf(query));
  return ordered(await timeCases(cases, rounds, (i) => loaded.search(queries[i]!.q, bounds[i]!)));
}
