import type { ColdResult, MemoryResult, ShardCodecResult } from './cold';
import type { CostModel, TrickleResult } from './cost';
import { lambdaHeapFlags } from './deployment';
import type { ApiAloneResult, IngestResult } from './ingest';
import { ms, type Summary } from './latency';
import { totalOf, type MeterSnapshot } from './meter';
import type { RealTimelinesResult } from './real-timelines';
import type { SciFactResult } from './scifact';

/** Latency figures of one engine on the query set. */
export interface EngineFigures {
  overall: Summary;
  byRange: Record<string, Summary>;
  byKind: Record<string, Summary>;
  byCase: Record<string, Summary>;
  /** Sequential searches a second on one thread. */
  throughputPerS: number;
  buildMs?: number;
  /** p50 of the rounds timed before ours and of those timed after (FTS5, in runs before the engines took turns). */
  halvesP50?: [number, number];
  /** Timed taking turns with ours, a round each (FTS5). */
  tookTurns?: boolean;
  heapBytes?: number;
  /** DynamoDB reads per search. */
  readsPerSearch?: { requests: number; bytes: number; rcu: number };
  totals?: Record<string, number>;
  /** Our p50 on the same few queries (Scan runs only a few). */
  oursP50OnSameQueries?: number;
  /** What the Scans read; not complete when a query used up its time budget, so its time is a lower bound. */
  scanned?: { pages: number; items: number; complete: boolean };
}

/** Baseline time divided by our time. */
export interface Ratio {
  p50: number;
  p99: number;
}

/** Everything one run measured. */
export interface RunResult {
  machine: { cpu: string; cores: number; memoryGiB: number; node: string; platform: string; load?: { start: number; mean: number; max: number } };
  date: string;
  size: number;
  sizeLabel: string;
  seed: number;
  versions: Record<string, string>;
  /** The commit measured and the lib/ files changed on top of it. */
  git?: { commit: string; dirty: string[] };
  command: string;
  elapsedS?: number;
  /** Sections that failed, with their error. */
  errors?: string[];
  /** What a reader of the figures should know about this run. */
  notes?: string[];
  workload?: { events: number; vocabulary: number; distinctWords: number; avgTextWords: number; queries: number; queryExamples: string[] };
  ingest?: {
    raw: IngestResult;
    api?: IngestResult;
    ratio?: number;
    /** The API with no indexer running, on a DynamoDB Local of its own, and its rate over raw's. */
    apiAlone?: ApiAloneResult;
    aloneRatio?: number;
    drainMs?: number;
    searchableMs?: number;
    verifiedTotal?: number;
    /** Memory of the API and indexer functions, whose heap limits their processes ran with (`lambdaHeapFlags`). */
    lambdaMemoryMb?: { api: number; indexer: number };
    indexer?: { invocations: number; records: number; busyMs: number; cpuMs?: number; peakRssBytes?: number; meter: MeterSnapshot };
    /**
     * CPU time (ms) of each process over the raw write, and over the API's from its first POST until the indexer drained.
     * `client` is the benchmark process; `app` the API's own process (earlier runs had the app in the benchmark process,
     * counted under `app`, and no `client`).
     */
    cpuMs?: { raw: { engine?: number; client: number }; api: { engine?: number; client?: number; app: number; indexer: number } };
    apiMeter?: MeterSnapshot;
    indexBytesWrittenPerEvent?: number;
    indexWcuPerEvent?: number;
    apiWcuPerEvent?: number;
    apiRcuPerEvent?: number;
    shards?: { count: number; avgDocs: number; avgCompressedBytes: number; totalCompressedBytes: number; manifestShards: number };
    eventItemBytes?: number;
  };
  cold?: { query: string; month: ColdResult[]; all: ColdResult; monthMedianMs: number };
  shardCodec?: ShardCodecResult;
  memory?: MemoryResult & { heapDelta: number; heapPerShard: number };
  breakdown?: { manifestGetItem: Summary };
  /** Ours, the service and the engine were timed in a process holding only the app and its index (bench/warm-child.ts). */
  warmInOwnProcess?: boolean;
  /** The V8 flags of that process. */
  warmHeapFlags?: string[];
  /** Passes over the queries through the app before it was timed (runs before it made three). */
  warmUp?: { passes: number; ms: number };
  figures?: Record<string, EngineFigures>;
  ratios?: Partial<Record<'fts5' | 'minisearch_single' | 'engine' | 'scan', { overall: Ratio; byRange: Record<string, Ratio> }>>;
  agreement?: { totalsEqual: Record<string, string>; differences: string[]; oursTotals: { median: number; max: number } };
  trickle?: TrickleResult;
  scifact?: SciFactResult | { skipped: string };
  real?: RealTimelinesResult;
  cost?: CostModel;
}

/** Prints the headline table of a run to the console. */
export function printSummary(run: RunResult): void {
  console.log('');
  console.log(headline(run).join('\n'));
  console.log('');
}

function headline(run: RunResult): string[] {
  const f = run.figures ?? {};
  const lines = [`## ${run.sizeLabel} events (${run.size.toLocaleString('en-US')}) — headline`, '', '| figure | ours | baseline | ratio (baseline/ours) | target |', '|---|---|---|---|---|'];
  const row = (...cells: string[]) => lines.push(`| ${cells.join(' | ')} |`);
  const r = run.ratios ?? {};
  if (f.ours && f.fts5) {
    row('warm p50 (all queries)', `${ms(f.ours.overall.p50)} ms`, `FTS5 ${ms(f.fts5.overall.p50)} ms`, x(r.fts5?.overall.p50), '≥ 1 ' + verdict((r.fts5?.overall.p50 ?? 0) >= 1));
    row('warm p99 (all queries)', `${ms(f.ours.overall.p99)} ms`, `FTS5 ${ms(f.fts5.overall.p99)} ms`, x(r.fts5?.overall.p99), '≥ 1 ' + verdict((r.fts5?.overall.p99 ?? 0) >= 1));
    const month = r.fts5?.byRange.month;
    row('warm p50, one-month ranges', `${ms(f.ours.byRange.month?.p50)} ms`, `FTS5 ${ms(f.fts5.byRange.month?.p50)} ms`, x(month?.p50), 'several × ' + verdict((month?.p50 ?? 0) >= 3));
    row('warm p99, one-month ranges', `${ms(f.ours.byRange.month?.p99)} ms`, `FTS5 ${ms(f.fts5.byRange.month?.p99)} ms`, x(month?.p99), '');
  }
  if (f.ours && f.minisearch_single) {
    row('warm p50 vs one MiniSearch', `${ms(f.ours.overall.p50)} ms`, `${ms(f.minisearch_single.overall.p50)} ms`, x(r.minisearch_single?.overall.p50), '');
    row('warm p99 vs one MiniSearch', `${ms(f.ours.overall.p99)} ms`, `${ms(f.minisearch_single.overall.p99)} ms`, x(r.minisearch_single?.overall.p99), '');
  }
  if (f.scan && f.scan.oursP50OnSameQueries !== undefined) {
    const atLeast = f.scan.scanned?.complete === false ? '≥ ' : '';
    row('Scan + contains() p50 (same queries)', `${ms(f.scan.oursP50OnSameQueries)} ms`, `${atLeast}${ms(f.scan.overall.p50)} ms`, atLeast + x(r.scan?.overall.p50), '≥ 1000 ' + verdict((r.scan?.overall.p50 ?? 0) >= 1000));
  }
  const ingest = run.ingest;
  if (ingest?.api) {
    row('ingest events/s (API, 8×1000 in flight)', `${Math.round(ingest.api.eventsPerS)}`, `raw BatchWriteItem ${Math.round(ingest.raw.eventsPerS)}`, `ours/raw ${(ingest.ratio ?? 0).toFixed(2)}${ingest.aloneRatio === undefined ? '' : ` (API alone ${ingest.aloneRatio.toFixed(2)})`}`, '≥ 0.8 ' + verdict((ingest.ratio ?? 0) >= 0.8));
    row('searchable after last ack', `${Math.round(ingest.searchableMs ?? 0)} ms`, '', '', '≤ 2000 ms ' + verdict((ingest.searchableMs ?? Infinity) <= 2000));
  }
  if (run.cold) {
    row('cold one-month search (first request)', `${Math.round(run.cold.monthMedianMs)} ms`, '', '', '< 300 ms ' + verdict(run.cold.monthMedianMs < 300));
    row('cold whole-timeline search', `${Math.round(run.cold.all.firstRequestMs)} ms`, '', '', '');
  }
  if (run.memory) row('heap, every shard loaded', `${mib(run.memory.heapDelta)} (${mib(run.memory.heapPerShard)} a shard × ${run.memory.shards})`, '', '', '');
  if (run.scifact && 'ndcg10' in run.scifact) {
    row('SciFact nDCG@10 (sharded, default ranking)', run.scifact.ndcg10.toFixed(4), `Anserini 0.679 / BEIR 0.665`, '', '> 0.679 ' + verdict(run.scifact.ndcg10 > 0.679));
  }
  return lines;
}

