import { fileURLToPath } from 'node:url';
import { parseShard, serializeShard } from '../lib/search/segment-codec';
import { ShardReader, ShardWriter } from '../lib/search/shard';
import type { ShardStore } from '../lib/search/shard-store';
import { runScript } from './child';
import { DEPLOYMENT, lambdaHeapFlags } from './deployment';
import type { MeterSnapshot } from './meter';

/** What a fresh process measured answering its first search. */
export interface ColdResult {
  status: number;
  total: number;
  /** Node start until the child's first line ran (Node and tsx boot). */
  bootMs: number;
  /** Importing the app's modules (transpiled by tsx on the fly; a bundled Lambda imports faster). */
  importMs: number;
  createAppMs: number;
  /** The first request through the app: manifest read, shard reads, gunzip, parse, search. */
  firstRequestMs: number;
  /** The same request again in the same process, warm. */
  secondRequestMs: number;
  /** What the first request read from DynamoDB (and, under `GetItem`, the manifest). */
  reads: MeterSnapshot;
  heapBefore: number;
  heapAfter: number;
  /** Wall time of the whole child process, as the parent saw it. */
  processMs: number;
}

/** What loading every shard of a timeline into memory took. */
export interface MemoryResult {
  total: number;
  loadMs: number;
  shards: number;
  docs: number;
  compressedBytes: number;
  heapBefore: number;
  heapAfter: number;
  reads: MeterSnapshot;
  processMs: number;
}

/** Runs one search in a fresh Node process against the same DynamoDB Local. */
export function coldSearch(env: ColdEnv, query: Record<string, string>): Promise<ColdResult> {
  return runChild<ColdResult>(env, query, 'app', []);
}

/** Loads every shard in a fresh process (unbounded cache, `--expose-gc`) and reports the heap. */
export function measureMemory(env: ColdEnv): Promise<MemoryResult> {
  return runChild<MemoryResult>(env, {}, 'memory', ['--expose-gc']);
}

/** Where the child finds the data. */
export interface ColdEnv {
  DYNAMODB_ENDPOINT: string;
  TABLE_NAME: string;
  timeline: string;
  /** Heap limit of the child in MB, for the 1M index. */
  maxOldSpaceMb?: number;
}

async function runChild<T>(env: ColdEnv, query: Record<string, string>, mode: 'app' | 'memory', flags: string[]): Promise<T> {
  const script = fileURLToPath(new URL('./cold-child.ts', import.meta.url));
  const started = performance.now();
  // A first search runs within the deployed API function's heap limits, as the warm timings do, unless the index needs more.
  const heap = env.maxOldSpaceMb ? [`--max-old-space-size=${env.maxOldSpaceMb}`] : mode === 'app' ? lambdaHeapFlags(DEPLOYMENT.apiMemoryGb * 1024) : [];
  const childEnv = { DYNAMODB_ENDPOINT: env.DYNAMODB_ENDPOINT, TABLE_NAME: env.TABLE_NAME, COLD_TIMELINE: env.timeline, COLD_QUERY: JSON.stringify(query), COLD_MODE: mode };
  const result = await runScript<T>(script, 'COLD_RESULT', childEnv, [...flags, ...heap]);
  return { ...result, processMs: performance.now() - started };
}

/** Where a shard's load and rewrite time goes, measured on the largest shard of the timeline (median of 3). */
export interface ShardCodecResult {
  docs: number;
  compressedBytes: number;
  /** Runs before the binary segment format, which stored gzipped JSON. */
  jsonBytes?: number;
  /** Reading its index's chunks from DynamoDB (Query), what any search of its range reads (before texts were stored apart: all its chunks). */
  readMs: number;
  /** Reading its texts' chunks, which only hits and phrase checks read; absent in runs before they were stored apart. */
  textsReadMs?: number;
  indexBytes?: number;
  gunzipMs?: number;
  /** parseShard: gunzip and decoding (before the binary format: JSON.parse alone). */
  parseMs: number;
  /** ShardReader.fromData: the search side. */
  readerMs: number;
  /** The indexer's side of a rewrite: ShardWriter.from (when not cached), toData, JSON.stringify + gzip. */
  loadWriterMs: number;
  toDataMs: number;
  serializeMs: number;
}

/** Times each step of loading and rewriting the largest segment. */
export async function measureShardCodec(store: ShardStore, timeline: string): Promise<ShardCodecResult> {
  const manifest = await store.getManifest(timeline);
  const segment = Object.values(manifest?.shards ?? {}).flatMap((shard) => shard.segments).reduce((a, b) => (b.bytes > a.bytes ? b : a));
  const runs: Required<Omit<ShardCodecResult, 'docs' | 'compressedBytes' | 'indexBytes' | 'jsonBytes' | 'gunzipMs'>>[] = [];
  let indexBytes = 0;
  for (let i = 0; i < 3; i += 1) {
    const time = <T>(work: () => T): [T, number] => {
      const t0 = performance.now();
      const value = work();
      return [value, performance.now() - t0];
    };
    const t0 = performance.now();
    const index = await store.readSegmentIndex(timeline, segment);
    const readMs = performance.now() - t0;
    const t1 = performance.now();
    const texts = await store.readSegmentTexts(timeline, segment);
    const textsReadMs = performance.now() - t1;
    const [data, parseMs] = time(() => parseShard({ index, texts }));
    const [, readerMs] = time(() => ShardReader.fromData(data));
    const [writer, loadWriterMs] = time(() => ShardWriter.from(parseShard({ index, texts })));
    const [plain, toDataMs] = time(() => writer.toData());
    const [, serializeMs] = time(() => serializeShard(plain));
    indexBytes = index.length;
    runs.push({ readMs, textsReadMs, parseMs, readerMs, loadWriterMs, toDataMs, serializeMs });
  }
  const mid = (key: keyof (typeof runs)[number]) => runs.map((run) => run[key]).sort((a, b) => a - b)[1]!;
  return {
    docs: segment.count,
    compressedBytes: segment.bytes,
    indexBytes,
    readMs: mid('readMs'),
    textsReadMs: mid('textsReadMs'),
    parseMs: mid('parseMs'),
    readerMs: mid('readerMs'),
    loadWriterMs: mid('loadWriterMs'),
    toDataMs: mid('toDataMs'),
    serializeMs: mid('serializeMs'),
  };
}
