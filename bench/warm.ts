import { fileURLToPath } from 'node:url';
import { IpcProcess } from './child';
import { DEPLOYMENT, lambdaHeapFlags } from './deployment';
import { fromRounds, type OrderedTimings, type Round } from './latency';
import type { BenchQuery } from './queries';
import type { WarmBreakdown, WarmReply, WarmRequest } from './warm-child';

/** What the warm child needs of a query. */
export type WarmQuery = Pick<BenchQuery, 'q' | 'from' | 'to'>;

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

/** A process timed a round of queries at a time. */
export interface RoundTimer {
  round(): Promise<Round>;
}

/** A warm instance in a process of its own, as a warm Lambda holding only the app and its index (bench/warm-child.ts). */
export class WarmProcess implements RoundTimer {
  private constructor(
    private readonly ipc: IpcProcess<WarmRequest, WarmReply>,
    /** The V8 flags it runs with. */
    readonly heapFlags: string[],
  ) {}

  static async start(env: WarmEnv, queries: readonly WarmQuery[]): Promise<WarmProcess> {
    const script = fileURLToPath(new URL('./warm-child.ts', import.meta.url));
    // The deployed API function's heap limits (as the API process of the ingest has), unless the index needs more.
    const heap = env.maxOldSpaceMb ? [`--max-old-space-size=${env.maxOldSpaceMb}`] : lambdaHeapFlags(DEPLOYMENT.apiMemoryGb * 1024);
    const childEnv = {
      DYNAMODB_ENDPOINT: env.DYNAMODB_ENDPOINT,
      TABLE_NAME: env.TABLE_NAME,
      SEARCH_CACHE_MB: String(env.SEARCH_CACHE_MB),
      WARM_TIMELINE: env.timeline,
      WARM_QUERIES: JSON.stringify(queries.map(({ q, from, to }) => ({ q, from, to }))),
      LOG_LEVEL: 'error',
    };
    const { process: ipc } = await IpcProcess.fork<WarmRequest, WarmReply>(script, childEnv, heap);
    return new WarmProcess(ipc, heap);
  }

  /** Answers the queries through the app for `ms`, at least twice. */
  async warmUp(ms: number): Promise<{ passes: number; ms: number }> {
    const reply = await this.ipc.ask({ type: 'warmUp', ms });
    if (reply.type !== 'warmedUp') throw new Error(`warm process answered ${reply.type}`);
    return { passes: reply.passes, ms: reply.ms };
  }

  /** Runs every query once through the app, timing each. */
  async round(): Promise<Round> {
    const reply = await this.ipc.ask({ type: 'round' });
    if (reply.type !== 'round') throw new Error(`warm process answered ${reply.type}`);
    return reply.round;
  }

  /** Times the service alone, the manifest read and the engine alone, `rounds` times each. */
  async breakdown(rounds: number): Promise<WarmBreakdown> {
    const reply = await this.ipc.ask({ type: 'breakdown', rounds });
    if (reply.type !== 'breakdown') throw new Error(`warm process answered ${reply.type}`);
    return reply.breakdown;
  }

  stop(): Promise<void> {
    return this.ipc.stop({ type: 'stop' });
  }
}

/**
 * Times each process's rounds taking turns, one round each, the first to go changing every round: a machine that
 * slows down or speeds up during the run (this one does, by up to half) moves them all alike, so their ratios hold.
 */
export async function takeTurns<T extends RoundTimer>(timers: readonly T[], rounds: number): Promise<Map<T, OrderedTimings>> {
  const timed: Round[][] = timers.map(() => []);
  for (let round = 0; round < rounds; round += 1) {
    for (let turn = 0; turn < timers.length; turn += 1) {
      const i = (round + turn) % timers.length;
      timed[i]!.push(await timers[i]!.round());
    }
  }
  return new Map(timers.map((timer, i) => [timer, fromRounds(timed[i]!)]));
}
