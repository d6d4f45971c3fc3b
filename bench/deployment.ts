import { STREAM_BATCH_SIZE } from '../lib/search/indexer';

/** Deployment facts the benchmark assumes (from cdk/settings.ts and the stack). */
export const DEPLOYMENT = {
  apiMemoryGb: 1,
  indexerMemoryGb: 1,
  /** Errors and throttles of the reader, writer and indexer functions, iterator age, dead letters. */
  alarms: 8,
  secrets: 1,
  /** Lambda stream batch size in AWS (cdk indexerBatchSize), the same the local poller uses. */
  indexerBatchSize: STREAM_BATCH_SIZE,
  /** Share of searches that meet a cold Lambda (an assumption: about one an hour at 1M a month is 0.07%; 1% is pessimistic). */
  coldShare: 0.01,
} as const;

/**
 * The V8 heap limits Lambda's Node.js runtime gives a function of `memoryMb` when NODE_OPTIONS sets none: its
 * bootstrap script makes a tenth of the memory new space (half of it each semi-space) and the rest old space (newer
 * runtimes may split it differently). The benchmark's API and indexer processes run with them, so that their garbage
 * collector works within what the deployed functions have rather than this machine's default.
 */
export function lambdaHeapFlags(memoryMb: number): string[] {
  const newSpace = Math.floor(memoryMb / 10);
  return [`--max-semi-space-size=${Math.floor(newSpace / 2)}`, `--max-old-space-size=${memoryMb - newSpace}`];
}
