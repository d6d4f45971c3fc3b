/**
 * `npm run bench -- --size 10k|100k|1m [--skip-scan] [--only ingest,cold,warm,memory,fts5,minisearch,scan,scifact,real,cost] [--seed N]`
 *
 * Generates a timeline, loads it through the API into DynamoDB Local (indexed by the real stream
 * indexer), measures ingest, cold and warm search, memory, the baselines on the same events and
 * queries, ranking quality on BEIR SciFact, real timelines and the cost model; prints a table and
 * writes bench/RESULTS.md and bench/results.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createApp } from '../lib/app';
import { loadConfig } from '../lib/config';
import { createDynamoClient } from '../lib/dynamo-client';
import { startDynamoDbLocal, type DynamoDbLocal } from '../lib/dynamodb-local';
import { ShardStore } from '../lib/search/shard-store';
import { ensureTable, ensureTables, eventTableDefinition } from '../lib/table';
import { Fts5Baseline, Fts5Process, sqliteVersion, type EngineAnswer } from './baselines/fts5';
import { MiniSearchSingle } from './baselines/minisearch-single';
import { scanSearch, type ScanAnswer } from './baselines/scan';
import { cpuDuring } from './cpu';
import { coldSearch, measureMemory, measureShardCodec, type ColdResult } from './cold';
import { costModel, measureTrickle } from './cost';
import { DEPLOYMENT } from './deployment';
import { generateCorpus, startOf } from './generator';
import { ApiProcess, BENCH_API_KEY, IndexerProcess, ingestApiAlone, ingestRaw, ingestThroughApi, prepareEvents } from './ingest';
import { keyedBy, ms, summarize, summarizeAll, summarizeBy, timeCases, type Summary, type Timings } from './latency';
import { DynamoMeter, totalOf } from './meter';
import { answerThroughApi, boundsOf, searchThroughApi } from './ours';
import { takeTurns, WarmProcess, WARM_UP_MS } from './warm';
import { buildQueries, RANGE_KINDS, type BenchQuery } from './queries';
import { runRealTimelines } from './real-timelines';
import { printSummary, renderMarkdown, type EngineFigures, type RunResult } from './report';
import { runSciFact } from './scifact';

const SIZES = { '10k': 10_000, '100k': 100_000, '1m': 1_000_000 } as const;
type SizeLabel = keyof typeof SIZES;
const SECTIONS = ['ingest', 'cold', 'warm', 'memory', 'fts5', 'minisearch', 'scan', 'scifact', 'real', 'cost'] as const;
type Section = (typeof SECTIONS)[number];

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const TABLE = 'bench';
const TIMELINE = 'bench';
// How long one Scan query may run past 10k events; its time is then a lower bound.
const SCAN_BUDGET_MS = 60_000;
const started = performance.now();

// Others share this machine: the 1-minute load average is logged with every line and kept with the results.
const loadSamples: number[] = [];

/** One progress line, with the seconds since the start and the load average. */
function log(message: string): void {
  const load = loadavg()[0]!;
  loadSamples.push(load);
  console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s, load ${load.toFixed(1)}] ${message}`);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const size = SIZES[options.size];
  const wants = (section: Section) => options.only.has(section) && !(section === 'scan' && options.skipScan);
  // How many times each query is timed after its warm-up run, by engine.
  const rounds = size >= 1_000_000 ? { warm: 3, minisearch: 1 } : size >= 100_000 ? { warm: 5, minisearch: 2 } : { warm: 10, minisearch: 5 };

  const errors: string[] = [];
  // A failing section is reported and the run goes on, so one problem does not cost every other figure.
  const guard = async (name: string, work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      errors.push(`${name}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      log(`${name} FAILED: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const result: RunResult = {
    machine: machine(),
    date: new Date().toISOString(),
    size,
    sizeLabel: options.size,
    seed: options.seed,
    versions: versions(),
    git: gitState(),
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
  };
  log(`timeline-search benchmark: ${size.toLocaleString('en-US')} events, seed ${options.seed}, on ${result.machine.cpu} (${result.machine.cores} cores)`);

  const needsData = SECTIONS.some((section) => wants(section) && !['scifact', 'real'].includes(section));
  const engines: { ours?: DynamoDbLocal; raw?: DynamoDbLocal } = {};
  // DynamoDB Local keeps everything (and the stream) in its JVM heap; a 1M run needs more than the default quarter of RAM.
  if (size >= 1_000_000) process.env.JAVA_TOOL_OPTIONS ??= '-Xmx8g';
  let indexer: IndexerProcess | undefined;
  let api: ApiProcess | undefined;
  try {
    // One after the other: two JVMs starting at once on a busy machine can miss startDynamoDbLocal's 30 s deadline.
    const ours = (engines.ours = await startEngine());
    const raw = (engines.raw = needsData && wants('ingest') ? await startEngine() : undefined);
    // A 1M index (about 225 MiB compressed) outgrows the default cache; a warm instance that keeps it all is what
    // warm figures mean (in AWS: a function with several GB of memory), not one reloading it for every search.
    const cacheMb = size >= 1_000_000 ? '1024' : undefined;
    const config = loadConfig({ DYNAMODB_ENDPOINT: ours.endpoint, TABLE_NAME: TABLE, API_KEYS: BENCH_API_KEY, LOG_LEVEL: 'error', SEARCH_CACHE_MB: cacheMb });
    const client = createDynamoClient(config);
    await ensureTables(client, config);
    indexer = await IndexerProcess.start({ DYNAMODB_ENDPOINT: ours.endpoint, TABLE_NAME: TABLE });
    const app = createApp({ config, client });
    log(`DynamoDB Local up: ours ${ours.endpoint}${raw ? `, raw baseline ${raw.endpoint}` : ''}`);

    let rawClient: DynamoDBClient | undefined;
    if (needsData) {
      let t0 = performance.now();
      const corpus = generateCorpus(size, options.seed);
      log(`generated ${corpus.events.length.toLocaleString('en-US')} events in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      t0 = performance.now();
      const prepared = prepareEvents(TIMELINE, corpus.events);
      const queries = buildQueries({ docs: corpus.events.map((event) => ({ title: event.title, text: event.text, start: startOf(event) })), docFrequency: corpus.docFrequency }, 5, options.seed);
      log(`prepared items and ${queries.length} queries (${queries.length / RANGE_KINDS.length} queries x ${RANGE_KINDS.length} ranges) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      result.workload = {
        events: size,
        vocabulary: corpus.vocabularySize,
        distinctWords: corpus.docFrequency.size,
        avgTextWords: corpus.events.reduce((sum, event) => sum + event.text.split(' ').length, 0) / corpus.events.length,
        queries: queries.length,
        queryExamples: queries.filter((query) => query.range === 'month').map((query) => query.label),
      };

      // Ingest: the raw baseline on its own server, then ours through the API with the indexer running.
      if (raw) {
        // Its own client with generous timeouts: a Scan page can take seconds on a busy machine.
        rawClient = new DynamoDBClient({
          region: 'us-east-1',
          endpoint: raw.endpoint,
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
          maxAttempts: 5,
          requestHandler: { connectionTimeout: 10_000, socketTimeout: 120_000 },
        });
        await ensureTable(rawClient, eventTableDefinition('raw'));
        const warm = prepareEvents('warmup', corpus.events.slice(0, 2000));
        await ingestRaw(rawClient, 'raw', warm.items);
        log('raw baseline: warm-up written, writing the timeline with BatchWriteItem (25 a request, 8 in flight)…');
        const { result: rawResult, engineMs: rawEngineCpuMs, ownMs: rawClientCpuMs } = await cpuDuring(raw.process.pid, () => ingestRaw(rawClient!, 'raw', prepared.items));
        log(`raw BatchWriteItem: ${Math.round(rawResult.eventsPerS)} items/s (${(rawResult.ms / 1000).toFixed(1)} s)`);
        engines.raw = raw;
        // Without the Scan baseline its engine has done its part: give its memory back (a 1M run needs it).
        if (!wants('scan')) {
          rawClient.destroy();
          rawClient = undefined;
          await raw.stop();
          engines.raw = undefined;
        }
        result.ingest = { raw: rawResult } as RunResult['ingest'];

        // The API with no indexer, on an engine of its own: the write path's own rate, apart from the indexer's share of the cores.
        log('API alone (no indexer running): posting the timeline (1,000 a request, 8 in flight)…');
        const aloneEngine = await startEngine();
        const apiAlone = await ingestApiAlone(aloneEngine, TIMELINE, corpus.events).finally(() => aloneEngine.stop());
        log(`API alone: ${Math.round(apiAlone.eventsPerS)} events/s (${(apiAlone.ms / 1000).toFixed(1)} s), ${(apiAlone.eventsPerS / rawResult.eventsPerS).toFixed(2)} of raw`);

        // The API in a process of its own, posted to over HTTP (see api-child.ts).
        api = await ApiProcess.start({ DYNAMODB_ENDPOINT: ours.endpoint, TABLE_NAME: TABLE, API_KEYS: BENCH_API_KEY });
        await ingestThroughApi(api, 'warmup', corpus.events.slice(0, 2000));
        await indexer.drain();
        await indexer.reset();
        await api.reset();
        log('API: warm-up written and indexed, posting the timeline (1,000 a request, 8 in flight)…');
        let nextReport = 0.1;
        let lastAck = 0;
        // CPU from the first POST until the indexer has drained: everything it takes to make the events searchable.
        const { result: [apiResult, drainMs], engineMs: apiEngineCpuMs, ownMs: clientCpuMs } = await cpuDuring(ours.process.pid, async () => {
          const posted = await ingestThroughApi(api!, TIMELINE, corpus.events, {
            onProgress: (done) => {
              if (done / size >= nextReport) {
                log(`  ${Math.round((done / size) * 100)}% posted`);
                nextReport += 0.1;
              }
            },
          });
          lastAck = performance.now();
          log(`API: ${Math.round(posted.eventsPerS)} events/s (${(posted.ms / 1000).toFixed(1)} s); waiting for the indexer…`);
          return [posted, await indexer!.drain()] as const;
        });
        // The newest event known to the day: a day range finds it among few others.
        const last = corpus.events.findLast((event) => /^\d{4}-\d{2}-\d{2}$/.test(startOf(event)) && typeof event.date === 'string')!;
        const lastDay = startOf(last);
        // Newest first: events of that very day come before month- and year-precision ones that overlap it; at 1M the day
        // holds more than a page of them, so the pages are followed.
        let page: { hits: { id: string }[]; nextCursor?: string } = { hits: [] };
        let found = false;
        for (let pages = 0; !found && pages < 50 && (pages === 0 || page.nextCursor); pages += 1) {
          const params = new URLSearchParams({ from: lastDay, to: lastDay, limit: '100', sort: '-date', ...(page.nextCursor ? { cursor: page.nextCursor } : {}) });
          page = JSON.parse(await searchThroughApi(app, `/v1/timelines/${TIMELINE}/search?${params}`)) as typeof page;
          found = page.hits.some((hit) => hit.id === last.id);
        }
        const searchableMs = performance.now() - lastAck;
        if (!found) errors.push(`ingest: the last event ${last.id} (${lastDay}) was not found by a search after the drain`);
        const indexerStats = await indexer.stats();
        const apiStats = await api.stats();
        await api.stop();
        api = undefined;
        const total = (JSON.parse(await searchThroughApi(app, `/v1/timelines/${TIMELINE}/search?limit=1`)) as { total: number }).total;
        if (total !== size) errors.push(`ingest: search counts ${total} events, ${size} were posted`);
        const manifest = await new ShardStore(client, config.INDEX_TABLE_NAME).getManifest(TIMELINE);
        const shards = Object.values(manifest?.shards ?? {});
        const apiWrites = apiStats.meter;
        const indexWrites = totalOf(indexerStats.meter);
        log(`searchable ${Math.round(searchableMs)} ms after the last acknowledgement (drain ${Math.round(drainMs)} ms); search counts all ${total.toLocaleString('en-US')}`);
        result.ingest = {
          raw: rawResult,
          api: apiResult,
          ratio: apiResult.eventsPerS / rawResult.eventsPerS,
          apiAlone,
          aloneRatio: apiAlone.eventsPerS / rawResult.eventsPerS,
          drainMs,
          searchableMs,
          verifiedTotal: total,
          lambdaMemoryMb: { api: DEPLOYMENT.apiMemoryGb * 1024, indexer: DEPLOYMENT.indexerMemoryGb * 1024 },
          indexer: { invocations: indexerStats.invocations, records: indexerStats.records, busyMs: indexerStats.busyMs, cpuMs: indexerStats.cpuMs, peakRssBytes: indexerStats.peakRssBytes, meter: indexerStats.meter },
          cpuMs: {
            raw: { engine: rawEngineCpuMs, client: rawClientCpuMs },
            api: { engine: apiEngineCpuMs, client: clientCpuMs, app: apiStats.cpuMs, indexer: indexerStats.cpuMs },
          },
          apiMeter: apiWrites,
          indexBytesWrittenPerEvent: indexWrites.itemBytesWritten / size,
          indexWcuPerEvent: indexWrites.wcu / size,
          apiWcuPerEvent: (totalOf(apiWrites).wcu + totalOf(apiWrites).gsiWcu) / size,
          apiRcuPerEvent: totalOf(apiWrites).rcu / size,
          shards: { count: shards.length, avgDocs: size / shards.length, avgCompressedBytes: shards.reduce((sum, shard) => sum + shard.bytes, 0) / shards.length, totalCompressedBytes: shards.reduce((sum, shard) => sum + shard.bytes, 0), manifestShards: shards.length },
          eventItemBytes: prepared.items.reduce((sum, item) => sum + JSON.stringify(item).length, 0) / size,
        };
      }
      // Only the ingest needs the marshalled items (several GB of heap at 1M); the baselines read the docs.
      prepared.items.length = 0;
      // An idle poller still reads the stream every 50 ms (with DynamoDB Local, about half a core at 1M): the timings
      // below get the machine without it, and the trickle starts a poller of its own.
      await indexer.stop();
      indexer = undefined;

      const env = { DYNAMODB_ENDPOINT: ours.endpoint, TABLE_NAME: TABLE, timeline: TIMELINE, maxOldSpaceMb: size >= 1_000_000 ? 8192 : undefined };
      const monthQuery = queries.find((query) => query.kind === 'common+rare' && query.range === 'month') ?? queries.find((query) => query.range === 'month')!;
      if (wants('cold')) await guard('cold', async () => {
        const month: ColdResult[] = [];
        for (let i = 0; i < 3; i += 1) month.push(await coldSearch(env, { q: monthQuery.q, from: monthQuery.from!, to: monthQuery.to! }));
        log(`cold one-month search (${monthQuery.label}): first request ${month.map((run) => Math.round(run.firstRequestMs)).join(', ')} ms; import ${Math.round(month[0]!.importMs)} ms`);
        const all = await coldSearch(env, { q: monthQuery.q });
        log(`cold whole-timeline search: first request ${Math.round(all.firstRequestMs)} ms, read ${formatBytes(totalOf(all.reads).itemBytesRead)}`);
        result.cold = { query: monthQuery.label, month, all, monthMedianMs: median(month.map((run) => run.firstRequestMs)) };
        result.shardCodec = await measureShardCodec(new ShardStore(client, config.INDEX_TABLE_NAME), TIMELINE);
        log(`largest shard (${result.shardCodec.docs} events, ${formatBytes(result.shardCodec.compressedBytes)}): read ${ms(result.shardCodec.readMs)} ms, parseShard ${ms(result.shardCodec.parseMs)} ms, ShardReader ${ms(result.shardCodec.readerMs)} ms; indexer: ShardWriter.from ${ms(result.shardCodec.loadWriterMs)} ms, toData ${ms(result.shardCodec.toDataMs)} ms, serializeShard ${ms(result.shardCodec.serializeMs)} ms`);
      });
      if (wants('memory')) await guard('memory', async () => {
        const memory = await measureMemory(env);
        log(`memory: ${memory.shards} shards, ${formatBytes(memory.heapAfter - memory.heapBefore)} of heap (${formatBytes((memory.heapAfter - memory.heapBefore) / memory.shards)} a shard), loaded in ${Math.round(memory.loadMs)} ms`);
        result.memory = { ...memory, heapDelta: memory.heapAfter - memory.heapBefore, heapPerShard: (memory.heapAfter - memory.heapBefore) / memory.shards };
      });

      const answers: Record<string, EngineAnswer[]> = {};
      const figures: Record<string, EngineFigures> = {};
      let fts5: { dbPath: string; buildMs: number } | undefined;
      if (wants('fts5')) await guard('fts5', async () => {
        const t0 = performance.now();
        const baseline = Fts5Baseline.build(prepared.docs);
        const buildMs = performance.now() - t0;
        answers.fts5 = queries.map((query) => baseline.search(query, boundsOf(query)));
        log(`FTS5 built in ${(buildMs / 1000).toFixed(1)} s (plan: ${baseline.plan(monthQuery, boundsOf(monthQuery))})`);
        const dbPath = join(mkdtempSync(join(tmpdir(), 'bench-fts5-')), 'fts5.db');
        writeFileSync(dbPath, baseline.serialize());
        baseline.close();
        fts5 = { dbPath, buildMs };
      });

      if (wants('warm')) {
        answers.ours = [];
        for (const query of queries) answers.ours.push(await answerThroughApi(app, TIMELINE, query));
      }
      // Ours and FTS5 each in a process of its own, timed taking turns a round at a time.
      if (wants('warm') || fts5) await guard('warm', async () => {
        let ours: WarmProcess | undefined;
        let sqlite: Fts5Process | undefined;
        try {
          ours = wants('warm') ? await WarmProcess.start({ ...env, SEARCH_CACHE_MB: config.SEARCH_CACHE_MB }, queries) : undefined;
          sqlite = fts5 ? await Fts5Process.start(fts5.dbPath, queries) : undefined;
          const warmUp = await ours?.warmUp(WARM_UP_MS);
          const timers = [ours, sqlite].filter((timer) => timer !== undefined);
          log(`warm: timing ${queries.length} queries x ${rounds.warm} rounds (${timers.length > 1 ? 'ours through app.request and FTS5 taking turns, each' : 'each engine'} in a process of its own${warmUp ? `, after ${(warmUp.ms / 1000).toFixed(0)} s of warm-up` : ''})…`);
          const timings = await takeTurns(timers, rounds.warm);
          if (sqlite) {
            figures.fts5 = { ...engineFigures(keyedBy(queries, timings.get(sqlite)!)), buildMs: fts5!.buildMs, tookTurns: Boolean(ours) };
            log(`FTS5: p50 ${figures.fts5.overall.p50.toFixed(2)} ms, p99 ${figures.fts5.overall.p99.toFixed(2)} ms`);
          }
          if (ours && warmUp) {
            figures.ours = engineFigures(keyedBy(queries, timings.get(ours)!));
            log(`warm ours: p50 ${figures.ours.overall.p50.toFixed(2)} ms, p99 ${figures.ours.overall.p99.toFixed(2)} ms, ${Math.round(figures.ours.throughputPerS)} searches/s sequential`);
            // Then where the time goes: the service without HTTP, the manifest read alone, the engine alone.
            const breakdown = await ours.breakdown(rounds.warm);
            figures.ours.readsPerSearch = breakdown.readsPerSearch;
            figures.service = engineFigures(keyedBy(queries, breakdown.service));
            figures.engine = engineFigures(keyedBy(queries, breakdown.engine));
            result.breakdown = { manifestGetItem: breakdown.manifestGetItem };
            result.warmInOwnProcess = true;
            result.warmUp = warmUp;
            result.warmHeapFlags = ours.heapFlags;
            log(`breakdown: service ${figures.service.overall.p50.toFixed(2)} ms p50, manifest GetItem ${result.breakdown.manifestGetItem.p50.toFixed(2)} ms p50, engine ${figures.engine.overall.p50.toFixed(2)} ms p50 / ${figures.engine.overall.p99.toFixed(2)} ms p99`);
          }
        } finally {
          await Promise.all([ours?.stop(), sqlite?.stop()]);
          if (fts5) rmSync(dirname(fts5.dbPath), { recursive: true, force: true });
        }
      });

      if (wants('minisearch')) await guard('minisearch', async () => {
        const heapBefore = process.memoryUsage().heapUsed;
        const t0 = performance.now();
        const single = MiniSearchSingle.build(prepared.docs);
        const buildMs = performance.now() - t0;
        const heap = process.memoryUsage().heapUsed - heapBefore;
        const bounds = new Map(queries.map((query) => [query, boundsOf(query)]));
        answers.minisearch = queries.map((query) => single.search(query, bounds.get(query)!));
        log(`single MiniSearch built in ${(buildMs / 1000).toFixed(1)} s (~${formatBytes(heap)} heap); timing…`);
        figures.minisearch_single = { ...engineFigures(await timeCases(queries, rounds.minisearch, (query) => single.search(query, bounds.get(query)!))), buildMs, heapBytes: heap };
        log(`single MiniSearch: p50 ${figures.minisearch_single.overall.p50.toFixed(2)} ms, p99 ${figures.minisearch_single.overall.p99.toFixed(2)} ms`);
      });

      const scanTable = rawClient;
      if (wants('scan') && scanTable) await guard('scan', async () => {
        // The raw baseline's table holds exactly the event items our store writes, and nothing else: the
        // table a project that scans would have. It is on its own DynamoDB Local, as idle as ours was.
        // DynamoDB Local's Scan is slower per item the bigger the table (2.6 s a query at 10k, 233-297 s at 100k): past
        // 10k one query is scanned for at most a minute, and the time is then a lower bound (≥ 1,000x either way).
        const picked = pickScanQueries(queries, size <= 10_000 ? 5 : 1);
        const maxMs = size <= 10_000 ? Number.POSITIVE_INFINITY : SCAN_BUDGET_MS;
        const scanClient = scanTable;
        const scanMeter = new DynamoMeter().attach(scanClient);
        log(`Scan + contains(): ${picked.length} queries over the events table (each reads the whole table)…`);
        // One page warms the engine's Scan path; a whole warm-up scan would cost a minute at 100k for nothing.
        await scanSearch(scanClient, 'raw', TIMELINE, picked[0]!, boundsOf(picked[0]!), { maxPages: 1 });
        scanMeter.reset();
        const samples: { query: BenchQuery; ms: number; total: number; answer: ScanAnswer }[] = [];
        for (const query of picked) {
          const t0 = performance.now();
          const answer = await scanSearch(scanClient, 'raw', TIMELINE, query, boundsOf(query), { maxMs });
          samples.push({ query, ms: performance.now() - t0, total: answer.total, answer });
        }
        const scanReads = totalOf(scanMeter.snapshot());
        const oursSamples = figures.ours ? picked.map((query) => figures.ours!.byCase[query.label]?.p50 ?? Number.NaN) : [];
        const scanSummary = summarize(samples.map((sample) => sample.ms));
        figures.scan = {
          overall: scanSummary,
          byRange: {},
          byKind: {},
          byCase: Object.fromEntries(samples.map((sample) => [sample.query.label, summarize([sample.ms])])),
          throughputPerS: 1000 / scanSummary.mean,
          totals: Object.fromEntries(samples.map((sample) => [sample.query.label, sample.total])),
          readsPerSearch: { requests: scanReads.requests / picked.length, bytes: scanReads.itemBytesRead / picked.length, rcu: scanReads.rcu / picked.length },
          oursP50OnSameQueries: oursSamples.length ? median(oursSamples) : undefined,
          scanned: { pages: samples.reduce((sum, sample) => sum + sample.answer.pages, 0), items: samples.reduce((sum, sample) => sum + sample.answer.itemsScanned, 0), complete: samples.every((sample) => sample.answer.complete) },
        };
        const bound = figures.scan.scanned!.complete ? '' : `≥ (stopped after ${figures.scan.scanned!.items.toLocaleString('en-US')} of ${size.toLocaleString('en-US')} items) `;
        log(`Scan: p50 ${bound}${Math.round(scanSummary.p50)} ms a query`);
      });
      rawClient?.destroy();
      await engines.raw?.stop();
      engines.raw = undefined;
      result.figures = figures;
      result.ratios = ratios(figures, queries);
      result.agreement = agreement(queries, answers);
      if (result.agreement) log(`answers agree: ${JSON.stringify(result.agreement.totalsEqual)}`);

      if (wants('cost')) await guard('trickle', async () => {
        log('cost: single-event writes (trickle) through the API, each indexed before the next…');
        const trickleIndexer = await IndexerProcess.start({ DYNAMODB_ENDPOINT: ours.endpoint, TABLE_NAME: TABLE, INDEXER_STARTING_POSITION: 'LATEST' });
        indexer = trickleIndexer;
        // Positions the poller at the end of the stream before the first write.
        await trickleIndexer.drain();
        const trickle = await measureTrickle(app, trickleIndexer, TIMELINE, corpus.events, 30);
        result.trickle = trickle;
        log(`trickle: ${trickle.indexBytesPerEvent.toFixed(0)} index bytes written per event, indexer ${trickle.indexerMsPerEvent.toFixed(0)} ms per event`);
      });
    }

    if (wants('scifact')) await guard('scifact', async () => void (result.scifact = await runSciFact({ client, indexTable: config.INDEX_TABLE_NAME, log })));
    if (wants('real')) await guard('real', async () => void (result.real = await runRealTimelines({ app, client, indexTable: config.INDEX_TABLE_NAME, log, rounds: rounds.warm })));
    if (wants('cost')) await guard('cost', async () => void (result.cost = costModel(result)));
  } finally {
    await api?.stop();
    await indexer?.stop();
    await Promise.all([engines.ours?.stop(), engines.raw?.stop()]);
  }

  if (errors.length) result.errors = errors;
  result.elapsedS = (performance.now() - started) / 1000;
  result.machine.load = { start: loadSamples[0] ?? 0, mean: loadSamples.reduce((sum, load) => sum + load, 0) / (loadSamples.length || 1), max: Math.max(...loadSamples) };
  printSummary(result);
  const merged = mergeResults(result);
  writeFileSync(`${benchDir}results.json`, `${JSON.stringify(merged, null, 2)}\n`);
  writeFileSync(`${benchDir}RESULTS.md`, renderMarkdown(merged));
  if (errors.length) console.error(`sections that failed:\n${errors.join('\n')}`);
  log(`wrote bench/results.json and bench/RESULTS.md (${result.elapsedS.toFixed(0)} s in all)`);
}

/** Starts a DynamoDB Local, trying again when a busy machine makes the JVM miss the start deadline. */
async function startEngine(attempts = 3): Promise<DynamoDbLocal> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startDynamoDbLocal();
    } catch (error) {
      if (attempt >= attempts) throw error;
      log(`DynamoDB Local did not start (${error instanceof Error ? error.message.split(':')[0] : String(error)}); trying again`);
    }
  }
}

function engineFigures<T extends BenchQuery>(timings: Timings<T>): EngineFigures {
  const overall = summarizeAll(timings);
  return {
    overall,
    byRange: summarizeBy(timings, (query) => query.range),
    byKind: summarizeBy(timings, (query) => query.kind),
    byCase: summarizeBy(timings, (query) => query.label),
    throughputPerS: (timings.runs / timings.wallMs) * 1000,
  };
}

/** Baseline time / our time, per range and overall, at p50 and p99. */
function ratios(figures: Record<string, EngineFigures>, queries: BenchQuery[]): RunResult['ratios'] {
  const ours = figures.ours;
  if (!ours) return undefined;
  const out: NonNullable<RunResult['ratios']> = {};
  for (const name of ['fts5', 'minisearch_single', 'engine'] as const) {
    const other = figures[name];
    if (!other) continue;
    const per = (a: Summary | undefined, b: Summary | undefined) => (a && b ? { p50: a.p50 / b.p50, p99: a.p99 / b.p99 } : undefined);
    out[name] = {
      overall: per(other.overall, ours.overall)!,
      byRange: Object.fromEntries(RANGE_KINDS.map((range) => [range, per(other.byRange[range], ours.byRange[range])!])),
    };
  }
  const scan = figures.scan;
  if (scan?.oursP50OnSameQueries) out.scan = { overall: { p50: scan.overall.p50 / scan.oursP50OnSameQueries, p99: Number.NaN }, byRange: {} };
  void queries;
  return out;
}

/** How often the engines' exact totals agree on the same queries. */
function agreement(queries: BenchQuery[], answers: Record<string, EngineAnswer[]>): RunResult['agreement'] {
  const ours = answers.ours;
  if (!ours) return undefined;
  const totalsEqual: Record<string, string> = {};
  const differences: string[] = [];
  for (const [name, list] of Object.entries(answers)) {
    if (name === 'ours') continue;
    let equal = 0;
    list.forEach((answer, i) => {
      if (answer.total === ours[i]!.total) equal += 1;
      else if (differences.length < 12) differences.push(`${name}: ${queries[i]!.label}: ours ${ours[i]!.total}, ${name} ${answer.total}`);
    });
    totalsEqual[name] = `${equal}/${list.length}`;
  }
  return { totalsEqual, differences, oursTotals: { median: median(ours.map((answer) => answer.total)), max: Math.max(...ours.map((answer) => answer.total)) } };
}

/** A few queries of different kinds and ranges for the slow Scan baseline. */
function pickScanQueries(queries: BenchQuery[], count: number): BenchQuery[] {
  const picked: BenchQuery[] = [];
  const ranges = [...RANGE_KINDS];
  const kinds = [...new Set(queries.map((query) => query.kind))];
  for (let i = 0; picked.length < count && i < count * 10; i += 1) {
    const kind = kinds[i % kinds.length];
    const range = ranges[i % ranges.length];
    const candidate = queries.find((query) => query.kind === kind && query.range === range && !picked.includes(query));
    if (candidate) picked.push(candidate);
  }
  return picked;
}

/** Keeps other sizes' runs: `runs[size]` is replaced, the top-level figures follow the latest 100k run. */
function mergeResults(result: RunResult): Record<string, unknown> & { runs: Record<string, RunResult> } {
  const path = `${benchDir}results.json`;
  const previous = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as { runs?: Record<string, RunResult> }) : {};
  const runs = { ...(previous.runs ?? {}), [result.sizeLabel]: result };
  const headline = runs['100k'] ?? result;
  const figures = headline.figures ?? {};
  return {
    machine: headline.machine.cpu,
    date: headline.date,
    size: headline.size,
    ours: {
      warm_p50_ms: figures.ours?.overall.p50,
      warm_p99_ms: figures.ours?.overall.p99,
      cold_month_ms: headline.cold?.monthMedianMs,
      cold_all_ms: headline.cold?.all.firstRequestMs,
      ingest_events_per_s: headline.ingest?.api?.eventsPerS,
      ingest_ratio_to_raw: headline.ingest?.ratio,
      searchable_after_last_ack_ms: headline.ingest?.searchableMs,
      throughput_per_s: figures.ours?.throughputPerS,
      heap_per_shard_bytes: headline.memory?.heapPerShard,
    },
    fts5: { warm_p50_ms: figures.fts5?.overall.p50, warm_p99_ms: figures.fts5?.overall.p99 },
    scan: { warm_p50_ms: figures.scan?.overall.p50 },
    minisearch_single: { warm_p50_ms: figures.minisearch_single?.overall.p50, warm_p99_ms: figures.minisearch_single?.overall.p99 },
    raw_batchwrite: { items_per_s: headline.ingest?.raw.eventsPerS },
    scifact_ndcg10: headline.scifact && 'ndcg10' in headline.scifact ? headline.scifact.ndcg10 : (result.scifact && 'ndcg10' in result.scifact ? result.scifact.ndcg10 : undefined),
    runs,
  };
}

function parseOptions(args: string[]): { size: SizeLabel; skipScan: boolean; only: Set<Section>; seed: number } {
  let size: SizeLabel = '10k';
  let skipScan = false;
  let only = new Set<Section>(SECTIONS);
  let seed = 42;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    const value = () => {
      const next = args[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--size') {
      const label = value().toLowerCase();
      if (!(label in SIZES)) throw new Error(`--size must be one of ${Object.keys(SIZES).join(', ')}, got ${label}`);
      size = label as SizeLabel;
    } else if (arg === '--skip-scan') skipScan = true;
    else if (arg === '--only') {
      const names = value().split(',').map((name) => name.trim());
      const unknown = names.filter((name) => !(SECTIONS as readonly string[]).includes(name));
      if (unknown.length) throw new Error(`--only knows ${SECTIONS.join(', ')}; not ${unknown.join(', ')}`);
      only = new Set(names as Section[]);
    } else if (arg === '--seed') seed = Number(value());
    else throw new Error(`unknown option ${arg}; usage: npm run bench -- --size 10k|100k|1m [--skip-scan] [--only ${SECTIONS.join(',')}] [--seed N]`);
  }
  // Every figure on the synthetic timeline needs it loaded, and loading it is the ingest measurement.
  if ([...only].some((section) => !['scifact', 'real'].includes(section))) only.add('ingest');
  return { size, skipScan, only, seed };
}

function machine(): RunResult['machine'] {
  return { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: Math.round(totalmem() / 1024 ** 3), node: process.version, platform: `${process.platform} ${process.arch}` };
}

function versions(): Record<string, string> {
  const version = (name: string) => {
    try {
      return (JSON.parse(readFileSync(fileURLToPath(new URL(`../node_modules/${name}/package.json`, import.meta.url)), 'utf8')) as { version: string }).version;
    } catch {
      return 'missing';
    }
  };
  let dynamodbLocal = 'unknown';
  try {
    const readme = readFileSync(fileURLToPath(new URL('../.cache/dynamodb-local/README.txt', import.meta.url)), 'utf8');
    dynamodbLocal = /\((\d+\.\d+\.\d+)\)/.exec(readme)?.[1] ?? dynamodbLocal;
  } catch {
    // The engine is downloaded on first use; its version shows on the next run.
  }
  return {
    minisearch: version('minisearch'),
    'better-sqlite3': version('better-sqlite3'),
    sqlite: safe(sqliteVersion),
    'dynamodb-local': dynamodbLocal,
    hono: version('hono'),
    '@aws-sdk/client-dynamodb': version('@aws-sdk/client-dynamodb'),
    typescript: version('typescript'),
    tsx: version('tsx'),
  };
}

/** The commit measured, and the lib/ files changed on top of it (others edit the tree while benchmarks run). */
function gitState(): { commit: string; dirty: string[] } {
  const git = (args: string[]) => spawnSync('git', args, { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8' }).stdout.trim();
  return { commit: git(['rev-parse', '--short', 'HEAD']), dirty: git(['status', '--porcelain', '--', 'lib', 'functions']).split('\n').filter(Boolean) };
}

function safe(read: () => string): string {
  try {
    return read();
  } catch {
    return 'unavailable';
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
}

/** Bytes in KiB/MiB for progress lines. */
export function formatBytes(bytes: number): string {
  if (Math.abs(bytes) >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (Math.abs(bytes) >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${Math.round(bytes)} B`;
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
await main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
