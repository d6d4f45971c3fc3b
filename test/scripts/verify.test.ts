import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EventInput } from '../../lib/event-schema';
import { EventStore } from '../../lib/event-store';
import { SearchIndexer } from '../../lib/search/indexer';
import { reindexTimeline } from '../../lib/search/reindex';
import { ShardStore } from '../../lib/search/shard-store';
import { testClient, testConfig, uniqueTimeline } from '../helpers/dynamo';

const config = testConfig();
const client = testClient();
const events = new EventStore(client, config.TABLE_NAME);
const root = join(import.meta.dirname, '..', '..');

afterAll(() => client.destroy());

/** Runs `npm run verify -- …`'s command against the test engine. */
function verify(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      join(root, 'node_modules', '.bin', 'tsx'),
      ['scripts/verify.ts', ...args],
      { cwd: root, env: { ...process.env, DYNAMODB_ENDPOINT: config.DYNAMODB_ENDPOINT, TABLE_NAME: config.TABLE_NAME }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('npm run verify', () => {
  it('prints "equal" and exits 0 for an index that holds the table, then lists the differences and exits 1', async () => {
    const timeline = uniqueTimeline('verify-cli');
    await events.putMany(timeline, [EventInput.parse({ id: 'a', date: '2022', title: 'indexed' })]);
    await reindexTimeline(events, new SearchIndexer(new ShardStore(client, config.INDEX_TABLE_NAME)), timeline);
    expect(await verify(timeline)).toEqual({ code: 0, stdout: `${timeline}: 1 event in the table, 1 in the index (1 shard): equal\n`, stderr: '' });

    await events.putMany(timeline, [EventInput.parse({ id: 'b', date: '2023', title: 'not indexed' })]);
    const differs = await verify(timeline);
    expect(differs.code).toBe(1);
    expect(differs.stdout).toBe(
      [
        `${timeline}: 2 events in the table, 1 in the index (1 shard): 1 difference`,
        '  missing (in the table, not indexed): b',
        `Rebuild the index from the table with: npm run reindex -- ${timeline}`,
        '',
      ].join('\n'),
    );
    const json = await verify(timeline, '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ timeline, missing: ['b'], equal: false });
  }, 120_000);

  it('says how to call it and exits 2 without a timeline', async () => {
    const { code, stderr } = await verify();
    expect(code).toBe(2);
    expect(stderr).toContain('usage: npm run verify -- <timeline> [--json]');
  }, 60_000);
});
