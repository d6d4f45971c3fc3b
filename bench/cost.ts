import type { App } from '../lib/app';
import { DEPLOYMENT } from './deployment';
import type { BenchEvent } from './generator';
import { BENCH_API_KEY, type IndexerProcess } from './ingest';
import { summarize, type Summary } from './latency';
import { totalOf } from './meter';
import type { RunResult } from './report';

/** What single-event writes cost the indexer: each one rewrites its whole shard. */
export interface TrickleResult {
  events: number;
  apiMs: Summary;
  indexerMsPerEvent: number;
  indexBytesPerEvent: number;
  indexWcuPerEvent: number;
  indexRcuPerEvent: number;
  drainMs: Summary;
}

/**
 * Posts `count` new events one request at a time, spread over the timeline's dates, and waits for
 * the indexer after each, so every stream batch holds one event (a quiet timeline's normal case).
 */
export async function measureTrickle(app: App, indexer: IndexerProcess, timeline: string, events: readonly BenchEvent[], count: number): Promise<TrickleResult> {
  const api: number[] = [];
  const drains: number[] = [];
  let busyMs = 0;
  let bytes = 0;
  let wcu = 0;
  let rcu = 0;
  for (let i = 0; i < count; i += 1) {
    // Follow-ups of the newest events, as a newsroom adds them: they land in the same recent shard, so the
    // deltas pile up and get merged as they would in use, and the figure includes that merging.
    const model = events[events.length - 1 - (i % 50)]!;
    const event: BenchEvent = { ...model, id: `${model.id}-trickle-${i}`, title: `${model.title} (follow-up)` };
    await indexer.reset();
    const t0 = performance.now();
    const response = await app.request(`/v1/timelines/${timeline}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${BENCH_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(event),
    });
    await response.text();
    if (response.status !== 201) throw new Error(`single POST answered ${response.status}`);
    api.push(performance.now() - t0);
    drains.push(await indexer.drain());
    const stats = await indexer.stats();
    const writes = totalOf(stats.meter);
    busyMs += stats.busyMs;
    bytes += writes.itemBytesWritten;
    wcu += writes.wcu;
    rcu += writes.rcu;
  }
  return { events: count, apiMs: summarize(api), indexerMsPerEvent: busyMs / count, indexBytesPerEvent: bytes / count, indexWcuPerEvent: wcu / count, indexRcuPerEvent: rcu / count, drainMs: summarize(drains) };
}

/** US East (N. Virginia) on-demand list prices used by the model. */
export const PRICES = {
  asOf: 'us-east-1 list prices as given in the benchmark brief (2025); not re-checked online from this machine',
  lambdaGbSecondArm: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  dynamoPerMillionWru: 0.625,
  dynamoPerMillionRru: 0.125,
  dynamoStorageGbMonth: 0.25,
  apiGatewayHttpPerMillion: 1.0,
  secretPerMonth: 0.4,
  alarmPerMonth: 0.1,
} as const;

/** One priced scenario. */
export interface CostLine {
  scenario: string;
  lambda: number;
  dynamodb: number;
  apiGateway: number;
  total: number;
}

/** The cost model's answer. */
export interface CostModel {
  pricesAsOf: string;
  prices: { item: string; price: string }[];
  lines: CostLine[];
  notes: string[];
  inputs: Record<string, number>;
}

/** Prices 1M searches, 1M writes (one at a time and in batches) and an idle month from what the run measured. */
export function costModel(run: RunResult): CostModel {
  const ours = run.figures?.ours;
  const ingest = run.ingest;
  const trickle = run.trickle;
  const million = 1_000_000;
  const lambda = (ms: number, gb: number, invocations: number) => (invocations * (ms / 1000) * gb * PRICES.lambdaGbSecondArm) + (invocations / million) * PRICES.lambdaPerMillionRequests;
  const dynamo = (wcu: number, rcu: number) => (wcu / million) * PRICES.dynamoPerMillionWru + (rcu / million) * PRICES.dynamoPerMillionRru;
  const lines: CostLine[] = [];
  const line = (scenario: string, lambdaCost: number, dynamoCost: number, apiCost: number) => lines.push({ scenario, lambda: lambdaCost, dynamodb: dynamoCost, apiGateway: apiCost, total: lambdaCost + dynamoCost + apiCost });

  const inputs: Record<string, number> = {};
  if (ours) {
    const warmMs = ours.overall.mean;
    const warmRcu = ours.readsPerSearch?.rcu ?? 0.5;
    const cold = run.cold?.month[0];
    const coldMs = cold ? cold.importMs + cold.createAppMs + cold.firstRequestMs : warmMs;
    const coldRcu = cold ? totalOf(cold.reads).rcu : warmRcu;
    const searches = million;
    const coldCount = searches * DEPLOYMENT.coldShare;
    Object.assign(inputs, { searchWarmMeanMs: warmMs, searchWarmRcu: warmRcu, searchColdMs: coldMs, searchColdRcu: coldRcu });
    line(
      `1M searches (mean ${warmMs.toFixed(1)} ms warm at ${DEPLOYMENT.apiMemoryGb * 1024} MB; ${DEPLOYMENT.coldShare * 100}% cold at ${Math.round(coldMs)} ms and ${coldRcu.toFixed(0)} RCU)`,
      lambda(warmMs, DEPLOYMENT.apiMemoryGb, searches - coldCount) + lambda(coldMs, DEPLOYMENT.apiMemoryGb, coldCount),
      dynamo(0, (searches - coldCount) * warmRcu + coldCount * coldRcu),
      (searches / million) * PRICES.apiGatewayHttpPerMillion,
    );
  }
  if (ingest?.api && trickle) {
    const eventWcu = ingest.apiWcuPerEvent ?? 2;
    const eventRcu = ingest.apiRcuPerEvent ?? 1;
    Object.assign(inputs, { eventWcu, eventRcu, trickleIndexWcu: trickle.indexWcuPerEvent, trickleIndexerMs: trickle.indexerMsPerEvent, bulkIndexWcu: ingest.indexWcuPerEvent ?? 0 });
    line(
      `1M writes, one event a request, each indexed alone (${trickle.indexWcuPerEvent.toFixed(1)} WCU of index segments an event, merges included)`,
      lambda(trickle.apiMs.mean, DEPLOYMENT.apiMemoryGb, million) + lambda(trickle.indexerMsPerEvent, DEPLOYMENT.indexerMemoryGb, million),
      dynamo(million * (eventWcu + trickle.indexWcuPerEvent), million * (eventRcu + trickle.indexRcuPerEvent)),
      PRICES.apiGatewayHttpPerMillion,
    );
    const perBatchMs = ingest.api.requestMs.mean;
    const indexerMsPerEvent = (ingest.indexer?.busyMs ?? 0) / (ingest.indexer?.records || 1);
    const indexRcu = totalOf(ingest.indexer?.meter ?? {}).rcu / (ingest.indexer?.records || 1);
    line(
      `1M writes in batches of 1,000 (as the run posted them; ${(ingest.indexWcuPerEvent ?? 0).toFixed(1)} WCU of shard rewrite an event)`,
      lambda(perBatchMs, DEPLOYMENT.apiMemoryGb, million / 1000) + lambda(indexerMsPerEvent * DEPLOYMENT.indexerBatchSize, DEPLOYMENT.indexerMemoryGb, million / DEPLOYMENT.indexerBatchSize),
      dynamo(million * (eventWcu + (ingest.indexWcuPerEvent ?? 0)), million * (eventRcu + indexRcu)),
      (million / 1000 / million) * PRICES.apiGatewayHttpPerMillion,
    );
  }
  const eventBytes = ingest?.eventItemBytes ?? 800;
  const indexBytes = ingest?.shards ? ingest.shards.totalCompressedBytes / run.size : 170;
  // The byDate index projects every attribute, so an event is stored twice; 100 bytes of overhead an item.
  const bytesPerEvent = 2 * (eventBytes + 100) + indexBytes;
  const storage = (events: number) => ((events * bytesPerEvent) / 1024 ** 3) * PRICES.dynamoStorageGbMonth;
  const fixed = DEPLOYMENT.secrets * PRICES.secretPerMonth + DEPLOYMENT.alarms * PRICES.alarmPerMonth;
  Object.assign(inputs, { bytesPerEventStored: bytesPerEvent });
  line(`zero traffic, ${run.size.toLocaleString('en-US')} events stored (storage $${storage(run.size).toFixed(3)} + 1 secret + ${DEPLOYMENT.alarms} alarms)`, 0, storage(run.size), 0);
  lines.at(-1)!.total += fixed;
  line(`zero traffic, 1,000,000 events stored (storage $${storage(million).toFixed(3)} + 1 secret + ${DEPLOYMENT.alarms} alarms)`, 0, storage(million), 0);
  lines.at(-1)!.total += fixed;

  return {
    pricesAsOf: PRICES.asOf,
    prices: [
      { item: 'Lambda arm64', price: `$${PRICES.lambdaGbSecondArm} per GB-s + $${PRICES.lambdaPerMillionRequests} per 1M requests` },
      { item: 'DynamoDB on-demand writes', price: `$${PRICES.dynamoPerMillionWru} per 1M WRU (1 KB each)` },
      { item: 'DynamoDB on-demand reads', price: `$${PRICES.dynamoPerMillionRru} per 1M RRU (4 KB strongly consistent, 8 KB eventually)` },
      { item: 'DynamoDB storage', price: `$${PRICES.dynamoStorageGbMonth} per GB-month` },
      { item: 'DynamoDB Streams read by Lambda', price: 'free' },
      { item: 'API Gateway HTTP API', price: `$${PRICES.apiGatewayHttpPerMillion} per 1M requests` },
      { item: 'Secrets Manager', price: `$${PRICES.secretPerMonth} per secret-month` },
      { item: 'CloudWatch alarm', price: `$${PRICES.alarmPerMonth} per alarm-month` },
    ],
    lines,
    notes: [
      'Durations are this machine\'s (one fast core); a 1024 MB Lambda has about 0.6 vCPU, so CPU-bound time there may be ~1.5-2x longer: scale the Lambda column accordingly.',
      `Cold share assumed ${DEPLOYMENT.coldShare * 100}% of searches; cold cost = import + createApp + first request (INIT is billed), plus the shard reads of a one-month range.`,
      'Index writes dominate write cost: each indexer batch writes a delta segment for every shard it touches (gzip in ≤ 350 KB chunks, charged by size) and merges deltas now and then, so a lone event costs its delta plus its share of the merges, while a bulk import spreads them over the batch.',
      `Writes: the event item and its byDate copy (${inputs.eventWcu?.toFixed(2) ?? '?'} WCU), a consistent Query of the current versions over the batch's ids (${inputs.eventRcu?.toFixed(2) ?? '?'} RCU); the indexer Lambda in AWS gets batches of ${DEPLOYMENT.indexerBatchSize} (cdk indexerBatchSize).`,
      `Storage: ${Math.round(bytesPerEvent)} bytes an event (event item twice for the byDate index, plus its share of the gzip shards); replaced shard versions are deleted.`,
      `Fixed: ${DEPLOYMENT.secrets} Secrets Manager secret ($${PRICES.secretPerMonth}) and ${DEPLOYMENT.alarms} CloudWatch alarms ($${(DEPLOYMENT.alarms * PRICES.alarmPerMonth).toFixed(2)}) = $${fixed.toFixed(2)} a month; logs and data transfer not included.`,
    ],
    inputs,
  };
}
