// FTS5 timed in a process of its own, as ours is (bench/warm-child.ts): the benchmark process holds the generated
// events, the marshalled items and their documents, and its garbage collection would land in FTS5's timings.
// bench/baselines/fts5.ts (Fts5Process) forks it and asks for one timed round over the queries at a time.
import { readFileSync } from 'node:fs';
import { Fts5Baseline } from './baselines/fts5';
import { timeRound, type Round } from './latency';
import { boundsOf } from './ours';
import type { BenchQuery } from './queries';

/** Messages the parent sends. */
export type Fts5Request = { type: 'round' } | { type: 'stop' };

/** Messages the child sends: ready once its database is loaded and every query has run once. */
export type Fts5Reply = { type: 'ready' } | { type: 'round'; round: Round };

const queries = JSON.parse(process.env.FTS5_QUERIES ?? '[]') as BenchQuery[];
const fts5 = Fts5Baseline.fromBytes(readFileSync(process.env.FTS5_DB!));
const bounds = queries.map((query) => boundsOf(query));
const cases = queries.map((_, i) => i);
const search = (i: number) => fts5.search(queries[i]!, bounds[i]!);
const reply = (message: Fts5Reply) => process.send?.(message);

await timeRound(cases, search);
process.on('message', async (message: Fts5Request) => {
  if (message.type === 'stop') {
    fts5.close();
    process.exit(0);
  }
  reply({ type: 'round', round: await timeRound(cases, search) });
});
reply({ type: 'ready' });
