import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../lib/app';
import { createDynamoClient } from '../../lib/dynamo-client';
import { formatReport, verifyTimeline } from '../../lib/search/verify';
import { testConfig, uniqueTimeline } from '../helpers/dynamo';
import { call } from '../helpers/http';
import { recordsOf, startIndexerPoller } from './pollers';

const config = testConfig();
const client = createDynamoClient(config);
const app = createApp({ config, client });

afterAll(() => client.destroy());

describe('a poison stream record', () => {
  it('goes to the failure path alone, and every event before and after it is indexed', async () => {
    const timeline = uniqueTimeline('poison');
    const failed: DynamoDBRecord[] = [];
    let logged = '';
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const indexer = await startIndexerPoller(config, { only: recordsOf(timeline), maxRetries: 1, retryDelayMs: 10, onFailure: (records) => void failed.push(...records) });
    try {
      expect((await call(app, 'POST', `/v1/timelines/${timeline}/events`, events('before', 30))).status).toBe(201);
      // An event item the indexer cannot read: its title is a number (written around the API, as a bad migration might).
      await client.send(
        new PutItemCommand({ TableName: config.TABLE_NAME, Item: { pk: { S: `TL#${timeline}` }, sk: { S: 'EV#poison' }, id: { S: 'poison' }, title: { N: '42' } } }),
      );
      expect((await call(app, 'POST', `/v1/timelines/${timeline}/events`, events('after', 30))).status).toBe(201);
      await indexer.drain();
    } finally {
      await indexer.stop();
      logged = errors.mock.calls.flat().join('\n');
      errors.mockRestore();
    }

    expect(failed.map((record) => record.dynamodb?.Keys?.sk?.S)).toEqual(['EV#poison']);
    expect(logged).toContain('unreadable stream record');
    const report = await verifyTimeline(client, config, timeline);
    expect({ ...report, unreadable: report.unreadable.map((item) => item.id) }, formatReport(report)).toMatchObject({
      events: 61,
      indexed: 60,
      missing: [],
      extra: [],
      stale: [],
      unreadable: ['poison'],
      shardProblems: [],
    });
    expect((await call(app, 'GET', `/v1/timelines/${timeline}/search?q=harbour&limit=1`)).body.total).toBe(60);
  });
});

function events(prefix: string, count: number) {
  return Array.from({ length: count }, (_, i) => ({ id: `${prefix}-${i}`, date: `2022-06-${String(1 + (i % 28)).padStart(2, '0')}`, title: `harbour ${prefix} ${i}` }));
}