// What the 1M attempts before the first complete run measured, and why they stopped.
const ONE_MILLION_ATTEMPT = [
  '## The 1M run (attempted four times; the third and fourth measured ingest, freshness, cold, memory and warm search)',
  '',
  '`NODE_OPTIONS=--max-old-space-size=12288 npm run bench -- --size 1m --skip-scan`.',
  '',
  'Fourth attempt, at commit 70ac979 (every section but Scan), 2026-11-26 02:14-03:00 UTC. Test runs of mine shared the machine during its raw baseline, so that rate is low. From its log:',
  '',
  '- generating 1,000,000 events 54 s, preparing their items 100 s; raw `BatchWriteItem`: **2,305 items/s** (434 s); through the API with the indexer running: **1,270 events/s** (788 s; ratio 0.55);',
  '- **searchable 259.7 s after the last acknowledgement** (then a whole-timeline search counted all 1,000,000);',
  '- cold one-month search: first request **615, 577, 636 ms** (import 1,557 ms before it); cold whole-timeline search 37.1 s, reading 218.9 MiB; the largest shard (2,109 events, 440 KiB) reads in 63 ms and parses in 26 ms;',
  '- memory: 716 shards, **883.2 MiB of heap** (1.2 MiB a shard), loaded in 57 s;',
  '- warm search through the app, 140 queries x 3 rounds: **p50 5.02 ms, p99 956 ms** (10 searches/s sequential).',
  '',
  'It was stopped in the service-only timing after 11 minutes: the benchmark process had grown to 14.8 GB (12 GB heap limit) and was collecting garbage more than searching. It held the marshalled items, the generated events and their documents, the app\'s copy of the index and a second copy for that timing. The items are now dropped after ingest, and the service\'s copy can be collected before the engine loads its own.',
  '',
  'Third attempt, at commit 63da38a (index in its own table, segment reads 16 at a time, the whole index kept warm with `SEARCH_CACHE_MB=1024`), `--only ingest,cold,warm,memory,fts5,cost`, 2026-11-26 01:05 UTC on a machine otherwise idle (load 1-6 from the run itself). It got through ingest, freshness, cold, memory and warm search; it then spent 15 minutes on the service-only timing, whose `SearchService` had the default 32 MiB cache and so reloaded the whole index for every whole-timeline query; it was stopped there, before it wrote `results.json` (that timing now uses the app\'s cache budget). These figures come from its log:',
  '',
  '- generating 1,000,000 events 38 s, preparing their items 74 s; raw `BatchWriteItem`: **2,930 items/s** (341 s); through the API with the indexer running: **1,258 events/s** (795 s; ratio 0.43);',
  '- **searchable 239.5 s after the last acknowledgement** (the indexer\'s backlog; then a whole-timeline search counted all 1,000,000);',
  '- cold one-month search: first request **681, 732, 621 ms** (target < 300 ms, not met at 1M; not profiled: the likely extra cost over 100k is the manifest, one item of about 200 KB for 717 shards, read and validated before any segment); cold whole-timeline search 37.4 s, reading 219.1 MiB;',
  '- memory: 717 shards, **883.9 MiB of heap** with every shard loaded (1.2 MiB a shard), loaded in 44.5 s;',
  '- warm search through the app, 140 queries x 3 rounds: **p50 3.62 ms, p99 814 ms** (12 searches/s sequential). Whole-timeline queries score and aggregate every match across 717 shards; no FTS5 figure at 1M was reached.',
  '',
  'Second attempt, at commit 58657ea (index in its own table, Streams clients with timeouts), 2026-11-26 00:01-00:33 UTC, load average 6-9, so rates are low (a helper was building the binary segment format on the same cores):',
  '',
  '- raw `BatchWriteItem`: **2,282 items/s** (438 s); through the API with the stream indexer running: **987 events/s** (1,014 s; ratio 0.43);',
  '- the indexer then **drained** within the harness\'s 10-minute limit: the stall of the first attempt did not recur;',
  '- the first whole-timeline search (the check that all 1,000,000 are searchable) answered **503**: it started all of its ~2,000 segment reads at once, they queued on the SDK\'s 50 sockets, and the last ones timed out. Search now reads at most 16 segments at a time (commit 5d2faf0, tested), and a warm instance can be told to keep a bigger index loaded (`SEARCH_CACHE_MB`; the default 32 MiB holds a 100k index, not a 1M one of about 225 MiB). Not re-run at 1M yet.',
  '',
  'First attempt, at commit b4535c3, 2026-11-25 21:54-22:32 UTC, load average 5-11: raw **1,992 items/s**, API **814 events/s** (0.41); then the indexer did not drain within 10 minutes while the machine sat idle: the local poller had stopped making progress. The Streams client then had no socket timeout, so one GetRecords that DynamoDB Local never answered would hold the poller still forever; it now has the same connection and idle timeouts as the table client (tested against a server that never answers). That is the likely cause, not a proven one: the second attempt drained, with the index\'s own writes also gone from the stream.',
];

