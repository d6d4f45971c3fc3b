import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../lib/app';
import { createDynamoClient } from '../../lib/dynamo-client';
import { formatReport, verifyTimeline } from '../../lib/search/verify';
import { seededRandom } from '../helpers/corpus';
import { testConfig, uniqueTimeline } from '../helpers/dynamo';
import { call } from '../helpers/http';
import { recordsOf, startIndexerPoller, type IndexerPoller } from './pollers';

const config = testConfig();
const client = createDynamoClient(config);
const app = createApp({ config, client });
const pollers: IndexerPoller[] = [];

afterAll(async () => {
  await Promise.all(pollers.map((poller) => poller.stop()));
  client.destroy();
});

describe('concurrent writers and indexers', () => {
  it('8 writers racing on shared ids and 2 indexers racing on the same shards leave the index equal to the table', async () => {
    const timeline = uniqueTimeline('concurrent');
    // Small shards, so the race also covers splits; both indexers see every record, as duplicate deliveries would.
    pollers.push(...(await Promise.all([0, 1].map(() => startIndexerPoller(config, { only: recordsOf(timeline), maxShardDocs: 40 })))));
    const statuses: number[] = [];
    await Promise.all(Array.from({ length: 8 }, (_, writer) => write(timeline, writer, statuses)));
    await Promise.all(pollers.map((poller) => poller.drain()));

    const report = await verifyTimeline(client, config, timeline);
    expect(report.equal, formatReport(report)).toBe(true);
    expect(report.events).toBeGreaterThan(40);
    // The writers really raced: batches created and replaced events, and some single PUTs lost to a concurrent change.
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    expect(new Set(statuses)).toContain(201);
  }, 300_000);
});

/** One writer: batches over a pool of ids shared with the other writers, single PUTs and DELETEs, dates moving between shards. */
async function write(timeline: string, writer: number, statuses: number[]): Promise<void> {
  const random = seededRandom(writer + 1);
  const id = () => `e${Math.floor(random() * 120)}`;
  const date = () => `${2000 + Math.floor(random() * 20)}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}`;
  for (let round = 0; round < 6; round += 1) {
    const ids = [...new Set(Array.from({ length: 20 }, id))];
    const batch = ids.map((eventId) => ({ id: eventId, date: date(), title: `writer ${writer} round ${round} ${eventId}`, text: `harbour convoy ${writer}` }));
    const posted = await call(app, 'POST', `/v1/timelines/${timeline}/events`, batch);
    statuses.push(posted.status);
    expect([200, 201]).toContain(posted.status);
    const single = id();
    const put = await call(app, 'PUT', `/v1/timelines/${timeline}/events/${single}`, { date: date(), title: `put by ${writer} in round ${round}` });
    statuses.push(put.status);
    // 409: another writer changed the event between this PUT's read and its conditional write.
    expect([200, 201, 409]).toContain(put.status);
    if (round % 2 === 1) {
      const deleted = await call(app, 'DELETE', `/v1/timelines/${timeline}/events/${id()}`);
      statuses.push(deleted.status);
      expect([204, 404]).toContain(deleted.status);
    }
  }
}
