import { fileURLToPath } from 'node:url';
import { runScript } from './child';
import type { OrderedTimings, Summary } from './latency';
import type { BenchQuery } from './queries';

/** What the warm child needs of a query. */
export type WarmQuery = Pick<BenchQuery, 'q' | 'from' | 'to'>;

/** What a warm instance measured: through the app, the service alone, the engine alone, a manifest read. */
export interface WarmResult {
  app: OrderedTimings;
  service: OrderedTimings;
  engine: OrderedTimings;
  /** Passes over the queries through the app before it was timed, and how long they took. */
  warmUp: { passes: number; ms: number };
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

/**
 * How long the app answers the queries before it is timed, so that timing starts from a steady state, as in a Lambda
 * that has been warm a while. In a process that had built a 100k index, one-month p50 fell from 0.73–0.91 ms over the
 * first 3.5 s of searches to 0.30–0.59 ms after 15 s; in the warm child the difference is within run-to-run noise.
 */
export const WARM_UP_MS = 30_000;

/** Times the queries in a process of their own, as a warm Lambda holding only the app and its index. */
export async function timeWarm(env: WarmEnv, queries: readonly BenchQuery[], rounds: number): Promise<WarmResult> {
  const script = fileURLToPath(new URL('./warm-child.ts', import.meta.url));
  const heap = env.maxOldSpaceMb ? [`--max-old-space-size=${env.maxOldSpaceMb}`] : [];
  const childEnv = {
    DYNAMODB_ENDPOINT: env.DYNAMODB_ENDPOINT,
    TABLE_NAME: env.TABLE_NAME,
    SEARCH_CACHE_MB: String(env.SEARCH_CACHE_MB),
    WARM_TIMELINE: env.timeline,
    WARM_QUERIES: JSON.stringify(queries.map(({ q, from, to }) => ({ q, from, to }))),
    WARM_ROUNDS: String(rounds),
    WARM_UP_MS: String(WARM_UP_MS),
  };
  return runScript<WarmResult>(script, 'WARM_RESULT', childEnv, heap);
}