const ONE_MILLION_EARLIER =
  'The 1M run below is the twelfth attempt and the eighth to complete (with `--only ingest,cold,warm,memory,fts5,minisearch,cost --skip-scan`: SciFact and the real timelines do not depend on the size), the first with ours and FTS5 timed taking turns a round at a time and the warm and cold processes held to the API function\'s heap limits. The eleventh, at 064364f, the first with each segment\'s texts stored apart from its index (a search reads them only for the hits it shows and for phrases): API alone 2,463 and with the indexer 1,819 against raw 2,956 events/s (0.83 and 0.62), searchable 55.2 s after the last acknowledgement, cold one-month 603 ms (532-623 over three processes; 19 `Query` calls, 1.3 MiB), cold whole-timeline 25.0 s (107 MiB), warm p50 / p99 3.95 / 448 ms against FTS5 21.4 / 870 ms, one-month p50 2.38 against 21.6 ms. The tenth, at 604a1de, the first to time the API\'s write path alone as well (no indexer running, on a DynamoDB Local of its own): API alone 2,500 and with the indexer 1,762 against raw 2,982 events/s (0.84 and 0.59), searchable 57.3 s after the last acknowledgement, cold one-month 556 ms (500-647 over three processes; 14 segments, 2.4 MiB), cold whole-timeline 35.4 s (214.5 MiB), warm p50 / p99 3.49 / 345 ms against FTS5 16.4 / 644 ms, one-month p50 1.80 against 15.6 ms. The ninth, at f396425, the first with snippets split by one shared regular expression and segments written with each term\'s postings gathered in one pass: API 1,819 against raw 2,973 events/s (0.61), searchable 48.4 s after the last acknowledgement, cold one-month 502 ms (472-509 over three processes), warm p50 / p99 3.17 / 303 ms against FTS5 16.2 / 702 ms, one-month p50 1.85 against 16.1 ms. The eighth, at acb788f, the first with matches kept per shard as ids and scores (no object per match) and facet values numbered across shards: API 1,716 against raw 3,145 events/s (0.55), searchable 78.4 s after the last acknowledgement, cold one-month 712 ms (598-745 over three processes), warm p50 / p99 3.46 / 394 ms against FTS5 19.4 / 831 ms, one-month p50 1.91 against 19.4 ms. The seventh, at 86ea4cf, the first with FTS5 timed in a process of its own and the API and indexer processes held to the heap limits of their functions (1024 MB each): API 1,943 against raw 3,224 events/s (0.60), searchable 58.8 s after the last acknowledgement, cold one-month 539 ms, warm p50 / p99 3.56 / 664 ms against FTS5 15.1 / 542 ms, one-month p50 1.87 against 14.6 ms; the ingest, freshness and cold figures of the two runs differ by more than their code does (neither changed the write or load path). The sixth, at 3188556 (FTS5 and the API in the benchmark process, no heap limits): API 1,646 against raw 3,176 events/s (0.52), searchable 35.8 s after the last acknowledgement, cold one-month 586 ms, warm p50 / p99 2.98 / 933 ms against FTS5 16.7 / 558 ms, one-month p50 1.53 against 16.7 ms. The fifth, at f14d089, was the first to complete: API 1,348 against raw 2,397 events/s (0.56), searchable 39.3 s after the last acknowledgement, cold one-month 520 ms, warm p50 / p99 5.31 / 1,035 ms against FTS5 25.9 / 965 ms (timed in the benchmark process, whose heap held several GB), one-month p50 2.90 against 26.0 ms; its freshness check reported the last event as not found, a harness bug fixed since (that day held more than a page of events), while a whole-timeline search counted all 1,000,000. The first stalled in the local stream poller (its Streams client had no socket timeout; it has now), the second answered 503 on its first whole-timeline search (about 2,000 segment reads started at once; search now reads 16 at a time), the third was stopped in a service-only timing that reloaded the whole index per query, the fourth in the same timing when the benchmark process thrashed at 14.8 GB (it held the marshalled items and three copies of the index; fixed). What each measured before it stopped is kept in bench/report.ts (ONE_MILLION_ATTEMPT).';

/** The whole RESULTS.md: machine, versions, how to reproduce, and every figure of every size run. */
export function renderMarkdown(merged: { runs: Record<string, RunResult> }): string {
  const order = ['100k', '1m', '10k'].filter((label) => merged.runs[label]);
  const first = merged.runs[order[0]!]!;
  const out: string[] = [];
  const p = (...lines: string[]) => out.push(...lines);
  p('# Benchmark results', '');
  p('Written by `npm run bench` (bench/run.ts); every figure of a size comes from one run on one machine, same data and queries for every engine.', '');
  p('## How to reproduce', '');
  p('```sh', 'npm ci                               # builds better-sqlite3 from source (allowScripts)', 'npm run bench -- --size 100k          # under 10 minutes on 2 cores', 'npm run bench -- --size 10k           # ~1-2 minutes', 'npm run bench -- --size 1m --skip-scan', 'npm run bench -- --size 100k --only scifact   # one section (ingest is added when a section needs the data)', '```', '');
  p('Needs Java 17+ (DynamoDB Local). SciFact and the real timelines are read from `../shared/data/` when present, never copied. The 1M run needs a larger Node heap: `NODE_OPTIONS=--max-old-space-size=12288 npm run bench -- --size 1m --skip-scan`.', '');
  if (!merged.runs['1m']) p(...ONE_MILLION_ATTEMPT, '');
  else p(ONE_MILLION_EARLIER, '');
  p('## Runs', '', '| size | date | machine | Node | elapsed | load average (1 min) start / mean / max |', '|---|---|---|---|---|---|');
  for (const label of order) {
    const run = merged.runs[label]!;
    const load = run.machine.load;
    p(`| ${label} | ${run.date.slice(0, 16).replace('T', ' ')} UTC | ${run.machine.cpu}, ${run.machine.cores} cores, ${run.machine.memoryGiB} GiB | ${run.machine.node} | ${Math.round(run.elapsedS ?? 0)} s | ${load ? `${load.start.toFixed(1)} / ${load.mean.toFixed(1)} / ${load.max.toFixed(1)}` : '–'} |`);
  }
  p('', 'The machine is shared: other sessions ran tests, DynamoDB Locals and browsers during these runs (load averages above; 2 would mean both cores busy). Every engine was timed under the same conditions, interleaved round-robin, but absolute times are inflated by it, the DynamoDB round trips most.', '');
  p(`Versions: ${Object.entries(first.versions).map(([name, version]) => `${name} ${version}`).join(', ')}.`, '');
  if (first.workload) {
    const w = first.workload;
    p(
      '## Workload',
      '',
      `Generated, seed ${first.seed}: news-like sentences from templates, a vocabulary of ${w.vocabulary.toLocaleString('en-US')} words (real news words at the head, pronounceable pseudo-words in a Zipf long tail; ${w.distinctWords.toLocaleString('en-US')} distinct words occur at ${first.sizeLabel}), ${w.avgTextWords.toFixed(1)} words of text on average, tags/places/people from lists; dates 80% in 2000-2025 (denser towards today), 10% 1800-1999, 6% AD 0-1799, 4% back to 1000 BC; older events more often known only to the month or year; 3% spans. Posted in date order, as a timeline export is.`,
      '',
      `Queries: ${w.queries} = ${w.queries / 4} queries x 4 ranges (all, the year, the month and the day of a document the words were drawn from, so every narrow range has a hit). Kinds: one common word, one rare word, two common words, common + rare, three words, a two-word phrase, a 4-letter prefix. AND semantics, top 10 plus the exact count. One-month examples:`,
      '',
      ...w.queryExamples.slice(0, 35).map((example) => `- \`${example}\``),
      '',
    );
  }
  for (const label of order) p(...runSection(merged.runs[label]!));
  return `${out.join('\n')}\n`;
}

