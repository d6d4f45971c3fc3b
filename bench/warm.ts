import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Summary, Timings } from './latency';
import type { BenchQuery } from './queries';

/** What the warm child needs of a query. */
export type WarmQuery = Pick<BenchQuery, 'q' | 'from' | 'to'>;

/** Samples per query, in the order the queries were given. */
export interface WarmTimings {
  samples: number[][];
  wallMs: number;
  runs: number;
}

/** What a warm instance measured: through the app, the service alone, the engine alone, a manifest read. */
export interface WarmResult {
  app: WarmTimings;
  service: WarmTimings;
  engine: WarmTimings;
  manifestGetItem: Summary;
  /** DynamoDB reads per search through the app (the manifest, now and then). */
  readsPerSearch: { requests: number; bytes: number; rcu: number };
}

/** Where the child finds the data, and how big a heap it may use (the 1M index needs more than the default). */
export interface WarmEnv {
  DYNAMODB_ENDPOINT: string;
  TABLE_NAME: string;
  SEARCH_CACHE_MB: number;
  timeline: string;
  maxOldSpaceMb?: number;
}

/** Times the queries in a process of their own, as a warm Lambda holding only the app and its index. */
export async function timeWarm(env: WarmEnv, queries: readonly BenchQuery[], rounds: number): Promise<WarmResult> {
  const script = fileURLToPath(new URL('./warm-child.ts', import.meta.url));
  const heap = env.maxOldSpaceMb ? [`--max-old-space-size=${env.maxOldSpaceMb}`] : [];
  const child = spawn(process.execPath, [...heap, '--import', 'tsx', script], {
    env: {
      ...process.env,
      DYNAMODB_ENDPOINT: env.DYNAMODB_ENDPOINT,
      TABLE_NAME: env.TABLE_NAME,
      SEARCH_CACHE_MB: String(env.SEARCH_CACHE_MB),
      WARM_TIMELINE: env.timeline,
      WARM_QUERIES: JSON.stringify(queries.map(({ q, from, to }) => ({ q, from, to }))),
      WARM_ROUNDS: String(rounds),
      LOG_LEVEL: 'error',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const line = stdout.split('\n').find((text) => text.startsWith('WARM_RESULT '));
  if (code !== 0 || !line) throw new Error(`warm child exited with ${code}: ${stderr.trim().slice(-2000)}`);
  return JSON.parse(line.slice('WARM_RESULT '.length)) as WarmResult;
}

/** The child's samples keyed by the queries they belong to, as the rest of the benchmark keeps timings. */
export function byQuery(queries: readonly BenchQuery[], timings: WarmTimings): Timings<BenchQuery> {
  return { samples: new Map(queries.map((query, i) => [query, timings.samples[i]!])), wallMs: timings.wallMs, runs: timings.runs };
}
