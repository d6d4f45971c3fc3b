// A fresh process answering its first search, as a Lambda cold start does; bench/cold.ts spawns it.
// COLD_MODE=app (default) builds the app and sends one request through it; COLD_MODE=memory loads
// every shard with an unbounded cache and reports the heap they take (run it with --expose-gc).
// It prints one line: COLD_RESULT {json}.
const bootMs = performance.now();

const importStarted = performance.now();
const [{ createApp }, { loadConfig }, { createDynamoClient }, { DynamoMeter }, { ShardStore }, { SearchService }, { SearchQuery }] = await Promise.all([
  import('../lib/app'),
  import('../lib/config'),
  import('../lib/dynamo-client'),
  import('./meter'),
  import('../lib/search/shard-store'),
  import('../lib/search/search-service'),
  import('../lib/search/search-schema'),
]);
const importMs = performance.now() - importStarted;

const collectGarbage = (globalThis as { gc?: () => void }).gc;
const heapUsed = () => {
  collectGarbage?.();
  return process.memoryUsage().heapUsed;
};

const config = loadConfig();
const timeline = process.env.COLD_TIMELINE ?? 'bench';
const params = JSON.parse(process.env.COLD_QUERY ?? '{}') as Record<string, string>;
const client = createDynamoClient(config);
const meter = new DynamoMeter().attach(client);

if ((process.env.COLD_MODE ?? 'app') === 'app') {
  const heapBefore = heapUsed();
  const buildStarted = performance.now();
  const app = createApp({ config, client });
  const createAppMs = performance.now() - buildStarted;
  const requestStarted = performance.now();
  const response = await app.request(`/v1/timelines/${timeline}/search?${new URLSearchParams({ limit: '10', ...params })}`);
  const body = (await response.json()) as { total: number };
  const firstRequestMs = performance.now() - requestStarted;
  const reads = meter.snapshot();
  const secondStarted = performance.now();
  await (await app.request(`/v1/timelines/${timeline}/search?${new URLSearchParams({ limit: '10', ...params })}`)).text();
  const secondRequestMs = performance.now() - secondStarted;
  const heapAfter = heapUsed();
  report({ status: response.status, total: body.total, bootMs, importMs, createAppMs, firstRequestMs, secondRequestMs, reads, heapBefore, heapAfter });
} else {
  const store = new ShardStore(client, config.INDEX_TABLE_NAME);
  const manifest = await store.getManifest(timeline);
  const shards = Object.values(manifest?.shards ?? {}).filter((shard) => shard.count > 0);
  const service = new SearchService(store, undefined, { maxCompressedBytes: Number.MAX_SAFE_INTEGER });
  const heapBefore = heapUsed();
  const started = performance.now();
  const result = await service.search(timeline, SearchQuery.parse({ limit: '10', ...params }));
  const loadMs = performance.now() - started;
  const heapAfter = heapUsed();
  // Keeps the service (and its cache) reachable until after the measurement.
  const total = result.total + (service ? 0 : 1);
  report({
    total,
    bootMs,
    importMs,
    loadMs,
    shards: shards.length,
    docs: shards.reduce((sum, shard) => sum + shard.count, 0),
    compressedBytes: shards.reduce((sum, shard) => sum + shard.bytes, 0),
    heapBefore,
    heapAfter,
    reads: meter.snapshot(),
  });
}

function report(result: Record<string, unknown>): void {
  process.stdout.write(`COLD_RESULT ${JSON.stringify(result)}\n`);
}

export {};