function runSection(run: RunResult): string[] {
  const out: string[] = [];
  const p = (...lines: string[]) => out.push(...lines);
  p(`# ${run.sizeLabel}: ${run.size.toLocaleString('en-US')} events`, '', `\`${run.command}\`, ${run.date}, ${Math.round(run.elapsedS ?? 0)} s${run.git ? `, commit ${run.git.commit}${run.git.dirty.length ? ` with uncommitted changes to ${run.git.dirty.map((line) => line.slice(3)).join(', ')}` : ''}` : ''}.`, '');
  p(...headline(run).slice(2), '');
  if (run.notes?.length) p('Notes on this run:', '', ...run.notes.map((note) => `- ${note}`), '');
  if (run.errors?.length) p('Sections that failed in this run:', '', ...run.errors.map((error) => `- \`${error.split('\n')[0]}\``), '');
  const found = findings(run);
  if (found.length) p('## Where we win, where we lose, and why', '', ...found.map((line) => `- ${line}`), '');
  const f = run.figures ?? {};

  if (run.ingest?.api) {
    const i = run.ingest;
    const api = i.api!;
    p('## Ingest', '');
    p('| path | events/s | time | requests | request p50 / p99 |', '|---|---|---|---|---|');
    const how = i.cpuMs?.api.client !== undefined ? 'over HTTP to the API in its own process' : 'through app.request in the benchmark process';
    p(`| API: POST 1,000 a request, 8 in flight, ${how} (validation, current versions, date buckets, BatchWriteItem 25 x 8) | ${Math.round(api.eventsPerS)} | ${(api.ms / 1000).toFixed(1)} s | ${api.requests} | ${ms(api.requestMs.p50)} / ${ms(api.requestMs.p99)} ms |`);
    if (i.apiAlone) {
      const alone = i.apiAlone;
      p(`| the same API alone: no indexer running, on a DynamoDB Local of its own | ${Math.round(alone.eventsPerS)} | ${(alone.ms / 1000).toFixed(1)} s | ${alone.requests} | ${ms(alone.requestMs.p50)} / ${ms(alone.requestMs.p99)} ms |`);
    }
    p(`| raw BatchWriteItem of the same items, 25 a request, 8 in flight, stream-enabled table on a separate DynamoDB Local | ${Math.round(i.raw.eventsPerS)} | ${(i.raw.ms / 1000).toFixed(1)} s | ${i.raw.requests} | ${ms(i.raw.requestMs.p50)} / ${ms(i.raw.requestMs.p99)} ms |`);
    p('', `Ratio ours/raw: **${(i.ratio ?? 0).toFixed(2)}** (target ≥ 0.8)${aloneText(i)}. The indexer ran in its own process during the ingest (as the stream Lambda runs apart from the API), on the same 2 cores as DynamoDB Local and the API.${i.lambdaMemoryMb ? ` The API and indexer processes ran with the heap limits Lambda's Node.js runtime gives their functions (${i.lambdaMemoryMb.api} MB: \`${lambdaHeapFlags(i.lambdaMemoryMb.api).join(' ')}\`; ${i.lambdaMemoryMb.indexer} MB: \`${lambdaHeapFlags(i.lambdaMemoryMb.indexer).join(' ')}\`).` : ''}`, '');
    p(`Searchable: the indexer drained **${Math.round(i.drainMs ?? 0)} ms** after the last acknowledgement; the last event was found by a search **${Math.round(i.searchableMs ?? 0)} ms** after it (target ≤ 2,000 ms). A search then counted ${i.verifiedTotal?.toLocaleString('en-US')} events, all of them.`, '');
    if (i.indexer) {
      const w = totalOf(i.indexer.meter);
      p(`Indexer: ${i.indexer.invocations} handler calls for ${i.indexer.records.toLocaleString('en-US')} records, ${(i.indexer.busyMs / 1000).toFixed(1)} s busy; wrote ${mib(w.itemBytesWritten)} of shard chunks (${Math.round(i.indexBytesWrittenPerEvent ?? 0).toLocaleString('en-US')} bytes an event, ${(i.indexWcuPerEvent ?? 0).toFixed(2)} WCU an event incl. deletes of replaced chunks) against ${(i.apiWcuPerEvent ?? 0).toFixed(2)} WCU an event for the event item and its date-index copy.${i.indexer.peakRssBytes && i.lambdaMemoryMb ? ` The indexer process peaked at ${mib(i.indexer.peakRssBytes)} resident (the tsx loader and modules included, about 110 MiB at rest), against the ${i.lambdaMemoryMb.indexer} MB of the indexer function.` : ''}`, '');
    }
    if (i.cpuMs) {
      const { raw, api } = i.cpuMs;
      const thousands = i.api!.events / 1000;
      const cell = (value?: number) => (value === undefined ? 'n/a' : seconds(value));
      const total = (...values: (number | undefined)[]) => values.reduce<number>((sum, value) => sum + (value ?? 0), 0);
      const perK = (value: number) => `${Math.round(value / thousands)} ms`;
      p('CPU time of each process (2 cores: at most 2 s a second):', '');
      const apiApart = api.client !== undefined;
      p('| path | DynamoDB Local | benchmark process (client) | API process | indexer process | total | CPU a 1,000 events |', '|---|---|---|---|---|---|---|');
      p(`| raw BatchWriteItem | ${cell(raw.engine)} | ${cell(raw.client)} | | | ${cell(total(raw.engine, raw.client))} | ${perK(total(raw.engine, raw.client))} |`);
      p(`| API, first POST to drained | ${cell(api.engine)} | ${apiApart ? cell(api.client) : `${cell(api.app)} (client and app)`} | ${apiApart ? cell(api.app) : ''} | ${cell(api.indexer)} | ${cell(total(api.engine, api.client, api.app, api.indexer))} | ${perK(total(api.engine, api.client, api.app, api.indexer))} |`, '');
    }
    if (i.shards) p(`Index: ${i.shards.count} shards, ${Math.round(i.shards.avgDocs)} events and ${mib(i.shards.avgCompressedBytes)} gzip on average, ${mib(i.shards.totalCompressedBytes)} in all.`, '');
  }

  if (run.cold) {
    const c = run.cold;
    p('## Cold search (fresh Node process, `node --import tsx bench/cold-child.ts`)', '');
    p('| range | first request | same request again | import (tsx) | createApp | DynamoDB reads (first request) | heap after |', '|---|---|---|---|---|---|---|');
    for (const [name, result] of [...c.month.map((m, k) => [`one month, run ${k + 1}`, m] as const), ['whole timeline', c.all] as const]) {
      p(`| ${name} | **${Math.round(result.firstRequestMs)} ms** | ${ms(result.secondRequestMs)} ms | ${Math.round(result.importMs)} ms | ${ms(result.createAppMs)} ms | ${reads(result.reads)} | ${mib(result.heapAfter)} |`);
    }
    p('', `Query: \`${c.query}\`. Import time is tsx transpiling TypeScript on the fly plus loading the SDK, zod and Hono; a bundled Lambda imports one file.`, '');
  }
  if (run.shardCodec) {
    const s = run.shardCodec;
    p(
      `Where a shard load goes (the largest segment: ${s.docs.toLocaleString('en-US')} events, ${mib(s.compressedBytes)} stored${s.jsonBytes ? `, ${mib(s.jsonBytes)} JSON` : ''}; median of 3, in the benchmark process): DynamoDB Query of its ${s.textsReadMs === undefined ? 'chunks' : 'index'} ${ms(s.readMs)} ms${textsText(s)}, ${decodeSteps(s)}, \`ShardReader.fromData\` ${ms(s.readerMs)} ms. A rewrite by the indexer: \`ShardWriter.from\` ${ms(s.loadWriterMs)} ms (when not cached), \`toData\` ${ms(s.toDataMs)} ms, serializeShard ${ms(s.serializeMs)} ms.`,
      '',
    );
  }
  if (run.memory) {
    const m = run.memory;
    p('## Memory', '', `Every shard loaded (fresh process, unbounded cache, heap after \`gc()\`): **${mib(m.heapDelta)}** of heap for ${m.docs.toLocaleString('en-US')} events in ${m.shards} shards = **${mib(m.heapPerShard)} a shard** (${Math.round(m.heapDelta / m.docs)} bytes an event), from ${mib(m.compressedBytes)} of gzip (${(m.heapDelta / m.compressedBytes).toFixed(1)}x)${unreadTexts(m)}. Loading all took ${Math.round(m.loadMs)} ms.`, '');
  }

  if (f.ours) {
    p('## Warm search', '');
    if (run.warmInOwnProcess) p('Ours, the service alone and the engine alone are timed in a process of their own that holds only the app and its index, as a warm Lambda does (`bench/warm-child.ts`' + (run.warmHeapFlags?.length ? `, run with \`${run.warmHeapFlags.join(' ')}\`` : '') + '): the benchmark process also holds the generated events and their documents, for the baselines. ' + warmUpText(run.warmUp) + fts5ProcessText(f.fts5), '');
    const engines = (['ours', 'service', 'engine', 'fts5', 'minisearch_single'] as const).filter((name) => f[name]);
    const names: Record<string, string> = { ours: 'ours (app.request)', service: 'SearchService.search', engine: 'engine only', fts5: 'SQLite FTS5', minisearch_single: 'one MiniSearch' };
    p('p50 / p99 in ms by range:', '');
    p(`| range | ${engines.map((name) => names[name]).join(' | ')} |`, `|---|${engines.map(() => '---').join('|')}|`);
    for (const range of ['all', 'year', 'month', 'day']) p(`| ${range} | ${engines.map((name) => pair(f[name]!.byRange[range])).join(' | ')} |`);
    p(`| **overall** | ${engines.map((name) => `**${pair(f[name]!.overall)}**`).join(' | ')} |`, '');
    p('By query kind:', '');
    p(`| kind | ${engines.map((name) => names[name]).join(' | ')} |`, `|---|${engines.map(() => '---').join('|')}|`);
    for (const kind of Object.keys(f.ours.byKind)) p(`| ${kind} | ${engines.map((name) => pair(f[name]!.byKind[kind])).join(' | ')} |`);
    p('', `p95 overall: ${engines.map((name) => `${names[name]} ${ms(f[name]!.overall.p95)} ms`).join(', ')}.`, '');
    p(`Throughput, sequential on one Node thread through app.request: **${Math.round(f.ours.throughputPerS)} searches/s** (DynamoDB Local answers the manifest read on the other core). ${f.fts5 ? `FTS5: ${Math.round(f.fts5.throughputPerS)}/s.` : ''}`, '');
    if (run.breakdown) {
      p(`Where our time goes: a manifest \`GetItem\` takes ${ms(run.breakdown.manifestGetItem.p50)} ms p50 / ${ms(run.breakdown.manifestGetItem.p99)} ms p99 against DynamoDB Local (the service reads it when its cached copy is older than its TTL); SearchService.search (manifest check + engine + facets, histogram, snippets, no HTTP) ${pair(f.service?.overall)} ms; the engine alone (parse, plan, prune shards, match, score, top 10; what FTS5 is asked to do) ${pair(f.engine?.overall)} ms.`, '');
    }
    if (f.ours.readsPerSearch) p(`DynamoDB per warm search: ${f.ours.readsPerSearch.requests.toFixed(2)} requests, ${Math.round(f.ours.readsPerSearch.bytes)} bytes, ${f.ours.readsPerSearch.rcu.toFixed(2)} RCU.`, '');
    if (run.ratios) {
      p('Ratios, baseline time / our time (> 1: we are faster):', '');
      p('| baseline | overall p50 | overall p99 | all p50/p99 | year p50/p99 | month p50/p99 | day p50/p99 |', '|---|---|---|---|---|---|---|');
      for (const [name, ratio] of Object.entries(run.ratios)) {
        if (!ratio) continue;
        const label = name === 'engine' ? 'our engine alone (shows the cost of the API around it)' : name;
        p(`| ${label} | ${x(ratio.overall.p50)} | ${x(ratio.overall.p99)} | ${['all', 'year', 'month', 'day'].map((range) => (ratio.byRange[range] ? `${x(ratio.byRange[range]!.p50)} / ${x(ratio.byRange[range]!.p99)}` : '–')).join(' | ')} |`);
      }
      p('');
    }
    if (f.fts5?.buildMs !== undefined) p(`FTS5 built in ${(f.fts5.buildMs / 1000).toFixed(1)} s (in memory). One MiniSearch built in ${((f.minisearch_single?.buildMs ?? 0) / 1000).toFixed(1)} s, ~${mib(f.minisearch_single?.heapBytes ?? 0)} of heap.`, '');
    if (run.agreement) {
      p(`Exact totals equal to ours: ${Object.entries(run.agreement.totalsEqual).map(([name, value]) => `${name} ${value}`).join(', ')} (our totals: median ${run.agreement.oursTotals.median}, max ${run.agreement.oursTotals.max}). Differences: the FTS5 table indexes title and text only (as specified), ours also tags, places and people ("fatima" is a person's name, "war" a tag); FTS5 keeps stop words; MiniSearch has no phrase search (a phrase is an AND of its words there).`, '');
      if (run.agreement.differences.length) p('<details><summary>first differences</summary>', '', ...run.agreement.differences.map((line) => `- ${line}`), '', '</details>', '');
    }
    if (f.scan) {
      p('## DynamoDB Scan + contains()', '');
      p('| query | ms | matches |', '|---|---|---|');
      for (const [label, summary] of Object.entries(f.scan.byCase)) p(`| \`${label}\` | ${Math.round(summary.p50)} | ${f.scan.totals?.[label] ?? ''} |`);
      const budget = f.scan.scanned?.complete === false
        ? ` The query used up its one-minute budget after ${f.scan.scanned.items.toLocaleString('en-US')} of ${run.size.toLocaleString('en-US')} items (${f.scan.scanned.pages} pages), so its time is a lower bound: a whole Scan took 233-297 s here in earlier runs.`
        : '';
      p('', `Each Scan reads every item of the table (pages of up to 1 MB) whatever the range.${budget} The meter sees only what DynamoDB Local returns and charges (${mib(f.scan.readsPerSearch?.bytes ?? 0)}, ${Math.round(f.scan.readsPerSearch?.rcu ?? 0)} RCU), not the bytes it scanned. DynamoDB Local's Scan of this table is slow, and slower per item the bigger the table: 2.6 s a query at 10k events; at 100k a whole Scan took 233-297 s and the first minute covered about 12,000 items. AWS scans at a steady rate (about 1.8 s at 100k by the issue's measurement); every figure here is ≥ 1,000x either way. Our p50 on the same queries: ${ms(f.scan.oursP50OnSameQueries)} ms.`, '');
    }
  }

  if (run.scifact) p(...sciFactSection(run.scifact));
  if (run.real) p(...realSection(run.real));
  if (run.trickle || run.cost) p(...costSection(run));
  return out;
}

/** Plain-language findings computed from the figures (the diagnosis behind each loss comes from profiling; see the sections below). */
export function findings(run: RunResult): string[] {
  const out: string[] = [];
  const f = run.figures ?? {};
  const r = run.ratios ?? {};
  const ours = f.ours;
  const fts5 = f.fts5;
  if (ours && fts5 && r.fts5) {
    const engine = f.engine;
    const manifest = run.breakdown?.manifestGetItem;
    const win = r.fts5.overall.p50 >= 1;
    out.push(
      `Warm p50 through the API: ours ${ms(ours.overall.p50)} ms vs FTS5 ${ms(fts5.overall.p50)} ms (${x(r.fts5.overall.p50)}): ${win ? 'we win' : 'we lose'}. ` +
        (win
          ? ''
          : `FTS5 answers in-process from one B-tree; ours goes through Hono and zod, checks the manifest (a DynamoDB GetItem of ${ms(manifest?.p50)} ms p50 here whenever the service's cached copy has expired), and computes facets, a histogram and snippets over all matches besides the top 10. `) +
        (engine ? `Our engine alone (parse, plan, prune, match, score, top 10, the work FTS5 does) is ${ms(engine.overall.p50)} ms p50 / ${ms(engine.overall.p99)} ms p99 against FTS5's ${ms(fts5.overall.p50)} / ${ms(fts5.overall.p99)} ms (${x(fts5.overall.p50 / engine.overall.p50)} / ${x(fts5.overall.p99 / engine.overall.p99)}).` : ''),
    );
    const worst = Object.entries(f.engine?.byKind ?? ours.byKind)
      .map(([kind, summary]) => ({ kind, ratio: (fts5.byKind[kind]?.p99 ?? 0) / summary.p99, ours: summary.p99, fts: fts5.byKind[kind]?.p99 ?? 0 }))
      .sort((a, b) => a.ratio - b.ratio)
      .slice(0, 3);
    out.push(
      `Warm p99: ours ${ms(ours.overall.p99)} ms vs FTS5 ${ms(fts5.overall.p99)} ms (${x(r.fts5.overall.p99)}): ${r.fts5.overall.p99 >= 1 ? 'we win' : 'we lose'}. The engine's worst kinds against FTS5 (p99): ${worst.map((w) => `${w.kind} ${ms(w.ours)} vs ${ms(w.fts)} ms`).join(', ')}. ` +
        'Causes (from profiling): a whole-timeline query looks each word up in every shard and sums statistics over all of them, where FTS5 makes one B-tree lookup; a phrase checks word order in each candidate\'s word sequence; and a common word or a short prefix matches tens of thousands of events, each scored and counted into the facets and the histogram (FTS5 is asked for the top 10 and a count, nothing more; a 4-letter prefix expands to hundreds of terms in each shard).',
    );
    const month = r.fts5.byRange.month;
    if (month) {
      const service = f.service?.byRange.month;
      out.push(
        `One-month ranges: ours ${pair(ours.byRange.month)} ms vs FTS5 ${pair(fts5.byRange.month)} ms (${x(month.p50)} at p50; target several times faster). The month prunes to the shards overlapping it and walks their date index, but FTS5 evaluates the words first and probes dates by rowid, so a narrow range costs it no more than the words do; and our fixed cost per request is of the order of FTS5's whole answer` +
          (service ? `: the service answers in ${ms(service.p50)} ms p50 (the engine's part ${ms(f.engine?.byRange.month?.p50)} ms, then facets, histogram and snippets)${httpShare(ours.byRange.month!.p50 - service.p50)}.` : '.'),
      );
    }
  }
  if (f.scan?.oursP50OnSameQueries !== undefined && r.scan) {
    out.push(`Scan + contains(): ${f.scan.scanned?.complete === false ? '≥ ' : ''}${ms(f.scan.overall.p50)} ms a query vs ours ${ms(f.scan.oursP50OnSameQueries)} ms on the same queries: ${f.scan.scanned?.complete === false ? "≥ " : ""}${x(r.scan.overall.p50)} (target ≥ 1,000x${r.scan.overall.p50 >= 1000 ? ', met' : ', not met'}); a Scan reads the whole table whatever the range.`);
  }
  const ingest = run.ingest;
  if (ingest?.api && ingest.indexer) {
    const rate = ingest.indexer.records / (ingest.indexer.busyMs / 1000);
    out.push(
      `Ingest: ${Math.round(ingest.api.eventsPerS)} events/s through the API vs ${Math.round(ingest.raw.eventsPerS)} items/s raw (${(ingest.ratio ?? 0).toFixed(2)}; target ≥ 0.8${(ingest.ratio ?? 0) >= 0.8 ? ', met' : ', not met: the stream indexer ran at the same time on the same two cores and the same DynamoDB Local, reading the stream and writing segments (to the index table, which has no stream), while the raw baseline ran alone on a DynamoDB Local of its own; in AWS neither would share the API\'s compute'}${cpuShares(ingest)}${aloneText(ingest)}).`,
      `Searchable ${Math.round(ingest.searchableMs ?? 0)} ms after the last acknowledgement (target ≤ 2,000 ms${(ingest.searchableMs ?? Infinity) <= 2000 ? ', met' : ', not met'}): the indexer handled ${Math.round(rate)} events per busy second, ${ingest.indexer.invocations} calls for ${ingest.indexer.records.toLocaleString('en-US')} records. Each call writes only the batch's events: a delta segment beside a shard's base, or, for events past the last date of a full shard (an import in date order), a new shard, so the shards written before are not rewritten; deltas are merged as they add up${ingest.indexBytesWrittenPerEvent ? ` (${Math.round(ingest.indexBytesWrittenPerEvent).toLocaleString('en-US')} bytes of segments written an event in this run)` : ''}.`,
    );
  }
  if (run.cold) {
    const queries = run.cold.month[0] ? run.cold.month[0].reads.Query?.requests ?? 0 : 0;
    out.push(
      `Cold one-month search: ${Math.round(run.cold.monthMedianMs)} ms for the first request (target < 300 ms${run.cold.monthMedianMs < 300 ? ', met' : ', not met'}); ${coldReadsText(queries, run.cold.month[0]!.reads.Query?.itemBytesRead ?? 0, run.shardCodec)}.${run.shardCodec ? ` For the largest segment: DynamoDB read ${ms(run.shardCodec.readMs)} ms${textsText(run.shardCodec)}, ${decodeSteps(run.shardCodec)}, ShardReader.fromData ${ms(run.shardCodec.readerMs)} ms.` : ''} The process also spends ${Math.round(run.cold.month[0]!.importMs)} ms importing modules through tsx before that.`,
    );
  }
  if (run.memory) out.push(`Memory: ${mib(run.memory.heapPerShard)} of heap a shard, ${Math.round(run.memory.heapDelta / run.memory.docs).toLocaleString('en-US')} bytes an event (${(run.memory.heapDelta / run.memory.compressedBytes).toFixed(0)}x the gzip bytes): the ShardCache budget of 32 MiB compressed is about ${mib(32 * 1024 * 1024 * (run.memory.heapDelta / run.memory.compressedBytes))} of heap.`);
  if (run.scifact && 'ndcg10' in run.scifact) {
    const s = run.scifact;
    const best = s.grid.reduce((a, b) => (b.ndcg10 > a.ndcg10 ? b : a));
    out.push(
      `SciFact nDCG@10 ${s.ndcg10.toFixed(4)} with the default ranking (target > 0.679${s.ndcg10 > 0.679 ? ', met' : ', not met'}); one unsharded MiniSearch ${s.minisearchSingle.toFixed(4)}; MiniSearch's formula through our shards ${s.engineMiniSearchRanking.toFixed(4)}. Best grid cell ${best.ndcg10.toFixed(4)} (${best.model}, k ${best.k}, b ${best.b}, d ${best.d}, title boost ${best.titleBoost}); best with title boost 2 minus best with title boost 1: ${(Math.max(...s.grid.filter((g) => g.titleBoost === 2).map((g) => g.ndcg10)) - Math.max(...s.grid.filter((g) => g.titleBoost === 1).map((g) => g.ndcg10))).toFixed(4)}. Sharding does not change ranking (statistics summed over shards).`,
    );
  }
  return out;
}

function sciFactSection(s: SciFactResult | { skipped: string }): string[] {
  if ('skipped' in s) return ['## Ranking quality: BEIR SciFact', '', `Skipped: ${s.skipped}`, ''];
  const out = ['## Ranking quality: BEIR SciFact (nDCG@10, 300 test queries)', ''];
  out.push(
    `${s.docs.toLocaleString('en-US')} abstracts (title + text) indexed through our sharded index (\`SearchIndexer.rebuild\`, maxShardDocs ${s.maxShardDocs}: **${s.shards} shards** by synthetic dates one day apart), searched with \`SearchService.search\`, the query's words joined with \` OR \`, limit 10. ${s.truncatedQueries} of ${s.queries} queries had more than ${s.maxTerms} distinct words and were cut to ${s.maxTerms}. nDCG@10 with gain = relevance grade, discount log2(rank + 1), ideal from the qrels.`,
    '',
    '| system | nDCG@10 |',
    '|---|---|',
    `| **ours, sharded, default ranking (${s.defaultRanking.model}, k ${s.defaultRanking.k}, b ${s.defaultRanking.b}, d ${s.defaultRanking.d}, title boost ${s.defaultRanking.titleBoost})** | **${s.ndcg10.toFixed(4)}** |`,
    `| ours, sharded, MiniSearch's formula (MINISEARCH_RANKING) | ${s.engineMiniSearchRanking.toFixed(4)} |`,
    `| ours, engine over the same shards, default ranking (check: top 10 identical to the service for ${s.engineMatchesService}) | ${s.engineDefault.toFixed(4)} |`,
    `| one unsharded MiniSearch, OR, MiniSearch defaults (no boost) | ${s.minisearchSingle.toFixed(4)} |`,
    `| one unsharded MiniSearch, OR, title boost ${s.defaultRanking.titleBoost} | ${s.minisearchSingleBoosted.toFixed(4)} |`,
    '| published: Anserini BM25 single field (flat) | 0.6789 |',
    '| published: BEIR Elasticsearch BM25 / Anserini multifield | 0.665 / 0.6647 |',
    '',
    `Search latency on SciFact through SearchService (OR of up to ${s.maxTerms} words over ${s.docs} long abstracts): p50 ${ms(s.latency.p50)} ms, p99 ${ms(s.latency.p99)} ms.`,
    '',
    `BM25 grid on the engine's formula (sharded statistics; each query's matches re-scored per setting, which reproduces the engine's own top 10 at the default for ${s.rescoreMatchesEngine} queries). Tuned on nothing but SciFact's test queries, so the best cell overfits them: read it as sensitivity, not as a held-out score:`,
    '',
    '| model | k | b | d | title boost | nDCG@10 |',
    '|---|---|---|---|---|---|',
    ...[...s.grid].sort((a, b) => b.ndcg10 - a.ndcg10).map((g) => `| ${g.model} | ${g.k} | ${g.b} | ${g.d} | ${g.titleBoost} | ${g.ndcg10.toFixed(4)}${g.isDefault ? ' (default)' : ''} |`),
    '',
  );
  return out;
}

function realSection(real: RealTimelinesResult): string[] {
  const out = ['## Real timelines', ''];
  if (real.skipped.length) out.push(...real.skipped.map((line) => `- skipped: ${line}`), '');
  for (const t of real.timelines) {
    out.push(`### ${t.name}: ${t.events.toLocaleString('en-US')} events (${t.first} to ${t.last})`, '');
    out.push(`${t.description}`, '');
    out.push(`Indexed with \`SearchIndexer.rebuild\` (the reindex path) in ${(t.indexMs / 1000).toFixed(1)} s into ${t.shards} shards; searched through app.request. ${t.queries} queries (${t.queries / 4} x 4 ranges) drawn from its own vocabulary and dates.`, '');
    out.push('| range | ours p50 / p99 | FTS5 p50 / p99 | ratio p50 / p99 |', '|---|---|---|---|');
    for (const range of ['all', 'year', 'month', 'day', 'overall']) {
      const o = range === 'overall' ? t.ours.overall : t.ours.byRange[range];
      const f = range === 'overall' ? t.fts5.overall : t.fts5.byRange[range];
      if (!o || !f) continue;
      out.push(`| ${range} | ${pair(o)} | ${pair(f)} | ${x(f.p50 / o.p50)} / ${x(f.p99 / o.p99)} |`);
    }
    out.push('', `Exact totals equal to FTS5 on ${t.totalsEqual}. Examples: ${t.examples.map((example) => `\`${example}\``).join(', ')}.`, '');
  }
  return out;
}

function costSection(run: RunResult): string[] {
  const out = ['## Cost model (AWS us-east-1, on-demand)', ''];
  const t = run.trickle;
  if (t) {
    out.push(
      `Single-event writes (one POST, then the indexer, ${t.events} times on a loaded timeline): API request ${ms(t.apiMs.p50)} ms p50; the indexer's segment writes, merges and rewrites for them came to ${mib(t.indexBytesPerEvent)} of chunks written an event, ${t.indexWcuPerEvent.toFixed(1)} WCU (chunk writes and deletes; the manifest update is counted by its request), ${ms(t.indexerMsPerEvent)} ms of handler time.`,
      '',
    );
  }
  const c = run.cost;
  if (!c) return out;
  out.push(`Prices (${c.pricesAsOf}): ${c.prices.map((price) => `${price.item} ${price.price}`).join('; ')}.`, '');
  out.push('| scenario | Lambda | DynamoDB | API Gateway | total a month |', '|---|---|---|---|---|');
  for (const line of c.lines) out.push(`| ${line.scenario} | $${line.lambda.toFixed(2)} | $${line.dynamodb.toFixed(2)} | $${line.apiGateway.toFixed(2)} | **$${line.total.toFixed(2)}** |`);
  out.push('', ...c.notes.map((note) => `- ${note}`), '');
  return out;
}

