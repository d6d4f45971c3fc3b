// FTS5 timed in a process of its own, as ours is (bench/warm-child.ts): the benchmark process holds the generated
// events, the marshalled items and their documents, and its garbage collection would land in FTS5's timings.
// bench/baselines/fts5.ts (timeFts5) spawns it; it prints one line: FTS5_RESULT {json}.
import { readFileSync } from 'node:fs';
import { Fts5Baseline } from './baselines/fts5';
import { ordered, timeCases, type OrderedTimings } from './latency';
import { boundsOf } from './ours';
import type { BenchQuery } from './queries';

const queries = JSON.parse(process.env.FTS5_QUERIES ?? '[]') as BenchQuery[];
const rounds = Number(process.env.FTS5_ROUNDS ?? 5);
const fts5 = Fts5Baseline.fromBytes(readFileSync(process.env.FTS5_DB!));
const bounds = queries.map((query) => boundsOf(query));
const cases = queries.map((_, i) => i);
const timings = await timeCases(cases, rounds, (i) => fts5.search(queries[i]!, bounds[i]!));
fts5.close();
const result: OrderedTimings = ordered(timings);
console.log(`FTS5_RESULT ${JSON.stringify(result)}`);
