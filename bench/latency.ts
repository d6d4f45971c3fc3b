/** Percentiles of a set of timings, in milliseconds. */
export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** The nearest-rank percentile of ascending values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** p50, p95, p99, max and mean of timings. */
export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, value) => sum + value, 0) / (sorted.length || 1);
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN, mean };
}

/** Timings of each case, after one discarded warm-up run of each. */
export interface Timings<T> {
  samples: Map<T, number[]>;
  /** Wall time of the measured rounds, for throughput. */
  wallMs: number;
  runs: number;
}

/**
 * Runs every case once to warm up (discarded), then `rounds` times more, round-robin so that
 * garbage collection and caches spread evenly over the cases, timing each run with performance.now().
 */
export async function timeCases<T>(cases: readonly T[], rounds: number, run: (item: T) => unknown): Promise<Timings<T>> {
  for (const item of cases) await run(item);
  const samples = new Map<T, number[]>(cases.map((item) => [item, []]));
  const started = performance.now();
  for (let round = 0; round < rounds; round += 1) {
    for (const item of cases) {
      const t0 = performance.now();
      await run(item);
      samples.get(item)!.push(performance.now() - t0);
    }
  }
  return { samples, wallMs: performance.now() - started, runs: rounds * cases.length };
}

/** One pass over the cases, timed: a sample per case, in the order given, and the pass's wall time. */
export interface Round {
  samples: number[];
  wallMs: number;
}

/** Runs every case once, timing each. */
export async function timeRound<T>(cases: readonly T[], run: (item: T) => unknown): Promise<Round> {
  const samples: number[] = [];
  const started = performance.now();
  for (const item of cases) {
    const t0 = performance.now();
    await run(item);
    samples.push(performance.now() - t0);
  }
  return { samples, wallMs: performance.now() - started };
}

/** Rounds over the same cases as samples per case. */
export function fromRounds(rounds: readonly Round[]): OrderedTimings {
  const cases = rounds[0]?.samples.length ?? 0;
  return {
    samples: Array.from({ length: cases }, (_, i) => rounds.map((round) => round.samples[i]!)),
    wallMs: rounds.reduce((sum, round) => sum + round.wallMs, 0),
    runs: cases * rounds.length,
  };
}

/** Samples per case, in the order the cases were given: timings as a child process reports them. */
export interface OrderedTimings {
  samples: number[][];
  wallMs: number;
  runs: number;
}

/** Timings as plain lists in case order (`timeCases` keeps its cases in the order given), to send from a child process. */
export function ordered<T>(timings: Timings<T>): OrderedTimings {
  return { samples: [...timings.samples.values()], wallMs: timings.wallMs, runs: timings.runs };
}

/** A child's samples keyed by the cases they belong to, as the rest of the benchmark keeps timings. */
export function keyedBy<T>(cases: readonly T[], timings: OrderedTimings): Timings<T> {
  return { samples: new Map(cases.map((item, i) => [item, timings.samples[i]!])), wallMs: timings.wallMs, runs: timings.runs };
}

/** Timings grouped by a label of each case (query kind, range), summarized. */
export function summarizeBy<T>(timings: Timings<T>, label: (item: T) => string): Record<string, Summary> {
  const groups = new Map<string, number[]>();
  for (const [item, values] of timings.samples) {
    const key = label(item);
    groups.set(key, [...(groups.get(key) ?? []), ...values]);
  }
  return Object.fromEntries([...groups].map(([key, values]) => [key, summarize(values)]));
}

/** Every sample of every case, summarized. */
export function summarizeAll<T>(timings: Timings<T>): Summary {
  return summarize([...timings.samples.values()].flat());
}

/** Rounds a millisecond figure for printing: two significant decimals below 10, fewer above. */
export function ms(value: number | undefined): string {
  if (value == null || Number.isNaN(value)) return '–';
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}