function reads(snapshot: MeterSnapshot): string {
  const parts = Object.entries(snapshot)
    .filter(([, tally]) => tally.requests > 0)
    .map(([command, tally]) => `${command} ${tally.requests}× / ${tally.itemsRead} items / ${mib(tally.itemBytesRead)}`);
  return parts.join('; ') || 'none';
}

function pair(summary: Summary | undefined): string {
  return summary ? `${ms(summary.p50)} / ${ms(summary.p99)}` : '–';
}

function x(ratio: number | undefined): string {
  // NaN comes back from results.json as null.
  if (ratio == null || Number.isNaN(ratio)) return '–';
  return ratio >= 100 ? `${Math.round(ratio).toLocaleString('en-US')}x` : `${ratio.toFixed(2)}x`;
}

function mib(bytes: number): string {
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${Math.round(bytes)} B`;
}

function verdict(ok: boolean): string {
  return ok ? '✅' : '❌';
}

/** The API alone against raw, as a clause: what the write path costs before the indexer shares the cores. */
function aloneText(ingest: NonNullable<RunResult['ingest']>): string {
  const alone = ingest.apiAlone;
  if (!alone || ingest.aloneRatio === undefined) return '';
  const raw = ingest.cpuMs?.raw;
  const work =
    alone.cpuMs.engine !== undefined && raw?.engine !== undefined
      ? ` (CPU: DynamoDB Local ${seconds(alone.cpuMs.engine)}, the API process ${seconds(alone.cpuMs.app)}), while the raw write alone already kept ${((raw.engine + raw.client) / ingest.raw.ms).toFixed(2)} of the 2 cores busy`
      : '';
  return `; with no indexer running, the API alone took ${Math.round(alone.eventsPerS)} events/s, ${ingest.aloneRatio.toFixed(2)} of raw${work}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Where the ingest's CPU went, as a clause of the ingest finding. */
function cpuShares(ingest: NonNullable<RunResult['ingest']>): string {
  const cpu = ingest.cpuMs;
  if (!cpu || cpu.raw.engine === undefined || cpu.api.engine === undefined) return '';
  const raw = cpu.raw.engine + cpu.raw.client;
  const api = cpu.api.engine + (cpu.api.client ?? 0) + cpu.api.app + cpu.api.indexer;
  const app = cpu.api.client === undefined ? `the app and its client ${seconds(cpu.api.app)}` : `the client ${seconds(cpu.api.client)}, the API process ${seconds(cpu.api.app)}`;
  return `. In CPU time the raw write took ${seconds(raw)} (DynamoDB Local ${seconds(cpu.raw.engine)}, client ${seconds(cpu.raw.client)}), and the API from its first POST until every event was indexed ${seconds(api)} (DynamoDB Local ${seconds(cpu.api.engine)}, ${app}, the indexer process ${seconds(cpu.api.indexer)}): ${(api / raw).toFixed(2)}x the work on the same two cores`;
}

// Runs before texts were stored apart read every segment whole.
function unreadTexts(memory: MemoryResult): string {
  const unread = memory.compressedBytes - (memory.reads.Query?.itemBytesRead ?? memory.compressedBytes);
  return unread > memory.compressedBytes * 0.05 ? `, of which ${mib(unread)} are texts not read (only hits and phrase checks read them; the cache budgets a segment at its whole size all the same)` : '';
}

// Runs before texts were stored apart read each segment whole, in one Query.
function coldReadsText(queries: number, bytes: number, codec: ShardCodecResult | undefined): string {
  const shards = 'those covering it, the one holding 1 January of its year (year-precision events start then and end on 31 December), and the long-span lane';
  if (codec?.textsReadMs === undefined) return `it read ${queries} segment(s) (${mib(bytes)}) of the shards the month overlaps: ${shards}`;
  return `it made ${queries} Query calls (${mib(bytes)}): the index of every segment of the shards the month overlaps (${shards}), and the texts of the segments holding the hits shown`;
}

function textsText(codec: ShardCodecResult): string {
  return codec.textsReadMs === undefined ? '' : ` (${mib(codec.indexBytes ?? 0)}; its texts, ${mib(codec.compressedBytes - (codec.indexBytes ?? 0))}, ${ms(codec.textsReadMs)} ms more when a hit or phrase needs them)`;
}

// Runs before the binary segment format timed gunzip and JSON.parse apart; parseShard now does both.
function decodeSteps(codec: ShardCodecResult): string {
  return codec.gunzipMs === undefined ? `parseShard ${ms(codec.parseMs)} ms` : `gunzip ${ms(codec.gunzipMs)} ms, JSON.parse ${ms(codec.parseMs)} ms`;
}

function warmUpText(warmUp: RunResult['warmUp']): string {
  if (!warmUp) return 'Each query runs three times through the app before it is timed there (once before the service and engine timings).';
  return `Before it is timed, the app answers every query ${warmUp.passes + 1} times, for ${(warmUp.ms / 1000).toFixed(0)} s, so that timing starts from the steady state of a Lambda that has been warm a while.`;
}

// Timed in separate passes, the service alone can come out slower than the app: no share to give then.
function httpShare(extraMs: number): string {
  return extraMs > 0 ? `, and HTTP through Hono and zod adds ${ms(extraMs)} ms` : '';
}

function fts5ProcessText(fts5: EngineFigures | undefined): string {
  if (fts5?.tookTurns) {
    return ' FTS5 runs in a process of its own too, holding only its in-memory database, and the two take turns a round of the queries at a time, the first to go changing every round, so that the machine changing speed during the run (this one does, by up to half) moves both alike; MiniSearch runs in the benchmark process.';
  }
  const halves = fts5?.halvesP50;
  if (!halves) return ' FTS5 and MiniSearch run in the benchmark process.';
  return ` FTS5 runs in a process of its own too, holding only its in-memory database, half its rounds before ours and half after, so that the machine changing speed during the run moves both alike (p50 ${ms(halves[0])} ms before, ${ms(halves[1])} ms after); MiniSearch runs in the benchmark process.`;
}
