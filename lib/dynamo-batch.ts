import { UnavailableError } from './errors';

const MAX_ROUNDS = 8;

/** Runs `work` over items with at most `concurrency` in flight. */
export async function inParallel<T>(items: T[], concurrency: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}

/**
 * Sends a batch and re-sends what DynamoDB left unprocessed (it does so under throttling),
 * with jittered exponential backoff; gives up with a 503 rather than losing items silently.
 */
export async function retryUnprocessed<T>(batch: T[], send: (pending: T[]) => Promise<T[]>): Promise<void> {
  let pending = batch;
  for (let round = 0; pending.length > 0; round += 1) {
    if (round === MAX_ROUNDS) {
      throw new UnavailableError(`DynamoDB left ${pending.length} items unprocessed after ${MAX_ROUNDS} attempts`, 2);
    }
    if (round > 0) await new Promise((wake) => setTimeout(wake, Math.random() * 50 * 2 ** round));
    pending = await send(pending);
  }
}
