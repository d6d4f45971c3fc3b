// The API in a process of its own, as the API Lambda runs apart from its clients: the benchmark posts to it over HTTP.
// In the benchmark process the app would share a heap with the generated events (GB at 1M) and pay for collecting it.
import { serve } from '@hono/node-server';
import { createApp } from '../lib/app';
import { loadConfig } from '../lib/config';
import { createDynamoClient } from '../lib/dynamo-client';
import { ownCpuMs } from './cpu';
import { DynamoMeter, type MeterSnapshot } from './meter';

/** Messages the parent sends. */
export type ApiRequest = { type: 'stats' } | { type: 'reset' } | { type: 'stop' };

/** What the API process did since the last reset: its CPU time and its DynamoDB calls. */
export interface ApiStats {
  cpuMs: number;
  meter: MeterSnapshot;
}

/** Messages the child sends. */
export type ApiReply = { type: 'ready'; port: number } | { type: 'stats'; stats: ApiStats };

const config = loadConfig();
const client = createDynamoClient(config);
const meter = new DynamoMeter().attach(client);
const app = createApp({ config, client });
let cpuAtReset = ownCpuMs();
const reply = (message: ApiReply) => process.send?.(message);

serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, ({ port }) => reply({ type: 'ready', port }));

process.on('message', (message: ApiRequest) => {
  if (message.type === 'reset') {
    cpuAtReset = ownCpuMs();
    meter.reset();
  }
  if (message.type === 'stop') process.exit(0); // The client keeps its connections open: closing the server would wait for them.
  reply({ type: 'stats', stats: { cpuMs: ownCpuMs() - cpuAtReset, meter: meter.snapshot() } });
});
